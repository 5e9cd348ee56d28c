import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { AppConfig } from '../../config/app-config';
import { AppError } from '../errors/app-error';
import { PerRoute } from '../http/per-route';
import { CMS_KEY, PUBLIC_KEY } from './auth.decorators';
import { acceptedUser, authenticationPlan, isOurOutage } from './authentication-rules';

export const CMS_CLIENT_MARK = 'cmsClient';

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
    const plan = authenticationPlan({
      isPublic,
      acceptsCmsKey: cms,
      authorization: request.headers.authorization,
      apiKey: request.headers['x-api-key'],
      cmsApiKey: this.config.cmsApiKey,
    });
    switch (plan) {
      case 'cms':
        request[CMS_CLIENT_MARK] = true;
        return true;
      case 'anonymous':
        return true;
      case 'optional token':
        try {
          await super.canActivate(context);
        } catch (error) {
          // A stale token on a public read should not block reading; our own outage should
          // not quietly turn a signed-in reader into an anonymous one either.
          if (isOurOutage(error)) throw error;
        }
        return true;
      case 'required token':
        return (await super.canActivate(context)) as boolean;
    }
  }

  override handleRequest<TUser>(error: unknown, user: TUser | false): TUser {
    return acceptedUser(error, user);
  }
}
