import { AuthenticatedUser } from '../common/auth/authenticated-user';
import { isStaff } from '../common/auth/role';
import { AppError } from '../common/errors/app-error';
import { CommentStatus } from './comment.entity';

/** What the visibility rules need to know about a comment. */
export interface AccessibleComment {
  authorId: string | null;
  status: CommentStatus;
}

/**
 * The one place that says who sees what of a comment and who may change it.
 * Tombstones (`hidden`, `deleted`) keep their place for everyone, with the body
 * only for their author and moderators; `pending` is for author and moderators.
 * Not seeing a comment is a 404, seeing but not being allowed to change it a 403.
 */
export function isAuthor(comment: AccessibleComment, viewer: AuthenticatedUser | undefined): boolean {
  return viewer !== undefined && comment.authorId !== null && comment.authorId === viewer.id;
}

export function isTombstone(status: CommentStatus): boolean {
  return status === 'hidden' || status === 'deleted';
}

export function canSee(comment: AccessibleComment, viewer: AuthenticatedUser | undefined): boolean {
  if (comment.status !== 'pending') return true;
  return isAuthor(comment, viewer) || isStaff(viewer?.role);
}

export function canSeeBody(comment: AccessibleComment, viewer: AuthenticatedUser | undefined): boolean {
  if (!canSee(comment, viewer)) return false;
  if (!isTombstone(comment.status)) return true;
  return isAuthor(comment, viewer) || isStaff(viewer?.role);
}

/** Throws 404 COMMENT_NOT_FOUND when the viewer may not see the comment. */
export function assertCanSee<T extends AccessibleComment>(comment: T | null, viewer: AuthenticatedUser | undefined): T {
  if (!comment || !canSee(comment, viewer)) throw new AppError('COMMENT_NOT_FOUND', 'No comment has this id');
  return comment;
}

/** Only the author edits (404 if unseen, 403 otherwise). */
export function assertCanEdit(comment: AccessibleComment, viewer: AuthenticatedUser): void {
  assertCanSee(comment, viewer);
  if (!isAuthor(comment, viewer)) throw new AppError('FORBIDDEN', 'Only the author may edit this comment');
}

/** The author or a moderator deletes (404 if unseen, 403 otherwise). */
export function assertCanDelete(comment: AccessibleComment, viewer: AuthenticatedUser): void {
  assertCanSee(comment, viewer);
  if (!isAuthor(comment, viewer) && !isStaff(viewer.role)) {
    throw new AppError('FORBIDDEN', 'Only the author or a moderator may delete this comment');
  }
}

/**
 * The SQL filter (for alias `alias`) matching `canSee`, with the viewer's ignores left out. Its
 * rule is the SQL function `comment_visible_to` (the comments migration defines it; the planner
 * inlines it, so the list queries keep their index scans).
 */
export function visibleToViewerSql(alias: string, viewerParam: string, staffParam: string, ignoredParam: string): string {
  return `comment_visible_to(${alias}.status, ${alias}.author_id, ${viewerParam}::uuid, ${staffParam}::boolean)
    AND (${alias}.author_id IS NULL OR NOT (${alias}.author_id = ANY(${ignoredParam}::uuid[])))`;
}
