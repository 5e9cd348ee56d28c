import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { AppConfig } from '../../config/app-config';
import { AppError } from '../errors/app-error';
import { isDatabaseUnavailable, serviceUnavailable } from '../errors/database-unavailable';
import { PerRoute } from '../http/per-route';
import { CMS_KEY, PUBLIC_KEY } from './auth.decorators';

export const CMS_CLIENT_MARK = 'cmsClient';

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The session check failed on our side (503), which says nothing about the token. */
function isOurOutage(error: unknown): boolean {
  return (error instanceof AppError && error.code === 'SERVICE_UNAVAILABLE') || isDatabaseUnavailable(error);
}

/**
 * Global authentication: every route needs a valid access token unless it is
 * `@Public()`. On public routes a token is read when present so responses can
 * be personalised, and a bad one is ignored rather than refused.
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  private readonly marks = new PerRoute((targets) => ({
    isPublic: this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_KEY, targets) === true,
    cms: this.reflector.getAllAndOverride<boolean | undefined>(CMS_KEY, targets) === true,
  }));

  constructor(
    private readonly reflector: Reflector,
    private readonly config: AppConfig,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    // A context it cannot read a token from (a future stream gateway, a message) is refused, not waved through.
    if (context.getType() !== 'http') throw new AppError('UNAUTHENTICATED', 'Only HTTP requests are authenticated here');
    const { isPublic, cms } = this.marks.of(context);
    const request = context.switchToHttp().getRequest<FastifyRequest & Record<string, unknown>>();
    const hasToken = typeof request.headers.authorization === 'string';

    if (cms && !hasToken) {
      const apiKey = request.headers['x-api-key'];
      if (typeof apiKey === 'string' && this.config.cmsApiKey && sameSecret(apiKey, this.config.cmsApiKey)) {
        request[CMS_CLIENT_MARK] = true;
        return true;
      }
      if (apiKey !== undefined) throw new AppError('UNAUTHENTICATED', 'The API key is not valid');
    }
    if (isPublic) {
      if (!hasToken) return true;
      try {
        await super.canActivate(context);
      } catch (error) {
        // A stale token on a public read should not block reading; our own outage should
        // not quietly turn a signed-in reader into an anonymous one either.
        if (isOurOutage(error)) throw error;
      }
      return true;
    }
    return (await super.canActivate(context)) as boolean;
  }

  override handleRequest<TUser>(error: unknown, user: TUser | false): TUser {
    if (isOurOutage(error)) throw error instanceof AppError ? error : serviceUnavailable();
    if (error || !user) throw new AppError('UNAUTHENTICATED', 'A valid access token is required');
    return user;
  }
}
