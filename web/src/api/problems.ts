import { ApiProblem } from './connection';

/** What a reader is told for each problem `code` the API can answer; the server's own detail is the fallback. */
const MESSAGES: Record<string, string> = {
  VALIDATION_FAILED: 'Please check what you entered.',
  INVALID_JSON: 'The request could not be read. Please try again.',
  INVALID_CURSOR: 'This page is out of date. Please reload.',
  FOLLOW_SELF: 'You cannot follow yourself.',
  IGNORE_SELF: 'You cannot ignore yourself.',
  INVALID_PARENT: 'That comment belongs to another article.',
  UNAUTHENTICATED: 'Please sign in to do that.',
  INVALID_CREDENTIALS: 'That e-mail and password do not match an account.',
  INVALID_REFRESH_TOKEN: 'Your session has ended. Please sign in again.',
  INVALID_SSO_TOKEN: 'Your sign-in from the site has expired. Reload the page to sign in again.',
  SSO_NOT_CONFIGURED: 'Sign-in through the site is not set up; use a comments account instead.',
  FORBIDDEN: 'You are not allowed to do that.',
  ACCOUNT_SUSPENDED: 'Your account is suspended: you can read, but not post, for now.',
  ACCOUNT_BANNED: 'Your account is banned from commenting.',
  INVALID_PASSWORD: 'That password is not right.',
  OWN_COMMENT: 'You cannot recommend your own comment.',
  NOT_FOUND: 'That could not be found.',
  USER_NOT_FOUND: 'That reader no longer exists.',
  ARTICLE_NOT_FOUND: 'Comments are not set up for this article yet.',
  COMMENT_NOT_FOUND: 'That comment is no longer available.',
  APPEAL_NOT_FOUND: 'There is no appeal for this article.',
  DONATION_NOT_FOUND: 'That donation could not be found.',
  CONFLICT: 'Something changed meanwhile. Please reload and try again.',
  COMMENTS_CLOSED: 'Comments are closed on this article.',
  PARENT_NOT_REPLYABLE: 'That comment can no longer be replied to.',
  DUPLICATE_COMMENT: 'You have already posted this comment.',
  COMMENT_EDIT_WINDOW_CLOSED: 'This comment can no longer be edited (10 minutes have passed, or someone replied).',
  COMMENT_NOT_EDITABLE: 'This comment can no longer be edited.',
  COMMENT_NOT_REACTABLE: 'This comment cannot be recommended.',
  ALREADY_REPORTED: 'You have already reported this comment. Thank you.',
  EMAIL_TAKEN: 'An account already uses that e-mail address.',
  DISPLAY_NAME_TAKEN: 'That name is taken. Please choose another.',
  NO_BILLING_ACCOUNT: 'No recurring donation was found for your account.',
  COMMENT_DELETED: 'That comment has been deleted.',
  COMMENT_STATUS_CONFLICT: 'That comment has already been moderated.',
  COMMENT_REJECTED: 'Your comment was not published',
  LAST_ADMIN: 'The last admin cannot lose that role.',
  PAYLOAD_TOO_LARGE: 'That is too long.',
  UNSUPPORTED_MEDIA_TYPE: 'The request could not be sent. Please reload.',
  RATE_LIMITED: 'You are doing that too often.',
  INTERNAL_ERROR: 'Something went wrong on our side. Please try again.',
  PAYMENT_PROVIDER_ERROR: 'The payment provider refused the request. Please try again.',
  PAYMENT_PROVIDER_UNAVAILABLE: 'Payments are unavailable right now. Please try again later.',
  PAYMENTS_NOT_CONFIGURED: 'Donations are not available at the moment.',
  SERVICE_UNAVAILABLE: 'Comments are unavailable right now. Please try again shortly.',
  INVALID_TOKEN: 'That link is invalid or has expired.',
  NETWORK_ERROR: 'The comments server could not be reached. Check your connection.',
};

export function messageFor(error: unknown): string {
  if (!(error instanceof ApiProblem)) return MESSAGES.INTERNAL_ERROR;
  if (error.code === 'RATE_LIMITED' && error.retryAfterSeconds) {
    return `${MESSAGES.RATE_LIMITED} Try again in ${error.retryAfterSeconds} s.`;
  }
  // A rejection carries the moderation service's reason, which the author should read.
  if (error.code === 'COMMENT_REJECTED') return error.detail ? `${MESSAGES.COMMENT_REJECTED}: ${error.detail}` : `${MESSAGES.COMMENT_REJECTED}.`;
  if (error.code === 'VALIDATION_FAILED' && error.detail) return error.detail;
  return MESSAGES[error.code] ?? (error.detail || MESSAGES.INTERNAL_ERROR);
}
