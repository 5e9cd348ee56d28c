import { Injectable } from '@nestjs/common';
import { AuthorStandingRow, CommentReviewRepository, OpenReportRow, QueuePosition, QueueRow, QueueState } from './comment-review.repository';

/** The comments module's reads for the moderators' queue, and the row lock a moderation action takes. */
@Injectable()
export class CommentReviewService {
  constructor(private readonly review: CommentReviewRepository) {}

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

  /** Row lock on a comment, so two moderators acting on it at once apply one after the other; call inside the transaction. */
  lockForReview(commentId: string): Promise<boolean> {
    return this.review.lockComment(commentId);
  }
}
