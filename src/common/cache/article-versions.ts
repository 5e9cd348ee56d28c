import { Logger } from '@nestjs/common';
import type { OptionalRedis } from '../redis/redis.module';

/** An article's version: `epoch.counter`, ordered first by epoch. */
export type ArticleVersion = string;

const REDIS_TIMEOUT_MS = 250;
// After Redis fails, reads skip it for this long instead of each waiting for the timeout.
const REDIS_BACKOFF_MS = 1_000;
// Articles whose local version is remembered; past this, every version moves past all of them at once.
const MAX_LOCAL_VERSIONS = 100_000;

/**
 * Every write to an article moves its version; a cached page is usable only
 * under the version it was built from. Without Redis the versions are this
 * instance's own. With Redis they are shared by every instance; when Redis
 * fails or is slow, `current` answers null (the caller skips the cache) and the
 * local epoch moves on, so no page cached before the failure is trusted again,
 * a write that could not reach Redis included.
 */
export class ArticleVersions {
  private readonly logger = new Logger('ThreadCache');
  private readonly local = new Map<string, number>();
  private counter = 0;
  /** The version of every article absent from `local`. */
  private floor = 0;
  private epoch = 0;
  private redisUnavailableUntil = 0;

  constructor(private readonly redis: OptionalRedis) {}

  async current(articleId: string, now = Date.now()): Promise<ArticleVersion | null> {
    if (!this.redis) return `0.${this.local.get(articleId) ?? this.floor}`;
    if (now < this.redisUnavailableUntil) return null;
    try {
      const value = await withTimeout(this.redis.get(redisKey(articleId)));
      return `${this.epoch}.${value ?? '0'}`;
    } catch (error) {
      this.redisFailed(error, now);
      return null;
    }
  }

  /** Never throws: it runs after a write has committed, and must not turn it into an error. */
  async bump(articleId: string): Promise<void> {
    if (!this.redis) {
      this.bumpLocal(articleId);
      return;
    }
    try {
      await withTimeout(this.redis.incr(redisKey(articleId)));
    } catch (error) {
      this.redisFailed(error, Date.now());
    }
  }

  /** True when `a` was taken before `b`. */
  static isOlder(a: ArticleVersion, b: ArticleVersion): boolean {
    const [epochA, counterA] = a.split('.').map(Number);
    const [epochB, counterB] = b.split('.').map(Number);
    return epochA !== epochB ? epochA < epochB : counterA < counterB;
  }

  private bumpLocal(articleId: string): void {
    this.counter += 1;
    if (this.local.size >= MAX_LOCAL_VERSIONS && !this.local.has(articleId)) {
      // Forgetting versions must not bring an old page back: every article moves past them all.
      this.local.clear();
      this.floor = this.counter;
      return;
    }
    this.local.set(articleId, this.counter);
  }

  private redisFailed(error: unknown, now: number): void {
    const wasAvailable = now >= this.redisUnavailableUntil;
    this.epoch += 1;
    this.redisUnavailableUntil = now + REDIS_BACKOFF_MS;
    if (wasAvailable) {
      this.logger.warn(`Thread cache versions unavailable, serving uncached: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

function redisKey(articleId: string): string {
  return `margin:thread-version:${articleId}`;
}

async function withTimeout<T>(promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from Redis within ${REDIS_TIMEOUT_MS} ms`)), REDIS_TIMEOUT_MS);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
