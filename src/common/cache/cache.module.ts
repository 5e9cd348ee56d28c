import { Global, Module } from '@nestjs/common';
import { ConditionalGetHook } from './conditional-get.hook';
import { SharedHttpCacheInterceptor } from './shared-http-cache.interceptor';
import { ThreadCache } from './thread-cache';
import { ThreadCacheSubscriber } from './thread-cache.subscriber';

@Global()
@Module({
  providers: [ThreadCache, ThreadCacheSubscriber, ConditionalGetHook, SharedHttpCacheInterceptor],
  exports: [ThreadCache, SharedHttpCacheInterceptor],
})
export class CacheModule {}
