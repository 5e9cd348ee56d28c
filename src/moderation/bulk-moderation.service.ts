import { Injectable } from '@nestjs/common';
import { CommentsService } from '../comments/comments.service';
import { CommentStatus } from '../comments/comment.entity';
import { AuthenticatedUser } from '../common/auth/authenticated-user';
import { AppError } from '../common/errors/app-error';
import { CommentModerationService } from './comment-moderation.service';
import { BulkModerationDto, BulkModerationView, BulkResultView } from './dto/bulk-moderation.dto';

/**
 * One action on many comments. Each comment goes through the very service
 * method its own endpoint calls (its rules, audit entry, notifications, events
 * and cache invalidation), in a transaction of its own, one after the other in
 * the order asked: no lock is held across comments, and a refusal for one
 * (the problem code its endpoint would answer) does not stop the others.
 * A failure that is not a refusal (the database going away) ends the request
 * as it would end the single endpoint's; the comments done by then stay done,
 * and repeating the request is safe (every action is a no-op once in effect).
 */
@Injectable()
export class BulkModerationService {
  constructor(
    private readonly moderation: CommentModerationService,
    private readonly comments: CommentsService,
  ) {}

  async apply(moderator: AuthenticatedUser, request: BulkModerationDto): Promise<BulkModerationView> {
    const results: BulkResultView[] = [];
    for (const id of request.ids) {
      try {
        results.push({ id, status: await this.applyOne(moderator, id, request) });
      } catch (error) {
        if (!isRefusalOfTheComment(error)) throw error;
        results.push({ id, code: error.code });
      }
    }
    return { results };
  }

  private async applyOne(moderator: AuthenticatedUser, id: string, request: BulkModerationDto): Promise<CommentStatus> {
    switch (request.action) {
      case 'hide':
        return (await this.moderation.hide(moderator, id, request.reason as NonNullable<BulkModerationDto['reason']>, request.note ?? null)).status;
      case 'unhide':
        return (await this.moderation.unhide(moderator, id)).status;
      case 'approve':
        return (await this.moderation.approve(moderator, id)).status;
      case 'delete':
        await this.comments.delete(id, moderator);
        return 'deleted';
    }
  }
}

/** A 4xx about the comment; not the moderator's own account gone (401) nor an outage (5xx), which end the request. */
function isRefusalOfTheComment(error: unknown): error is AppError {
  return error instanceof AppError && error.status >= 400 && error.status < 500 && error.status !== 401;
}
