import { UnitOfWork } from '../database/unit-of-work';
import { Injectable } from '@nestjs/common';
import { AccountHooks } from '../common/hooks/account-hooks';
import { DomainEvents } from '../common/events/domain-events';
import { AppError } from '../common/errors/app-error';
import { Page } from '../common/pagination/cursor';
import { PageQueryDto } from '../common/pagination/page-query.dto';
import { ProfileView } from '../users/dto/user.views';
import { UsersService } from '../users/users.service';
import { FeedCache } from './feed-cache';
import { FollowsRepository } from './follows.repository';
import { linkKeyset, toProfilePage } from './profile-page';

@Injectable()
export class FollowsService {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly follows: FollowsRepository,
    private readonly users: UsersService,
    private readonly events: DomainEvents,
    private readonly feedCache: FeedCache,
    hooks: AccountHooks,
  ) {
    hooks.onErase(async (userId) => {
      await this.users.applyFollowCountMoves(await this.follows.deleteFollowsOf(userId));
      await this.follows.deleteIgnoresOf(userId);
    });
  }

  /** Idempotent: counters move and `user.followed` is published only when the follow is new. */
  async follow(followerId: string, followeeId: string): Promise<void> {
    if (followerId === followeeId) throw new AppError('FOLLOW_SELF', 'A reader cannot follow themselves');
    await this.unitOfWork.runRetried(async () => {
      await this.users.lockActiveAccount(followerId);
      // Row-locked, so a followee's erasure in progress is waited for and a follow of them is never left behind.
      await this.users.lockActiveReferenced(followeeId);
      if (!(await this.follows.insertFollow(followerId, followeeId))) return;
      await this.users.adjustFollowCounts(followerId, followeeId, 1);
      await this.events.publish('user.followed', { followerId, followeeId });
    });
    this.feedCache.viewerChanged(followerId);
  }

  /** Idempotent: counters move only when a follow was really removed. */
  async unfollow(followerId: string, followeeId: string): Promise<void> {
    await this.users.findActive(followeeId);
    await this.unitOfWork.runRetried(async () => {
      await this.users.lockActiveAccount(followerId);
      if (!(await this.follows.deleteFollow(followerId, followeeId))) return;
      await this.users.adjustFollowCounts(followerId, followeeId, -1);
    });
    this.feedCache.viewerChanged(followerId);
  }

  async followers(userId: string, query: PageQueryDto): Promise<Page<ProfileView>> {
    await this.users.findActive(userId);
    const rows = await this.follows.findFollowersPage(userId, linkKeyset(query));
    return toProfilePage(rows, query.limit, (ids) => this.users.getProfiles(ids));
  }

  async following(userId: string, query: PageQueryDto): Promise<Page<ProfileView>> {
    await this.users.findActive(userId);
    const rows = await this.follows.findFollowingPage(userId, linkKeyset(query));
    return toProfilePage(rows, query.limit, (ids) => this.users.getProfiles(ids));
  }
}
