import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { CommentsService } from '../comments/comments.service';
import { CommentView } from '../comments/dto/comment.views';
import { DomainEventMap, DomainEvents } from '../common/events/domain-events';
import { InjectRedis, OptionalRedis } from '../common/redis/redis.module';
import { LiveBus } from './live-bus';
import { articleChannel, LiveEvent, LiveMessage, QUEUE_CHANNEL, QueueChangeData } from './live-events';
import { LiveHub } from './live-hub';
import { liveEventsPublished } from './live.metrics';
import { laterChange, ReactionChange, ReactionGate } from './reaction-gate';

interface PendingRetry {
  change: ReactionChange;
  readonly timer: NodeJS.Timeout;
}

type StatusChange = DomainEventMap['comment.statusChanged'];

/**
 * Turns committed writes into live events. Every handler is an after-commit
 * one (no event exists for a write that rolled back), and none holds up the
 * request: the work is queued on the channel's own chain, so one instance
 * publishes an article's events in the order its writes committed, and reads
 * the comment as an anonymous reader sees it at that moment.
 */
@Injectable()
export class LivePublisher implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('LivePublisher');
  private readonly chains = new Map<string, Promise<void>>();
  private readonly reactionRetries = new Map<string, PendingRetry>();
  private readonly gate: ReactionGate;

  constructor(
    private readonly events: DomainEvents,
    private readonly comments: CommentsService,
    private readonly hub: LiveHub,
    private readonly bus: LiveBus,
    @InjectRedis() redis: OptionalRedis,
  ) {
    this.gate = new ReactionGate(redis);
  }

  onModuleInit(): void {
    this.events.onAfterCommit('comment.created', async (event) => {
      if (event.status === 'visible') this.publishComment(event.articleId, event.commentId, 'comment.created');
      else this.publishQueue({ commentId: event.commentId, state: 'pending' }, 'queue.added');
    });
    this.events.onAfterCommit('comment.statusChanged', async (event) => this.statusChanged(event));
    this.events.onAfterCommit('comment.edited', async (event) => this.publishComment(event.articleId, event.commentId, 'comment.updated'));
    this.events.onAfterCommit('comment.featured', async (event) => this.publishComment(event.articleId, event.commentId, 'comment.updated'));
    this.events.onAfterCommit('comment.reactionsChanged', async (event) => this.reactionsChanged(event.articleId, event.commentId, null));
    this.events.onAfterCommit('comment.reported', async (event) => this.publishQueue({ commentId: event.commentId, state: 'reported' }, 'queue.added'));
    this.events.onAfterCommit('comment.reportsResolved', async (event) =>
      this.publishQueue({ commentId: event.commentId, state: 'reported' }, 'queue.removed'),
    );
  }

  onApplicationShutdown(): void {
    for (const { timer } of this.reactionRetries.values()) clearTimeout(timer);
    this.reactionRetries.clear();
  }

  /** Approved or unhidden: it appears; any other change readers can see: it is updated. Queues move as the status does. */
  private statusChanged(change: StatusChange): void {
    if (change.to === 'visible') this.publishComment(change.articleId, change.commentId, 'comment.created');
    else if (change.to !== 'pending') this.publishComment(change.articleId, change.commentId, 'comment.updated');
    const { commentId } = change;
    if (change.from === 'pending') this.publishQueue({ commentId, state: 'pending' }, 'queue.removed');
    if (change.from === 'hidden') this.publishQueue({ commentId, state: 'hidden' }, 'queue.removed');
    if (change.to === 'pending') this.publishQueue({ commentId, state: 'pending' }, 'queue.added');
    if (change.to === 'hidden') this.publishQueue({ commentId, state: 'hidden' }, 'queue.added');
    // The reported queue leaves deleted comments out, whatever their open reports.
    if (change.to === 'deleted' && change.openReports > 0) this.publishQueue({ commentId, state: 'reported' }, 'queue.removed');
  }

  private publishComment(articleId: string, commentId: string, type: 'comment.created' | 'comment.updated'): void {
    const channel = articleChannel(articleId);
    this.enqueue(channel, async () => {
      const view = await this.anonymousView(channel, commentId);
      if (!view) return;
      const event: LiveEvent =
        type === 'comment.created'
          ? { type, data: view }
          : { type, data: { id: view.id, status: view.status, body: view.body, editedAt: view.editedAt, featured: view.featured } };
      await this.publish(channel, { event, authorId: view.author?.id ?? null });
    });
  }

  private publishQueue(data: QueueChangeData, type: 'queue.added' | 'queue.removed'): void {
    this.enqueue(QUEUE_CHANNEL, async () => {
      if (!(await this.bus.hasAudience(QUEUE_CHANNEL, this.hub.isListening(QUEUE_CHANNEL)))) return;
      await this.publish(QUEUE_CHANNEL, { event: { type, data }, authorId: null });
    });
  }

  /**
   * At most one count per comment per second, across instances (see
   * ReactionGate): the first change goes out at once; a change within the
   * second is sent when the second ends, with the count read then, so it
   * includes every change committed before it. One retry per comment waits on
   * this instance, covering the latest change it was given.
   */
  private reactionsChanged(articleId: string, commentId: string, retry: ReactionChange | null): void {
    void this.gate.attempt(commentId, retry).then((answer) => {
      if (answer.verdict === 'covered') return;
      if (answer.verdict === 'publish') {
        const channel = articleChannel(articleId);
        this.enqueue(channel, async () => {
          const view = await this.anonymousView(channel, commentId);
          if (view) await this.publish(channel, { event: { type: 'comment.reactions', data: { id: view.id, reactionCount: view.reactionCount } }, authorId: view.author?.id ?? null });
        });
        return;
      }
      const pending = this.reactionRetries.get(commentId);
      if (pending) {
        pending.change = laterChange(pending.change, answer.change);
        return;
      }
      const waiting: PendingRetry = {
        change: answer.change,
        timer: setTimeout(() => {
          this.reactionRetries.delete(commentId);
          this.reactionsChanged(articleId, commentId, waiting.change);
        }, answer.waitMs),
      };
      waiting.timer.unref();
      this.reactionRetries.set(commentId, waiting);
    });
  }

  /** The comment as an anonymous reader sees it; null when nobody could be listening or it is not public. */
  private async anonymousView(channel: string, commentId: string): Promise<CommentView | null> {
    if (!(await this.bus.hasAudience(channel, this.hub.isListening(channel)))) return null;
    const [view] = await this.comments.viewsByIds([commentId]);
    return view ?? null;
  }

  private async publish(channel: string, message: LiveMessage): Promise<void> {
    await this.bus.publish(channel, message);
    liveEventsPublished.inc({ event: message.event.type });
  }

  /** Runs `work` after the channel's earlier work; a failure is logged and never reaches the write that caused it. */
  private enqueue(channel: string, work: () => Promise<void>): void {
    const previous = this.chains.get(channel) ?? Promise.resolve();
    const next = previous
      .then(work)
      .catch((error: unknown) => this.logger.warn(`A live event on ${channel} was not published: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => {
        if (this.chains.get(channel) === next) this.chains.delete(channel);
      });
    this.chains.set(channel, next);
  }
}
