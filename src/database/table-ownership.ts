/**
 * Who owns what in the database: a module's tables are read and changed only by
 * its own repositories. Another module uses them through the owner's service,
 * or through one of the owner's SQL interfaces (views and functions its
 * migrations define) when the rule must run inside that module's statement.
 * `table-ownership.spec.ts` scans every repository against these maps.
 */
export type ModuleName =
  | 'users'
  | 'auth'
  | 'articles'
  | 'comments'
  | 'follows'
  | 'notifications'
  | 'moderation'
  | 'donations'
  | 'webhooks'
  | 'sso'
  | 'mail';

export const TABLE_OWNERS: Readonly<Record<string, ModuleName>> = {
  users: 'users',
  sessions: 'auth',
  articles: 'articles',
  article_comment_count_deltas: 'articles',
  comments: 'comments',
  comment_versions: 'comments',
  comment_reactions: 'comments',
  comment_reports: 'comments',
  follows: 'follows',
  ignores: 'follows',
  notifications: 'notifications',
  // pg-boss's own tables: the job queue lives in the notifications module.
  'pgboss.job': 'notifications',
  'pgboss.queue': 'notifications',
  moderation_actions: 'moderation',
  moderation_settings: 'moderation',
  moderator_notes: 'moderation',
  appeals: 'donations',
  donations: 'donations',
  stripe_customers: 'donations',
  stripe_subscriptions: 'donations',
  stripe_events: 'donations',
  supporter_entitlements: 'donations',
  webhook_endpoints: 'webhooks',
  webhook_events: 'webhooks',
  webhook_deliveries: 'webhooks',
  user_identities: 'sso',
  sso_token_uses: 'sso',
  mail_messages: 'mail',
  account_tokens: 'mail',
  notification_settings: 'mail',
  mail_digest_items: 'mail',
};

/** Views and SQL functions other modules' statements may use, by the module whose migration defines them. */
export const SQL_INTERFACE_OWNERS: Readonly<Record<string, ModuleName>> = {
  user_profiles: 'users',
  users_bump_comment_count: 'users',
  margin_lock_active_account: 'users',
  margin_lock_account_for_erasure: 'users',
  mail_verified_accounts: 'users',
  articles_lock_for_comment_writes: 'articles',
  articles_bump_comment_count: 'articles',
  articles_share_for_posting: 'articles',
  articles_effective_close_at: 'articles',
  articles_open_now: 'articles',
  article_titles: 'articles',
  ignored_authors: 'follows',
  follower_links: 'follows',
  comment_visible_to: 'comments',
  comment_body_visible_to: 'comments',
  visible_comments: 'comments',
  comment_notices: 'comments',
  comments_post: 'comments',
  moderation_posting_context: 'moderation',
  moderation_close_after_days: 'moderation',
  activity_mail_choices: 'mail',
  donations_supporter_active: 'donations',
};
