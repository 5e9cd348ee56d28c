import { Injectable } from '@nestjs/common';
import { AuthenticatedUser } from '../common/auth/authenticated-user';
import { Page, toPage } from '../common/pagination/cursor';
import { PageQueryDto } from '../common/pagination/page-query.dto';
import { cursorOf, decodeSortCursor } from './comment-sorts';
import { CommentStatus } from './comment.entity';
import { CommentsService } from './comments.service';
import { CommentView } from './dto/comment.views';
import { AuthorStandingRow, CommentReviewRepository, OpenReportRow, QueuePosition, QueueRow, QueueState } from './comment-review.repository';

/** The comments module's reads for the moderators' queue, and the row lock a moderation action takes. */
@Injectable()
export class CommentReviewService {
  constructor(
    private readonly review: CommentReviewRepository,
    private readonly comments: CommentsService,
  ) {}

  /** `limit + 1` rows of one queue, after `position` when given. */
  findQueuePage(state: QueueState, limit: number, position?: QueuePosition): Promise<QueueRow[]> {
    return this.review.findQueuePage(state, limit, position);
  }

  /** Open reports of many comments, oldest first, at most `perComment` each. */
  findOpenReports(commentIds: string[], perComment: number): Promise<OpenReportRow[]> {
    return this.review.findOpenReports(commentIds, perComment);
  }

  /** Suspension, ban and hidden-comment count of many authors at once. */
  findAuthorStandings(userIds: string[]): Promise<AuthorStandingRow[]> {
    return this.review.findAuthorStandings(userIds);
  }

  /** How many of the author's comments are in each status. */
  countByStatusOfAuthor(authorId: string): Promise<Record<CommentStatus, number>> {
    return this.review.countByStatusOfAuthor(authorId);
  }

  /** Reports filed against the author's comments: all, and those still open. */
  countReportsAgainstAuthor(authorId: string): Promise<{ total: number; open: number }> {
    return this.review.countReportsAgainstAuthor(authorId);
  }

  /** A page of the author's comments of every status (or of `status`), newest first, as `viewer` (staff) sees them. */
  async authorCommentsPage(
    authorId: string,
    status: CommentStatus | undefined,
    query: PageQueryDto,
    viewer: AuthenticatedUser,
  ): Promise<Page<CommentView>> {
    const after = decodeSortCursor('newest', query.cursor);
    const rows = await this.review.findAuthorCommentsPage(authorId, status, after, query.limit);
    const page = toPage(rows, query.limit, cursorOf('newest'), (row) => row.id);
    return { items: await this.comments.viewsForStaff(page.items, viewer), nextCursor: page.nextCursor };
  }

  /** Row lock on a comment, so two moderators acting on it at once apply one after the other; call inside the transaction. */
  lockForReview(commentId: string): Promise<boolean> {
    return this.review.lockComment(commentId);
  }
}
