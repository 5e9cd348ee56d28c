/** The events an endpoint can subscribe to (contract: "Outbound webhooks"). */
export const WEBHOOK_EVENT_TYPES = ['comment.created', 'comment.moderated', 'article.commentsClosed', 'donation.succeeded', 'donation.refunded'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export type ModerationActionName = 'hide' | 'unhide' | 'approve' | 'delete';
