import { Injectable } from '@nestjs/common';
import { AuthenticatedUser } from '../common/auth/authenticated-user';
import { SerializedPage } from '../common/cache/serialized-page';
import { Page, toPage } from '../common/pagination/cursor';
import { PageQueryDto } from '../common/pagination/page-query.dto';
import { CommentView } from '../comments/dto/comment.views';
import { CommentsService } from '../comments/comments.service';
import { FeedCache } from './feed-cache';
import { FeedRepository } from './feed.repository';
import { linkKeyset } from './profile-page';

@Injectable()
export class FeedService {
  constructor(
    private readonly feed: FeedRepository,
    private readonly comments: CommentsService,
    private readonly cache: FeedCache,
  ) {}

  /**
   * One query picks the page; the comments module hydrates it into `comment` views. The first page is kept per
   * reader (FeedCache) until anything it shows or was picked from changes.
   */
  async feedOf(viewer: AuthenticatedUser, query: PageQueryDto): Promise<Page<CommentView> | SerializedPage> {
    if (query.cursor) return this.readPage(viewer, query);
    return this.cache.page(viewer.id, query.limit, async () => {
      const [page, followeeIds] = await Promise.all([this.readPage(viewer, query), this.feed.findFolloweeIds(viewer.id)]);
      return { page, dependencies: { viewerId: viewer.id, followeeIds, articleIds: page.items.map((item) => item.articleId) } };
    });
  }

  private async readPage(viewer: AuthenticatedUser, query: PageQueryDto): Promise<Page<CommentView>> {
    const rows = await this.feed.findFeedPage(viewer.id, linkKeyset(query));
    const page = toPage(rows, query.limit, (row) => [row.createdAt, row.commentId], (row) => row.commentId);
    return { items: await this.comments.viewsByIds(page.items, viewer), nextCursor: page.nextCursor };
  }
}
