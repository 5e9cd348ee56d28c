import { Comment } from '../comments/comment.entity';
import { AppError } from '../common/errors/app-error';

/** What the moderation actions read of a comment (its locked row). */
export type ModeratedComment = Pick<Comment, 'status' | 'featured'>;

/**
 * The status moves of hide, unhide, approve, feature and unfeature (API.md, moderation endpoints), apart from the
 * locks, rows and audit entries that `CommentModerationService` writes. Each says whether the action does anything
 * (an action already in effect is a 200 no-op) or refuses it with 409. A deleted comment belongs to its author's
 * decision: no moderation action applies to it.
 */
export function assertModeratable(comment: ModeratedComment): void {
  if (comment.status === 'deleted') throw new AppError('COMMENT_DELETED', 'A deleted comment cannot be moderated');
}

/** A visible or pending comment is hidden; a hidden one stays as it is. */
export function hideChanges(comment: ModeratedComment): boolean {
  return comment.status !== 'hidden';
}

/** Hidden → visible; visible is a no-op; a pending comment is approved, not unhidden. */
export function unhideChanges(comment: ModeratedComment): boolean {
  if (comment.status === 'visible') return false;
  if (comment.status !== 'hidden') throw statusConflict('Only a hidden comment can be unhidden; approve a pending one');
  return true;
}

/** Pending → visible (`publish`); on a visible comment approval dismisses its open reports; a hidden one is restored with unhide. */
export function approvalOf(comment: ModeratedComment): 'publish' | 'dismiss reports' {
  if (comment.status === 'hidden') throw statusConflict('A hidden comment is restored with unhide');
  return comment.status === 'pending' ? 'publish' : 'dismiss reports';
}

/** Only a visible comment can be featured; featuring a featured one is a no-op. */
export function featureChanges(comment: ModeratedComment): boolean {
  if (comment.featured) return false;
  if (comment.status !== 'visible') throw statusConflict('Only a visible comment can be featured');
  return true;
}

export function unfeatureChanges(comment: ModeratedComment): boolean {
  return comment.featured;
}

function statusConflict(detail: string): AppError {
  return new AppError('COMMENT_STATUS_CONFLICT', detail);
}
