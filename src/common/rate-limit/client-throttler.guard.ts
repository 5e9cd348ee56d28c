import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerModuleOptions, ThrottlerRequest, ThrottlerStorage } from '@nestjs/throttler';
import { InjectThrottlerOptions, InjectThrottlerStorage } from '@nestjs/throttler';
import {
  THROTTLER_BLOCK_DURATION,
  THROTTLER_KEY_GENERATOR,
  THROTTLER_LIMIT,
  THROTTLER_SKIP,
  THROTTLER_TRACKER,
  THROTTLER_TTL,
} from '@nestjs/throttler/dist/throttler.constants';
import { createHash } from 'node:crypto';
import { AppConfig } from '../../config/app-config';
import { AuthenticatedUser } from '../auth/authenticated-user';
import { PerRoute } from '../http/per-route';
import { RATE_LIMIT_KIND_KEY, RateLimitKind } from './rate-limit.decorators';

/** One throttler's check on one route, everything but the client already decided. */
type ThrottleStep = Omit<ThrottlerRequest, 'context'>;

/** How many storage keys (route × throttler × client) keep their hash at hand before the memo starts over. */
const KEY_MEMO_SIZE = 10_000;

/**
 * Counts requests per signed-in reader, or per client address for anonymous
 * ones: `request.ip` as Fastify computes it, which behind TRUST_PROXY is the
 * address the last trusted proxy saw, never an entry the client wrote. Routes marked
 * with `@RateLimit(kind)` use that kind's configured limit and window.
 *
 * The library's guard reads six decorator keys per throttler and hashes the storage key on every
 * request; here each route's steps are worked out once (when every limit, window and skip is a plain
 * value, as ours are; a function-valued one falls back to the library's per-request reading), and
 * the key's hash (the same sha256 hex the library stores, so the Redis keys stay the same) is remembered
 * for the clients seen lately.
 */
@Injectable()
export class ClientThrottlerGuard extends ThrottlerGuard {
  private readonly steps = new PerRoute((targets) => this.stepsFor(targets));
  private readonly keys = new Map<string, string>();

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

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    if (await this.shouldSkip(context)) return true;
    const steps = this.steps.of(context);
    if (steps === null) return super.canActivate(context);
    let allowed = true;
    // The library's own check, with what it would have read from the route already in hand (it throws a 429).
    for (const step of steps) if (!(await super.handleRequest({ ...step, context }))) allowed = false;
    return allowed;
  }

  /** What the library's canActivate reads per request, read once; null when something must be resolved per request. */
  private stepsFor(targets: Parameters<Reflector['getAllAndOverride']>[1]): ThrottleStep[] | null {
    const steps: ThrottleStep[] = [];
    const kind = this.reflector.getAllAndOverride<RateLimitKind | undefined>(RATE_LIMIT_KIND_KEY, targets);
    for (const throttler of this.throttlers) {
      const name = throttler.name as string;
      if (throttler.skipIf ?? this.commonOptions.skipIf) return null;
      if (this.reflector.getAllAndOverride<boolean | undefined>(THROTTLER_SKIP + name, targets)) continue;
      const limit: unknown = this.reflector.getAllAndOverride<unknown>(THROTTLER_LIMIT + name, targets) ?? throttler.limit;
      const ttl: unknown = this.reflector.getAllAndOverride<unknown>(THROTTLER_TTL + name, targets) ?? throttler.ttl;
      const blockDuration: unknown = this.reflector.getAllAndOverride<unknown>(THROTTLER_BLOCK_DURATION + name, targets) ?? throttler.blockDuration ?? ttl;
      if (typeof limit !== 'number' || typeof ttl !== 'number' || typeof blockDuration !== 'number') return null;
      const getTracker = this.reflector.getAllAndOverride<ThrottleStep['getTracker'] | undefined>(THROTTLER_TRACKER + name, targets);
      const generateKey = this.reflector.getAllAndOverride<ThrottleStep['generateKey'] | undefined>(THROTTLER_KEY_GENERATOR + name, targets);
      const step: ThrottleStep = {
        throttler,
        limit,
        ttl,
        blockDuration,
        getTracker: (getTracker || throttler.getTracker || this.commonOptions.getTracker) as ThrottleStep['getTracker'],
        generateKey: (generateKey || throttler.generateKey || this.commonOptions.generateKey) as ThrottleStep['generateKey'],
      };
      if (kind) {
        const { max, windowSeconds } = this.limitFor(kind);
        step.limit = max;
        step.ttl = step.blockDuration = windowSeconds * 1000;
      }
      steps.push(step);
    }
    return steps;
  }

  /** The library's key (sha256 hex of route, throttler and client), remembered for the clients seen lately. */
  protected override generateKey(context: ExecutionContext, suffix: string, name: string): string {
    const plain = `${context.getClass().name}-${context.getHandler().name}-${name}-${suffix}`;
    let key = this.keys.get(plain);
    if (key === undefined) {
      if (this.keys.size >= KEY_MEMO_SIZE) this.keys.clear();
      key = createHash('sha256').update(plain).digest('hex');
      this.keys.set(plain, key);
    }
    return key;
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
