import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { redisUp } from './redis.metrics';

/** How long start-up waits for a first connection before going on without Redis (it keeps retrying). */
const FIRST_CONNECT_WAIT_MS = 2_000;

// Clients we are closing on purpose: their disconnection is no outage.
const closing = new WeakSet<Redis>();

/**
 * A client that never makes a request wait on a dead Redis: no offline queue
 * (a command while disconnected fails at once and the caller falls back to
 * memory), a bounded command time for a Redis that hangs, and reconnection in
 * the background at most every 2 s, so the app recovers by itself.
 */
export async function connectRedis(url: string, logger = new Logger('Redis')): Promise<Redis> {
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 1_000,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
  watchOutages(redis, logger);
  await Promise.race([
    redis.connect().catch(() => undefined),
    new Promise((resolve) => setTimeout(resolve, FIRST_CONNECT_WAIT_MS).unref()),
  ]);
  return redis;
}

/** One warning when Redis goes away and one line when it is back, however many retries and requests in between. */
function watchOutages(redis: Redis, logger: Logger): void {
  let state: 'unknown' | 'up' | 'down' = 'unknown';
  redis.on('ready', () => {
    if (state === 'down') logger.log('Redis is reachable again: shared rate limits and cache resume');
    state = 'up';
    redisUp.set(1);
  });
  const wentDown = (reason: string) => {
    if (state === 'down' || closing.has(redis)) return;
    state = 'down';
    redisUp.set(0);
    logger.warn(`Redis is unreachable (${reason}): rate limits and cache fall back to this instance's memory until it returns`);
  };
  redis.on('error', (error: Error & { code?: string }) => wentDown(error.code ?? error.message));
  redis.on('close', () => wentDown('connection closed'));
}

/** Ends the client and its reconnection timer, whether or not it is connected now. */
export async function closeRedis(redis: Redis): Promise<void> {
  closing.add(redis);
  if (redis.status === 'ready') await redis.quit().catch(() => undefined);
  redis.disconnect();
}
