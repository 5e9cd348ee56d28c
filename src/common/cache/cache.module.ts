import { Global, Module } from '@nestjs/common';
import { ThreadCache } from './thread-cache';
import { ThreadCacheSubscriber } from './thread-cache.subscriber';

@Global()
@Module({ providers: [ThreadCache, ThreadCacheSubscriber], exports: [ThreadCache] })
export class CacheModule {}
