import { Module } from '@nestjs/common';
import { CommentsModule } from '../comments/comments.module';
import { UsersModule } from '../users/users.module';
import { FeedRepository } from './feed.repository';
import { FeedCache } from './feed-cache';
import { FeedService } from './feed.service';
import { FollowsController } from './follows.controller';
import { FollowsRepository } from './follows.repository';
import { FollowsService } from './follows.service';
import { IgnoresController } from './ignores.controller';
import { IgnoresService } from './ignores.service';
import { IgnoreListProvider } from '../common/hooks/account-hooks';

/** The follow graph, ignores and the feed. */
@Module({
  imports: [UsersModule, CommentsModule],
  controllers: [FollowsController, IgnoresController],
  providers: [
    FollowsRepository,
    FollowsService,
    IgnoresService,
    FeedRepository,
    FeedService,
    FeedCache,
    { provide: IgnoreListProvider, useExisting: IgnoresService },
  ],
  exports: [FollowsService, IgnoresService],
})
export class FollowsModule {}
