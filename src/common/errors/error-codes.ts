/**
 * Every stable error code a client can receive, with its HTTP status and title.
 * Feature modules add their codes here so the whole contract is in one table.
 */
export const ERROR_CODES = {
  VALIDATION_FAILED: { status: 400, title: 'The request is not valid' },
  INVALID_JSON: { status: 400, title: 'The request body is not valid JSON' },
  INVALID_CURSOR: { status: 400, title: 'The pagination cursor is not valid' },
  INVALID_PARENT: { status: 400, title: 'The parent comment is not in this article' },
  UNAUTHENTICATED: { status: 401, title: 'Authentication is required' },
  INVALID_CREDENTIALS: { status: 401, title: 'The email or password is wrong' },
  INVALID_REFRESH_TOKEN: { status: 401, title: 'The refresh token is not valid' },
  FORBIDDEN: { status: 403, title: 'You are not allowed to do this' },
  ACCOUNT_SUSPENDED: { status: 403, title: 'The account is suspended' },
  ACCOUNT_BANNED: { status: 403, title: 'The account is banned' },
  INVALID_PASSWORD: { status: 403, title: 'The password is wrong' },
  OWN_COMMENT: { status: 403, title: 'You cannot recommend your own comment' },
  NOT_FOUND: { status: 404, title: 'Not found' },
  USER_NOT_FOUND: { status: 404, title: 'The user does not exist' },
  ARTICLE_NOT_FOUND: { status: 404, title: 'The article does not exist' },
  COMMENT_NOT_FOUND: { status: 404, title: 'The comment does not exist' },
  METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed' },
  CONFLICT: { status: 409, title: 'The request conflicts with the current state' },
  COMMENTS_CLOSED: { status: 409, title: 'Comments are closed on this article' },
  PARENT_NOT_REPLYABLE: { status: 409, title: 'The comment cannot be answered' },
  DUPLICATE_COMMENT: { status: 409, title: 'You posted the same text a moment ago' },
  COMMENT_EDIT_WINDOW_CLOSED: { status: 409, title: 'The comment can no longer be edited' },
  COMMENT_NOT_EDITABLE: { status: 409, title: 'A hidden or deleted comment cannot be edited' },
  COMMENT_NOT_REACTABLE: { status: 409, title: 'Only visible comments can be recommended' },
  ALREADY_REPORTED: { status: 409, title: 'You already reported this comment' },
  EMAIL_TAKEN: { status: 409, title: 'The email is already registered' },
  DISPLAY_NAME_TAKEN: { status: 409, title: 'The display name is already taken' },
  COMMENT_DELETED: { status: 409, title: 'A deleted comment cannot be moderated' },
  COMMENT_STATUS_CONFLICT: { status: 409, title: 'The action does not apply to the comment in its current status' },
  LAST_ADMIN: { status: 409, title: 'The last admin cannot be demoted' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'The request body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'The request body must be application/json' },
  RATE_LIMITED: { status: 429, title: 'Too many requests' },
  INTERNAL_ERROR: { status: 500, title: 'Internal server error' },
  SERVICE_UNAVAILABLE: { status: 503, title: 'The service is not available' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;
