import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ArticlesModule } from './articles/articles.module';
import { AuthModule } from './auth/auth.module';
import { CommentsModule } from './comments/comments.module';
import { HooksModule } from './common/hooks/hooks.module';
import { CacheModule } from './common/cache/cache.module';
import { EventsModule } from './common/events/events.module';
import { AccessGuard } from './common/auth/access.guard';
import { JwtAuthGuard } from './common/auth/jwt-auth.guard';
import { ProblemDetailsFilter } from './common/errors/problem-details.filter';
import { ModerationModule } from './moderation/moderation.module';
import { ClientThrottlerGuard } from './common/rate-limit/client-throttler.guard';
import { MemoryThrottlerStorage } from './common/rate-limit/memory-throttler.storage';
import { RedisThrottlerStorage } from './common/rate-limit/redis-throttler.storage';
import { OptionalRedis, REDIS, RedisModule } from './common/redis/redis.module';
import { createValidationPipe } from './common/validation/validation.pipe';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DonationsModule } from './donations/donations.module';
import { dataSourceOptions } from './database/data-source-options';
import { TransactionContextModule } from './database/transaction-context';
import { FollowsModule } from './follows/follows.module';
import { HealthModule } from './health/health.module';
import { LiveModule } from './live/live.module';
import { MetricsModule } from './metrics/metrics.module';
import { NotificationsModule } from './notifications/notifications.module';
import { SsoModule } from './sso/sso.module';
import { UsersModule } from './users/users.module';
import { WebhooksModule } from './webhooks/webhooks.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    if (!config.databaseUrl) throw new Error('AppModule needs a database URL (the embedded database starts in main.ts)');
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        TypeOrmModule.forRoot(dataSourceOptions(config.databaseUrl, config.databasePoolSize)),
        TransactionContextModule,
        RedisModule,
        ThrottlerModule.forRootAsync({
          inject: [REDIS],
          useFactory: (redis: OptionalRedis) => ({
            throttlers: [{ name: 'default', ttl: config.rateLimit.windowSeconds * 1000, limit: config.rateLimit.max }],
            storage: redis ? new RedisThrottlerStorage(redis) : new MemoryThrottlerStorage(),
          }),
        }),
        EventsModule,
        HooksModule,
        CacheModule,
        HealthModule,
        MetricsModule,
        UsersModule,
        AuthModule,
        ArticlesModule,
        CommentsModule,
        FollowsModule,
        NotificationsModule,
        DonationsModule,
        ModerationModule,
        WebhooksModule,
        LiveModule,
        SsoModule,
      ],
      providers: [
        { provide: APP_GUARD, useClass: JwtAuthGuard },
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_GUARD, useClass: ClientThrottlerGuard },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
      ],
    };
  }
}
