import { Logger, OnModuleDestroy } from '@nestjs/common';
import { ThrottlerStorage } from '@nestjs/throttler';
import type Redis from 'ioredis';
import { countRedisFallback } from '../redis/redis.metrics';
import { MemoryThrottlerStorage, ThrottlerStorageRecord } from './memory-throttler.storage';

// After a failed command (a Redis that hangs rather than drops us), skip it for
// a while instead of making every request wait for its command timeout.
const SKIP_AFTER_FAILURE_MS = 5_000;

// One round trip, atomic: count the hit, start the window on the first one,
// and block the key for `blockDuration` once the limit is passed.
const HIT_SCRIPT = `
local blockTtl = redis.call('PTTL', KEYS[2])
if blockTtl > 0 then
  local hits = tonumber(redis.call('GET', KEYS[1]) or ARGV[2])
  return {hits, redis.call('PTTL', KEYS[1]), 1, blockTtl}
end
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if hits > tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  return {hits, ttl, 1, tonumber(ARGV[3])}
end
return {hits, ttl, 0, 0}
`;

/**
 * Rate-limit counters shared by every app instance (used when REDIS_URL is set).
 * While Redis is unavailable the limits still hold, per instance, from memory:
 * a Redis outage must not turn into an outage of the whole API, nor into no limits.
 */
export class RedisThrottlerStorage implements ThrottlerStorage, OnModuleDestroy {
  private readonly logger = new Logger('RateLimit');
  private skipRedisUntil = 0;
  private failing = false;

  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'margin:throttle:',
    private readonly fallback = new MemoryThrottlerStorage(),
  ) {}

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    if (this.redis.status === 'ready' && Date.now() >= this.skipRedisUntil) {
      try {
        const record = await this.incrementShared(key, ttl, limit, blockDuration, throttlerName);
        this.failing = false;
        return record;
      } catch (error) {
        this.skipRedisUntil = Date.now() + SKIP_AFTER_FAILURE_MS;
        // The connection watcher reports dropped connections; this reports a Redis that is connected but failing.
        if (!this.failing) this.logger.warn(`Redis rate-limit command failed (${(error as Error).message}): counting in memory`);
        this.failing = true;
      }
    }
    countRedisFallback('rate_limit');
    return this.fallback.increment(key, ttl, limit, blockDuration, throttlerName);
  }

  onModuleDestroy(): void {
    this.fallback.onModuleDestroy();
  }

  private async incrementShared(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    const base = `${this.prefix}${throttlerName}:${key}`;
    const [hits, ttlMs, blocked, blockMs] = (await this.redis.eval(
      HIT_SCRIPT,
      2,
      `${base}:hits`,
      `${base}:block`,
      String(ttl),
      String(limit),
      String(blockDuration > 0 ? blockDuration : ttl),
    )) as [number, number, number, number];
    return {
      totalHits: hits,
      timeToExpire: Math.max(0, Math.ceil(ttlMs / 1000)),
      isBlocked: blocked === 1,
      timeToBlockExpire: Math.max(0, Math.ceil(blockMs / 1000)),
    };
  }
}
