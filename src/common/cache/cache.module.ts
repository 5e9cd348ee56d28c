import { Global, Module } from '@nestjs/common';
import { ConditionalGetHook } from './conditional-get.hook';
import { SharedHttpCacheInterceptor } from './shared-http-cache.interceptor';
import { ThreadCache } from './thread-cache';
import { ThreadCacheInvalidation } from './thread-cache.invalidation';

@Global()
@Module({
  providers: [ThreadCache, ThreadCacheInvalidation, ConditionalGetHook, SharedHttpCacheInterceptor],
  exports: [ThreadCache, SharedHttpCacheInterceptor],
})
export class CacheModule {}
