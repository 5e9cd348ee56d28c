import { ArticlesService } from '../articles/articles.service';
import { UnitOfWork } from '../database/unit-of-work';
import { Injectable } from '@nestjs/common';
import { ReportReason } from '../comments/comment-report.entity';
import { Comment } from '../comments/comment.entity';
import { CommentsService } from '../comments/comments.service';
import { CommentView } from '../comments/dto/comment.views';
import { AuthenticatedUser } from '../common/auth/authenticated-user';
import { DomainEventMap, DomainEvents } from '../common/events/domain-events';
import { AuditLogService } from './audit-log.service';
import { CommentHistoryView } from './dto/comment-moderation.dto';
import { ModerationActionName } from './moderation-action.entity';
import { approvalOf, assertModeratable, featureChanges, hideChanges, unfeatureChanges, unhideChanges } from './moderation-transitions';
import { CommentReviewService } from '../comments/comment-review.service';

/**
 * Hide, unhide, approve, feature and unfeature. Each locks the comment, changes
 * its status or flag only (never the stored body), writes one audit entry in
 * the same transaction, and is a 200 no-op when already in effect. A deleted
 * comment belongs to its author's decision: no moderation action applies to it.
 */
@Injectable()
export class CommentModerationService {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly comments: CommentsService,
    private readonly review: CommentReviewService,
    private readonly audit: AuditLogService,
    private readonly events: DomainEvents,
    private readonly articles: ArticlesService,
  ) {}

  /** Hides a visible or pending comment (it stays in its thread as a tombstone) and resolves its open reports. */
  hide(actor: AuthenticatedUser, id: string, reason: ReportReason, note: string | null = null): Promise<CommentView> {
    return this.act(actor, id, async (comment) => {
      if (!hideChanges(comment)) return;
      const resolvedReports = await this.comments.resolveOpenReports(comment);
      await this.comments.setStatus(comment.id, 'hidden', { hiddenReason: reason });
      await this.record(actor, comment, 'comment.hide', reason, { from: comment.status, resolvedReports, note });
      await this.events.publish('comment.moderated', moderated(comment, 'hidden', actor));
    });
  }

  unhide(actor: AuthenticatedUser, id: string): Promise<CommentView> {
    return this.act(actor, id, async (comment) => {
      if (!unhideChanges(comment)) return;
      await this.comments.setStatus(comment.id, 'visible');
      await this.record(actor, comment, 'comment.unhide', null, { hiddenReason: comment.hiddenReason });
      await this.events.publish('comment.moderated', moderated(comment, 'unhidden', actor));
    });
  }

  /** Pending → visible; on a visible comment it dismisses the open reports. Either way the open reports are resolved and the approval is on the record. */
  approve(actor: AuthenticatedUser, id: string): Promise<CommentView> {
    return this.act(actor, id, async (comment) => {
      const wasPending = approvalOf(comment) === 'publish';
      const resolvedReports = await this.comments.resolveOpenReports(comment);
      // Recorded even when nothing was left to resolve: "a moderator looked and found it fine" is a decision too.
      if (wasPending) await this.comments.setStatus(comment.id, 'visible');
      await this.record(actor, comment, 'comment.approve', null, { from: comment.status, resolvedReports });
      if (wasPending) {
        await this.events.publish('comment.moderated', moderated(comment, 'approved', actor));
      }
    });
  }

  /** Only a visible comment can be featured. */
  feature(actor: AuthenticatedUser, id: string): Promise<CommentView> {
    return this.act(actor, id, async (comment) => {
      if (!featureChanges(comment)) return;
      await this.comments.setFeatured(comment.id, true);
      await this.record(actor, comment, 'comment.feature', null);
    });
  }

  unfeature(actor: AuthenticatedUser, id: string): Promise<CommentView> {
    return this.act(actor, id, async (comment) => {
      if (!unfeatureChanges(comment)) return;
      await this.comments.setFeatured(comment.id, false);
      await this.record(actor, comment, 'comment.unfeature', null);
    });
  }

  async history(actor: AuthenticatedUser, id: string): Promise<CommentHistoryView> {
    const comment = await this.comments.findById(id);
    const [view, versions, actions] = await Promise.all([
      this.comments.getComment(comment.id, actor),
      this.comments.listVersions(comment.id),
      this.audit.forTarget('comment', comment.id),
    ]);
    return {
      comment: view,
      versions: versions.map((version) => ({ body: version.body, replacedAt: version.createdAt.toISOString() })),
      actions,
    };
  }

  /** Locks the comment, runs the action with its current state, and returns it as the moderator sees it. */
  private async act(
    actor: AuthenticatedUser,
    id: string,
    action: (comment: Comment) => Promise<void>,
  ): Promise<CommentView> {
    const { id: commentId, articleId } = await this.comments.findById(id);
    await this.unitOfWork.runRetried(async () => {
      // Article row first, then the comment: the order posting and setStatus use, so they cannot deadlock.
      await this.articles.lockForCommentWrite(articleId);
      await this.review.lockForReview(commentId);
      const comment = await this.comments.findById(commentId);
      assertModeratable(comment);
      await action(comment);
    });
    return this.comments.getComment(commentId, actor);
  }

  private record(
    actor: AuthenticatedUser,
    comment: Comment,
    action: ModerationActionName,
    reason: string | null,
    metadata: Record<string, unknown> = {},
  ): Promise<void> {
    return this.audit.record({
      actorId: actor.id,
      action,
      targetType: 'comment',
      targetId: comment.id,
      reason,
      metadata: { articleId: comment.articleId, authorId: comment.authorId, ...metadata },
    });
  }
}

function moderated(comment: Comment, action: DomainEventMap['comment.moderated']['action'], actor: AuthenticatedUser): DomainEventMap['comment.moderated'] {
  return { commentId: comment.id, articleId: comment.articleId, authorId: comment.authorId, action, actorId: actor.id };
}
