import { Counter, Gauge, register } from 'prom-client';

/** Where a Redis outage made this instance fall back to its own memory. */
export type RedisFallbackUse = 'rate_limit' | 'thread_cache' | 'live' | 'live_ticket';

// On prom-client's default registry (served at /metrics), created once per process however
// many app instances it starts (tests start several).
function singleton<T>(name: string, create: () => T): T {
  return (register.getSingleMetric(name) as T | undefined) ?? create();
}

export const redisUp = singleton(
  'margin_redis_up',
  () => new Gauge({ name: 'margin_redis_up', help: '1 while the Redis connection is ready, 0 while it is down (absent without REDIS_URL)' }),
);

export const redisFallbacks = singleton(
  'margin_redis_fallback_total',
  () =>
    new Counter({
      name: 'margin_redis_fallback_total',
      help: 'Operations served from per-instance memory because Redis was unavailable',
      labelNames: ['use'] as const,
    }),
);

export function countRedisFallback(use: RedisFallbackUse): void {
  redisFallbacks.inc({ use });
}
