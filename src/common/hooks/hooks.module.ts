import { Global, Module } from '@nestjs/common';
import { AccountHooks } from './account-hooks';
import { CommentPolicy } from './comment-policy';
import { DomainEvents } from './domain-events';

/** Extension points that let feature modules cooperate without depending on each other. */
@Global()
@Module({ providers: [AccountHooks, DomainEvents, CommentPolicy], exports: [AccountHooks, DomainEvents, CommentPolicy] })
export class HooksModule {}
