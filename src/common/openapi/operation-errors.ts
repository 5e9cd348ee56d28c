import { ErrorCode } from '../errors/error-codes';

/**
 * The error codes each operation's own rules can answer, beyond the ones the
 * document derives from its guards and inputs (400 VALIDATION_FAILED for input,
 * 401 without a token, 403 for roles and sanctions, 413/415 for bodies, 429,
 * 500 and 503 everywhere). Keyed by operationId; a test fails when a key names
 * no operation, so renaming a handler cannot leave a stale row behind.
 */
export const OPERATION_ERRORS: Record<string, readonly ErrorCode[]> = {
  'auth.register': ['EMAIL_TAKEN', 'DISPLAY_NAME_TAKEN'],
  'auth.login': ['INVALID_CREDENTIALS'],
  'auth.refresh': ['INVALID_REFRESH_TOKEN'],
  'sso.signIn': ['INVALID_SSO_TOKEN', 'SSO_NOT_CONFIGURED', 'EMAIL_TAKEN', 'DISPLAY_NAME_TAKEN', 'SSO_KEYS_UNAVAILABLE'],

  'users.updateMe': ['DISPLAY_NAME_TAKEN'],
  'users.deleteMe': ['INVALID_PASSWORD', 'SSO_KEYS_UNAVAILABLE'],
  'users.getProfile': ['USER_NOT_FOUND'],
  'userComments.list': ['USER_NOT_FOUND'],

  'articles.get': ['ARTICLE_NOT_FOUND'],

  'comments.listThread': ['ARTICLE_NOT_FOUND'],
  'comments.create': ['ARTICLE_NOT_FOUND', 'INVALID_PARENT', 'COMMENTS_CLOSED', 'PARENT_NOT_REPLYABLE', 'DUPLICATE_COMMENT', 'COMMENT_REJECTED'],
  'comments.get': ['COMMENT_NOT_FOUND'],
  'comments.listReplies': ['COMMENT_NOT_FOUND'],
  'comments.listPicks': ['ARTICLE_NOT_FOUND'],
  'comments.edit': ['COMMENT_NOT_FOUND', 'FORBIDDEN', 'COMMENT_NOT_EDITABLE', 'COMMENT_EDIT_WINDOW_CLOSED'],
  'comments.delete': ['COMMENT_NOT_FOUND', 'FORBIDDEN'],
  'comments.react': ['COMMENT_NOT_FOUND', 'OWN_COMMENT', 'COMMENT_NOT_REACTABLE'],
  'comments.unreact': ['COMMENT_NOT_FOUND'],
  'comments.report': ['COMMENT_NOT_FOUND', 'ALREADY_REPORTED'],

  'follows.follow': ['FOLLOW_SELF', 'USER_NOT_FOUND'],
  'follows.unfollow': ['USER_NOT_FOUND'],
  'follows.followers': ['USER_NOT_FOUND'],
  'follows.following': ['USER_NOT_FOUND'],
  'ignores.ignore': ['IGNORE_SELF', 'USER_NOT_FOUND'],
  'ignores.unignore': ['USER_NOT_FOUND'],

  'appeals.forArticle': ['ARTICLE_NOT_FOUND', 'APPEAL_NOT_FOUND'],
  'donations.checkout': ['ARTICLE_NOT_FOUND', 'APPEAL_NOT_FOUND', 'PAYMENT_PROVIDER_ERROR', 'PAYMENT_PROVIDER_UNAVAILABLE'],
  'donations.get': ['DONATION_NOT_FOUND'],
  'donations.billingPortal': ['NO_BILLING_ACCOUNT', 'PAYMENT_PROVIDER_ERROR', 'PAYMENT_PROVIDER_UNAVAILABLE'],
  'stripeWebhook.receive': ['INVALID_SIGNATURE', 'PAYMENT_PROVIDER_UNAVAILABLE'],

  'admin.comments.hide': ['COMMENT_NOT_FOUND', 'COMMENT_DELETED', 'COMMENT_STATUS_CONFLICT'],
  'admin.comments.unhide': ['COMMENT_NOT_FOUND', 'COMMENT_DELETED', 'COMMENT_STATUS_CONFLICT'],
  'admin.comments.approve': ['COMMENT_NOT_FOUND', 'COMMENT_DELETED', 'COMMENT_STATUS_CONFLICT'],
  'admin.comments.feature': ['COMMENT_NOT_FOUND', 'COMMENT_DELETED', 'COMMENT_STATUS_CONFLICT'],
  'admin.comments.unfeature': ['COMMENT_NOT_FOUND', 'COMMENT_DELETED', 'COMMENT_STATUS_CONFLICT'],
  'admin.comments.history': ['COMMENT_NOT_FOUND'],
  'admin.users.standing': ['USER_NOT_FOUND'],
  'admin.users.comments': ['USER_NOT_FOUND'],
  'admin.users.notes': ['USER_NOT_FOUND'],
  'admin.users.addNote': ['USER_NOT_FOUND'],
  'admin.users.suspend': ['USER_NOT_FOUND', 'FORBIDDEN'],
  'admin.users.unsuspend': ['USER_NOT_FOUND', 'FORBIDDEN'],
  'admin.users.ban': ['USER_NOT_FOUND', 'FORBIDDEN'],
  'admin.users.unban': ['USER_NOT_FOUND', 'FORBIDDEN'],
  'admin.users.setRole': ['USER_NOT_FOUND', 'FORBIDDEN', 'LAST_ADMIN'],
  'admin.articles.setCommentsOpen': ['ARTICLE_NOT_FOUND'],
  'admin.webhooks.get': ['WEBHOOK_NOT_FOUND'],
  'admin.webhooks.remove': ['WEBHOOK_NOT_FOUND'],
  'admin.webhooks.deliveries': ['WEBHOOK_NOT_FOUND'],

  'live.articleStream': ['ARTICLE_NOT_FOUND', 'INVALID_TICKET', 'TOO_MANY_STREAMS'],
  'admin.live.queueStream': ['INVALID_TICKET', 'FORBIDDEN', 'TOO_MANY_STREAMS'],
};
