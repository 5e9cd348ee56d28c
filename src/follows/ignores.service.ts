import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../database/unit-of-work';
import { IgnoreListProvider } from '../common/hooks/account-hooks';
import { AppError } from '../common/errors/app-error';
import { Page } from '../common/pagination/cursor';
import { PageQueryDto } from '../common/pagination/page-query.dto';
import { ProfileView } from '../users/dto/user.views';
import { UsersService } from '../users/users.service';
import { FeedCache } from './feed-cache';
import { FollowsRepository } from './follows.repository';
import { linkKeyset, toProfilePage } from './profile-page';

/**
 * Ignoring is private to the one who ignores: nothing is written where the
 * ignored reader could see it, and their counters do not move.
 */
@Injectable()
export class IgnoresService implements IgnoreListProvider {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly follows: FollowsRepository,
    private readonly users: UsersService,
    private readonly feedCache: FeedCache,
  ) {}

  ignoredUserIds(viewerId: string): Promise<string[]> {
    return this.follows.findIgnoredUserIds(viewerId);
  }

  async ignore(userId: string, ignoredUserId: string): Promise<void> {
    if (userId === ignoredUserId) throw new AppError('IGNORE_SELF', 'A reader cannot ignore themselves');
    await this.unitOfWork.runRetried(async () => {
      // The same lock order as every write: an ignore never outlives either reader's erasure running beside it.
      await this.users.lockActiveAccount(userId);
      await this.users.lockActiveReferenced(ignoredUserId);
      await this.follows.insertIgnore(userId, ignoredUserId);
    });
    this.feedCache.viewerChanged(userId);
  }

  async unignore(userId: string, ignoredUserId: string): Promise<void> {
    await this.users.findActive(ignoredUserId);
    await this.unitOfWork.runRetried(async () => {
      await this.users.lockActiveAccount(userId);
      await this.follows.deleteIgnore(userId, ignoredUserId);
    });
    this.feedCache.viewerChanged(userId);
  }

  async ignored(userId: string, query: PageQueryDto): Promise<Page<ProfileView>> {
    const rows = await this.follows.findIgnoresPage(userId, linkKeyset(query));
    return toProfilePage(rows, query.limit, (ids) => this.users.getProfiles(ids));
  }
}
