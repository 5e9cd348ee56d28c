import { UnitOfWork } from '../database/unit-of-work';
import { Injectable } from '@nestjs/common';
import { AuthenticatedUser } from '../common/auth/authenticated-user';
import { DomainEvents } from '../common/events/domain-events';
import { AppError } from '../common/errors/app-error';
import { assertCanSee, isAuthor } from './comment-access';
import { CommentFeedbackRepository } from './comment-feedback.repository';
import { CommentsRepository } from './comments.repository';
import { ReportCommentDto } from './dto/comment.dto';
import { UsersService } from '../users/users.service';

/** Readers' feedback on comments: "recommend" reactions and reports to the moderators. */
@Injectable()
export class CommentFeedbackService {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly comments: CommentsRepository,
    private readonly feedback: CommentFeedbackRepository,
    private readonly events: DomainEvents,
    private readonly users: UsersService,
  ) {}

  /** Idempotent: the counter moves only when this call inserted the reaction. */
  async recommend(commentId: string, reader: AuthenticatedUser): Promise<void> {
    await this.unitOfWork.runRetried(async () => {
      await this.users.lockActiveAccount(reader.id);
      const comment = assertCanSee(await this.comments.findByIdIfUuid(commentId), reader);
      if (isAuthor(comment, reader)) throw new AppError('OWN_COMMENT', 'You cannot recommend your own comment');
      if (comment.status !== 'visible') throw new AppError('COMMENT_NOT_REACTABLE', `A ${comment.status} comment cannot be recommended`);
      if (await this.feedback.insertReaction(comment.id, reader.id)) {
        await this.feedback.adjustReactionCount(comment.id, 1);
        await this.events.publish('thread.changed', { articleId: comment.articleId });
        await this.events.publish('comment.reactionsChanged', { commentId: comment.id, articleId: comment.articleId, authorId: comment.authorId });
      }
    });
  }

  async withdrawRecommendation(commentId: string, reader: AuthenticatedUser): Promise<void> {
    await this.unitOfWork.runRetried(async () => {
      await this.users.lockActiveAccount(reader.id);
      const comment = assertCanSee(await this.comments.findByIdIfUuid(commentId), reader);
      if (await this.feedback.deleteReaction(comment.id, reader.id)) {
        await this.feedback.adjustReactionCount(comment.id, -1);
        await this.events.publish('thread.changed', { articleId: comment.articleId });
        await this.events.publish('comment.reactionsChanged', { commentId: comment.id, articleId: comment.articleId, authorId: comment.authorId });
      }
    });
  }

  async report(commentId: string, input: ReportCommentDto, reporter: AuthenticatedUser): Promise<void> {
    await this.unitOfWork.runRetried(async () => {
      await this.users.lockActiveAccount(reporter.id);
      const comment = assertCanSee(await this.comments.findByIdIfUuid(commentId), reporter);
      const recorded = await this.feedback.insertReport(comment.id, reporter.id, input.reason, input.note ?? null);
      if (!recorded) throw new AppError('ALREADY_REPORTED', 'You already reported this comment');
      await this.feedback.incrementOpenReportCount(comment.id);
      await this.events.publish('comment.reported', { commentId: comment.id, articleId: comment.articleId, authorId: comment.authorId });
    });
  }
}
