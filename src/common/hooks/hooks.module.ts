import { Global, Module } from '@nestjs/common';
import { AccountHooks } from './account-hooks';
import { CommentPolicy } from './comment-policy';

/** Extension points that let feature modules cooperate without depending on each other. */
@Global()
@Module({ providers: [AccountHooks, CommentPolicy], exports: [AccountHooks, CommentPolicy] })
export class HooksModule {}
