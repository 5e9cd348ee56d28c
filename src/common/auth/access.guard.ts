import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors/app-error';
import { PerRoute } from '../http/per-route';
import { ALLOW_SANCTIONED_KEY, READ_ONLY_KEY, ROLES_KEY, WRITE_KEY } from './auth.decorators';
import { AuthenticatedUser } from './authenticated-user';
import { CMS_CLIENT_MARK } from './jwt-auth.guard';
import { isStaff, Role } from './role';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

type GuardedRequest = FastifyRequest & { user?: AuthenticatedUser } & Record<string, unknown>;

/**
 * Roles and sanctions, after authentication: a route's `@Auth({roles})` must
 * match; a suspended or banned reader may read but not write; a ban also ends
 * every staff power, reads included. Whether a route writes is what its handler
 * is marked with (`@Write()`, `@ReadOnly()`), never guessed from a read-looking
 * method alone: an unmarked non-GET route counts as a write, and a context the
 * guard does not understand is refused.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly marks = new PerRoute((targets) => ({
    roles: this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets) ?? [],
    /** true for `@Write()`, false for `@ReadOnly()`, undefined when unmarked (then the method decides). */
    writes: this.reflector.getAllAndOverride<boolean | undefined>(WRITE_KEY, targets)
      ? true
      : this.reflector.getAllAndOverride<boolean | undefined>(READ_ONLY_KEY, targets)
        ? false
        : undefined,
    allowSanctioned: this.reflector.getAllAndOverride<boolean | undefined>(ALLOW_SANCTIONED_KEY, targets) === true,
  }));

  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') throw new AppError('FORBIDDEN', 'Only HTTP requests are authorized here');
    const request = context.switchToHttp().getRequest<GuardedRequest>();
    if (request[CMS_CLIENT_MARK]) return true;
    const user = request.user;
    if (!user) return true;

    const { roles, writes, allowSanctioned } = this.marks.of(context);
    if (user.bannedAt && roles.length > 0 && !roles.includes('reader')) {
      throw new AppError('ACCOUNT_BANNED', 'Your account is banned: staff powers end with a ban');
    }
    if (roles.length > 0 && !roles.includes(user.role)) {
      throw new AppError('FORBIDDEN', 'Your role does not allow this');
    }
    if ((writes ?? !READ_METHODS.has(request.method)) && !allowSanctioned) {
      assertNotSanctioned(user);
    }
    // A banned moderator reads public pages as any reader does (no pending comments, no tombstone bodies).
    if (user.bannedAt && isStaff(user.role)) request.user = { ...user, role: 'reader' };
    return true;
  }
}

export function assertNotSanctioned(user: AuthenticatedUser, now = new Date()): void {
  if (user.bannedAt) throw new AppError('ACCOUNT_BANNED', 'Your account is banned');
  if (user.suspendedUntil && user.suspendedUntil > now) {
    throw new AppError('ACCOUNT_SUSPENDED', `Your account is suspended until ${user.suspendedUntil.toISOString()}`);
  }
}
