import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DomainEventMap, DomainEvents } from '../common/events/domain-events';
import { WebhookDispatcher } from './webhook-dispatcher';
import { WebhookEventType } from './webhook-events';
import { WebhooksRepository } from './webhooks.repository';

/** How often each instance re-reads which event types have subscribers (an endpoint saved elsewhere counts from then). */
export const SUBSCRIPTIONS_REFRESH_MS = 5000;

const MODERATION_STATUS = { hidden: 'hidden', unhidden: 'visible', approved: 'visible' } as const;
const MODERATION_ACTION = { hidden: 'hide', unhidden: 'unhide', approved: 'approve' } as const;

/**
 * Turns domain events into webhook events, in the causing transaction (in-transaction handlers): the event row,
 * one delivery per subscribed endpoint and a delivery job per endpoint commit or roll back with the cause, so a
 * write that is rolled back sends nothing, and nothing is sent before its cause is durable. A write pays for this
 * only when some endpoint subscribes to its event's type: the subscribed types are kept in memory, refreshed every
 * SUBSCRIPTIONS_REFRESH_MS and at once after a change on this instance.
 */
@Injectable()
export class WebhookRecorder implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WebhookRecorder.name);
  private subscribed = new Set<string>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly webhooks: WebhooksRepository,
    private readonly dispatcher: WebhookDispatcher,
    events: DomainEvents,
  ) {
    events.onInTransaction('comment.created', (event) => this.onCommentCreated(event));
    events.onInTransaction('comment.moderated', (event) => this.onCommentModerated(event));
    events.onInTransaction('comment.deleted', (event) => this.onCommentDeleted(event));
    events.onInTransaction('article.commentsClosed', (event) => this.record('article.commentsClosed', event.articleId, { ...event }));
    events.onInTransaction('donation.succeeded', (event) => this.record('donation.succeeded', event.articleId, { ...event }));
    events.onInTransaction('donation.refunded', (event) => this.record('donation.refunded', event.articleId, { ...event }));
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.refreshSubscriptions();
    this.timer = setInterval(() => void this.refreshSubscriptions().catch((error: Error) => this.logger.warn(`Reading webhook subscriptions failed: ${error.message}`)), SUBSCRIPTIONS_REFRESH_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async refreshSubscriptions(): Promise<void> {
    this.subscribed = new Set(await this.webhooks.subscribedEventTypes());
  }

  private onCommentCreated(event: DomainEventMap['comment.created']): Promise<void> {
    const { commentId, articleId, parentId, rootId, authorId, status } = event;
    return this.record('comment.created', articleId, { commentId, articleId, parentId, rootId, authorId, status });
  }

  private onCommentModerated(event: DomainEventMap['comment.moderated']): Promise<void> {
    return this.record('comment.moderated', event.articleId, {
      commentId: event.commentId,
      articleId: event.articleId,
      action: MODERATION_ACTION[event.action],
      status: MODERATION_STATUS[event.action],
      moderatorId: event.actorId,
    });
  }

  /** A moderator's deletion is a moderation decision; an author deleting their own comment is not announced. */
  private onCommentDeleted(event: DomainEventMap['comment.deleted']): Promise<void> {
    if (event.byAuthor) return Promise.resolve();
    return this.record('comment.moderated', event.articleId, {
      commentId: event.commentId,
      articleId: event.articleId,
      action: 'delete',
      status: 'deleted',
      moderatorId: event.actorId,
    });
  }

  private async record(type: WebhookEventType, articleId: string | null, data: Record<string, unknown>): Promise<void> {
    if (!this.subscribed.has(type)) return;
    const lane = articleId ?? '';
    const endpoints = await this.webhooks.recordEvent(type, lane, data);
    for (const endpointId of endpoints) await this.dispatcher.enqueue({ endpointId, lane });
  }
}
