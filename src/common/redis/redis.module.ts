import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { AppConfig } from '../../config/app-config';
import { closeRedis, connectRedis } from './redis-client';

export const REDIS = Symbol('REDIS');

/**
 * `Redis` when REDIS_URL is set, else null: callers fall back to in-process state.
 * A set client may be disconnected at any moment (commands then fail at once):
 * callers check `status === 'ready'` or catch, and fall back the same way.
 */
export type OptionalRedis = Redis | null;

export const InjectRedis = () => Inject(REDIS);

class RedisLifecycle implements OnApplicationShutdown {
  constructor(@InjectRedis() private readonly redis: OptionalRedis) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.redis) await closeRedis(this.redis);
  }
}

@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [AppConfig],
      useFactory: async (config: AppConfig): Promise<OptionalRedis> => (config.redisUrl ? connectRedis(config.redisUrl) : null),
    },
    RedisLifecycle,
  ],
  exports: [REDIS],
})
export class RedisModule {}
