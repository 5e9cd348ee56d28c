import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors/app-error';
import { ALLOW_SANCTIONED_KEY, ROLES_KEY } from './auth.decorators';
import { AuthenticatedUser } from './authenticated-user';
import { CMS_CLIENT_MARK } from './jwt-auth.guard';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Roles and sanctions, after authentication: a route's `@Auth({roles})` must
 * match, and a suspended or banned reader may read but not write.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: AuthenticatedUser } & Record<string, unknown>>();
    if (request[CMS_CLIENT_MARK]) return true;
    const user = request.user;
    if (!user) return true;

    const roles = this.reflector.getAllAndOverride<string[] | undefined>(ROLES_KEY, targets) ?? [];
    if (roles.length > 0 && !roles.includes(user.role)) {
      throw new AppError('FORBIDDEN', 'Your role does not allow this');
    }
    const isWrite = !READ_METHODS.has(request.method);
    if (isWrite && !this.reflector.getAllAndOverride<boolean>(ALLOW_SANCTIONED_KEY, targets)) {
      assertNotSanctioned(user);
    }
    return true;
  }
}

export function assertNotSanctioned(user: AuthenticatedUser, now = new Date()): void {
  if (user.bannedAt) throw new AppError('ACCOUNT_BANNED', 'Your account is banned');
  if (user.suspendedUntil && user.suspendedUntil > now) {
    throw new AppError('ACCOUNT_SUSPENDED', `Your account is suspended until ${user.suspendedUntil.toISOString()}`);
  }
}
