import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerModuleOptions, ThrottlerRequest, ThrottlerStorage } from '@nestjs/throttler';
import { InjectThrottlerOptions, InjectThrottlerStorage } from '@nestjs/throttler';
import { AppConfig } from '../../config/app-config';
import { AuthenticatedUser } from '../auth/authenticated-user';
import { RATE_LIMIT_KIND_KEY, RateLimitKind } from './rate-limit.decorators';

/**
 * Counts requests per signed-in reader, or per client address for anonymous
 * ones: `request.ip` as Fastify computes it, which behind TRUST_PROXY is the
 * address the last trusted proxy saw, never an entry the client wrote. Routes marked
 * with `@RateLimit(kind)` use that kind's configured limit and window.
 */
@Injectable()
export class ClientThrottlerGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly config: AppConfig,
  ) {
    super(options, storage, reflector);
  }

  protected override async getTracker(request: Record<string, unknown>): Promise<string> {
    const user = request.user as AuthenticatedUser | undefined;
    return user ? `user:${user.id}` : `ip:${String(request.ip)}`;
  }

  protected override async handleRequest(request: ThrottlerRequest): Promise<boolean> {
    const kind = this.reflector.getAllAndOverride<RateLimitKind | undefined>(RATE_LIMIT_KIND_KEY, [
      request.context.getHandler(),
      request.context.getClass(),
    ]);
    if (!kind) return super.handleRequest(request);
    const { max, windowSeconds } = this.limitFor(kind);
    const ttl = windowSeconds * 1000;
    return super.handleRequest({ ...request, limit: max, ttl, blockDuration: ttl });
  }

  private limitFor(kind: RateLimitKind): { max: number; windowSeconds: number } {
    const { rateLimit, commentRateLimit } = this.config;
    switch (kind) {
      case 'auth':
        return { max: rateLimit.authMax, windowSeconds: rateLimit.windowSeconds };
      case 'checkout':
        return { max: rateLimit.checkoutMax, windowSeconds: rateLimit.windowSeconds };
      case 'comment':
        return commentRateLimit;
    }
  }

  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    return context.getType() !== 'http';
  }
}
