import { Global, Module } from '@nestjs/common';
import { ThreadCache } from './thread-cache';

@Global()
@Module({ providers: [ThreadCache], exports: [ThreadCache] })
export class CacheModule {}
