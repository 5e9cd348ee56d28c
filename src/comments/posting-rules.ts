import { articleNotFound } from '../articles/articles.service';
import { AuthenticatedUser } from '../common/auth/authenticated-user';
import { AppError } from '../common/errors/app-error';
import { isPlainText } from '../common/validation/text-normalization';
import { accountGone } from '../users/users.service';
import { AccessibleComment, assertCanDelete, assertCanEdit, canSee, isTombstone } from './comment-access';
import type { HydratedRow, PostAttempt, PostedParent, PostOutcome } from './comments.repository';

/**
 * The decisions of posting, editing and deleting a comment, apart from the SQL that locks, checks and writes
 * (`CommentsService` calls these inside its transaction; the posting statement `comments_post` reports what it found
 * and these say what that means for the reader):
 * - a body is plain text, 1–5000 characters once trimmed (newline and tab allowed), stored as written;
 * - a post is refused when the article is unknown, the author's account is gone, or comments are closed;
 * - a reply names a comment of the same article that the author can see, and that comment is visible;
 * - the same text by the same reader within 10 minutes is a duplicate (the statement looks; the parent is judged first);
 * - only the author edits, not a hidden or deleted comment, for 10 minutes, and never once it has a reply;
 * - the author or a moderator deletes, and deleting a deleted comment changes nothing.
 * Depth is unlimited, so no rule reads it; sanctions (403 on every write) are the access guard's.
 */

export const BODY_MAX_CHARACTERS = 5000;
export const EDIT_WINDOW_MINUTES = 10;
export const DUPLICATE_WINDOW_MINUTES = 10;

/** 1–5000 characters once trimmed, plain text (newline and tab allowed); the body itself is stored as written. */
export function isCommentBody(value: unknown): boolean {
  if (typeof value !== 'string' || !isPlainText(value, { multiline: true })) return false;
  const length = [...value.trim()].length;
  return length >= 1 && length <= BODY_MAX_CHARACTERS;
}

type Refused = Extract<PostOutcome, { outcome: 'article_not_found' | 'author_gone' | 'closed' }>;

/** Throws what the posting statement's refusal means: 404 unknown article, 401 account gone, 409 COMMENTS_CLOSED. */
export function assertPostNotRefused(outcome: PostOutcome): asserts outcome is Exclude<PostOutcome, Refused> {
  if (outcome.outcome === 'article_not_found') throw articleNotFound();
  if (outcome.outcome === 'author_gone') throw accountGone();
  if (outcome.outcome === 'closed') throw new AppError('COMMENTS_CLOSED', 'Comments are closed on this article');
}

/** The posted comment, or the error of the first posting rule it broke (parent, then duplicate text). */
export function acceptedComment(attempt: PostAttempt, parentId: string | null, articleId: string, author: AuthenticatedUser): HydratedRow {
  if (parentId) assertReplyableParent(attempt.parent, articleId, author);
  if (attempt.duplicate) {
    throw new AppError('DUPLICATE_COMMENT', `You posted the same text in the last ${DUPLICATE_WINDOW_MINUTES} minutes`);
  }
  return attempt.comment as HydratedRow;
}

/** The parent a reply names must be a comment of the same article the author can see, and visible. */
export function assertReplyableParent(parent: PostedParent | null, articleId: string, author: AuthenticatedUser): void {
  if (!parent || !canSee(parent, author) || parent.articleId !== articleId) {
    throw new AppError('INVALID_PARENT', 'parentId must name a comment of this article', [
      { field: 'parentId', message: 'parentId must name a comment of this article' },
    ]);
  }
  if (parent.status !== 'visible') throw new AppError('PARENT_NOT_REPLYABLE', `A ${parent.status} comment cannot be answered`);
}

/** What the edit rules read of the stored comment. */
export interface EditedComment extends AccessibleComment {
  createdAt: Date;
}

/**
 * Only its author edits a comment (404 if unseen, 403 otherwise), not a tombstone (409 COMMENT_NOT_EDITABLE), and
 * for EDIT_WINDOW_MINUTES after it was posted (409 COMMENT_EDIT_WINDOW_CLOSED). Whether it has a reply is a look-up
 * the caller makes once these pass (`assertNotAnswered`).
 */
export function assertEditable(comment: EditedComment, author: AuthenticatedUser, now: Date = new Date()): void {
  assertCanEdit(comment, author);
  if (isTombstone(comment.status)) throw new AppError('COMMENT_NOT_EDITABLE', 'A hidden or deleted comment cannot be edited');
  const windowEnd = comment.createdAt.getTime() + EDIT_WINDOW_MINUTES * 60_000;
  if (now.getTime() > windowEnd) {
    throw new AppError('COMMENT_EDIT_WINDOW_CLOSED', `Comments can be edited for ${EDIT_WINDOW_MINUTES} minutes`);
  }
}

/** A comment that has been answered keeps its text (409 COMMENT_EDIT_WINDOW_CLOSED), so no reply loses its context. */
export function assertNotAnswered(hasReplies: boolean): void {
  if (hasReplies) throw new AppError('COMMENT_EDIT_WINDOW_CLOSED', 'A comment cannot be edited once it has been answered');
}

/** Whether deleting changes anything: throws when the actor may not delete (404 unseen, 403); false when already deleted. */
export function deletionNeeded(comment: AccessibleComment, actor: AuthenticatedUser): boolean {
  assertCanDelete(comment, actor);
  return comment.status !== 'deleted';
}
