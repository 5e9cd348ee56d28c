import { Injectable } from '@nestjs/common';
import { AuthenticatedUser } from '../common/auth/authenticated-user';
import { Page, toPage } from '../common/pagination/cursor';
import { PageQueryDto } from '../common/pagination/page-query.dto';
import { CommentView } from '../comments/dto/comment.views';
import { CommentsService } from '../comments/comments.service';
import { FeedRepository } from './feed.repository';
import { linkKeyset } from './profile-page';

@Injectable()
export class FeedService {
  constructor(
    private readonly feed: FeedRepository,
    private readonly comments: CommentsService,
  ) {}

  /** One query picks the page; the comments module hydrates it into `comment` views. */
  async feedOf(viewer: AuthenticatedUser, query: PageQueryDto): Promise<Page<CommentView>> {
    const rows = await this.feed.findFeedPage(viewer.id, linkKeyset(query));
    const page = toPage(rows, query.limit, (row) => [row.createdAt, row.commentId], (row) => row.commentId);
    return { items: await this.comments.viewsByIds(page.items, viewer), nextCursor: page.nextCursor };
  }
}
