import { Injectable, Logger } from '@nestjs/common';
import { AsyncLocalStorage } from 'node:async_hooks';
import { Counter, register } from 'prom-client';
import { TransactionContext } from '../../database/transaction-context';

/** What happened, as other modules need to hear of it: the one map every publisher and handler is typed by. */
export interface DomainEventMap {
  /** A comment was created (any status); `parentAuthorId` is the author of the comment it answers. */
  'comment.created': {
    commentId: string;
    articleId: string;
    authorId: string;
    parentId: string | null;
    parentAuthorId: string | null;
    rootId: string | null;
    status: 'visible' | 'pending';
  };
  /** A moderator hid, unhid or approved a comment (its status changed). */
  'comment.moderated': {
    commentId: string;
    articleId: string;
    authorId: string | null;
    action: 'hidden' | 'unhidden' | 'approved';
    actorId: string;
  };
  /** A comment became a `deleted` tombstone, by its author or by a moderator. */
  'comment.deleted': { commentId: string; articleId: string; authorId: string | null; actorId: string; byAuthor: boolean };
  /** A comment's status changed (setStatus: hide, unhide, approve, delete, bulk actions); `openReports` before the change. */
  'comment.statusChanged': {
    commentId: string;
    articleId: string;
    authorId: string | null;
    from: 'visible' | 'pending' | 'hidden' | 'deleted';
    to: 'visible' | 'pending' | 'hidden' | 'deleted';
    openReports: number;
  };
  /** The author replaced a comment's body. */
  'comment.edited': { commentId: string; articleId: string; authorId: string | null };
  /** A moderator featured or unfeatured a comment. */
  'comment.featured': { commentId: string; articleId: string; authorId: string | null; featured: boolean };
  /** A comment's recommendation count moved (a reader recommended it or withdrew). */
  'comment.reactionsChanged': { commentId: string; articleId: string; authorId: string | null };
  /** A reader reported a comment (it enters or moves up the reported queue). */
  'comment.reported': { commentId: string; articleId: string; authorId: string | null };
  /** A moderator's decision resolved a comment's open reports (it leaves the reported queue). */
  'comment.reportsResolved': { commentId: string; articleId: string; resolved: number };
  /** Something an article's thread pages show changed (a comment posted, edited, recommended, moderated, erased). */
  'thread.changed': { articleId: string };
  /** A reader started following another. */
  'user.followed': { followerId: string; followeeId: string };
  /**
   * Inbox rows were written (any producer, direct or fan-out); the e-mail that mirrors the inbox hangs off this. The
   * followed_comment fan-out names only the rows whose recipient takes that e-mail (the mail module's
   * `activity_mail_choices`, joined in the fan-out statement); its other rows are in the inbox, never e-mailed.
   */
  'notifications.created': { notifications: { id: string; recipientId: string; type: string }[] };
  /** An account was created with a password; `email` is the address to verify. */
  'user.registered': { userId: string; email: string };
  /** Staff banned or suspended an account (not published when it was already in effect). */
  'user.sanctioned': { userId: string; action: 'banned' | 'suspended'; until: string | null };
  /**
   * An article's comments closed (by a moderator, the CMS, or on time); `closedAt` is ISO-8601: the request's time,
   * or for a close that came by itself, its close time (published by the closing job, once per close).
   */
  'article.commentsClosed': { articleId: string; closedAt: string };
  /** A payment succeeded (a one-off gift, the first payment of a recurring one, or a renewal); `occurredAt` is ISO-8601. */
  'donation.succeeded': DonationEventPayload;
  /** A payment was refunded in full. */
  'donation.refunded': DonationEventPayload;
  /** A renewal of a recurring donation could not be charged (`invoice.payment_failed`); `donationId` is the first donation. */
  'donation.renewal_failed': DonationEventPayload & { invoiceId: string };
}

export interface DonationEventPayload {
  donationId: string;
  articleId: string;
  userId: string | null;
  amount: number;
  currency: string;
  frequency: 'one_off' | 'monthly' | 'annual';
  occurredAt: string;
}

export type DomainEventType = keyof DomainEventMap;
export type DomainEventHandler<K extends DomainEventType> = (payload: DomainEventMap[K]) => Promise<void>;
type AnyHandler = (payload: unknown) => Promise<void>;
interface Published {
  type: DomainEventType;
  payload: unknown;
}
/** After-commit work a unit of work collected, keyed by event and payload (an article touched ten times is invalidated once). */
export type AfterCommitQueue = Map<string, Published>;

const afterCommitFailures =
  (register.getSingleMetric('margin_after_commit_failures_total') as Counter<'event'> | undefined) ??
  new Counter({
    name: 'margin_after_commit_failures_total',
    help: 'After-commit event handlers that failed (the write they followed had committed and stands)',
    labelNames: ['event'],
  });

/**
 * In-process domain events, published inside the unit of work that causes them.
 * Two kinds of handler:
 * - in-transaction handlers (audit rows, notification rows, queued jobs) run at
 *   once, in the publisher's transaction, so their effects commit or roll back
 *   with the cause and happen exactly once; their failure fails the write;
 * - after-commit handlers (cache invalidation, live publishing, metrics) run
 *   once the outermost unit of work (UnitOfWork) has committed and released its
 *   connection, and never after a rollback; their failure is logged and counted,
 *   never turned into an error of a write that already stands. Outside a
 *   transaction they run right after the in-transaction ones.
 * Handlers must be quick: the request waits for both kinds.
 */
@Injectable()
export class DomainEvents {
  private readonly logger = new Logger('DomainEvents');
  private readonly inTransaction = new Map<DomainEventType, AnyHandler[]>();
  private readonly afterCommit = new Map<DomainEventType, AnyHandler[]>();
  private readonly queues = new AsyncLocalStorage<AfterCommitQueue>();

  constructor(private readonly txHost: TransactionContext) {}

  onInTransaction<K extends DomainEventType>(type: K, handler: DomainEventHandler<K>): void {
    add(this.inTransaction, type, handler as AnyHandler);
  }

  onAfterCommit<K extends DomainEventType>(type: K, handler: DomainEventHandler<K>): void {
    add(this.afterCommit, type, handler as AnyHandler);
  }

  async publish<K extends DomainEventType>(type: K, payload: DomainEventMap[K]): Promise<void> {
    for (const handler of this.inTransaction.get(type) ?? []) await handler(payload);
    if (!this.afterCommit.has(type)) return;
    if (!this.txHost.isTransactionActive()) return this.runAfterCommit([{ type, payload }]);
    const queue = this.queues.getStore();
    // A transaction opened around UnitOfWork would drop the after-commit work silently: refuse instead.
    if (!queue) throw new Error(`${type} was published in a transaction that UnitOfWork did not open`);
    queue.set(`${type}\u0000${JSON.stringify(payload)}`, { type, payload });
  }

  /** A queue for one unit of work (UnitOfWork), filled by what `work` publishes. */
  openQueue(): AfterCommitQueue {
    return new Map();
  }

  collecting<T>(queue: AfterCommitQueue, work: () => Promise<T>): Promise<T> {
    return this.queues.run(queue, work);
  }

  /** Runs what a committed unit of work queued. */
  runQueued(queue: AfterCommitQueue): Promise<void> {
    const published = [...queue.values()];
    queue.clear();
    return this.runAfterCommit(published);
  }

  private async runAfterCommit(published: Published[]): Promise<void> {
    await Promise.all(
      published.flatMap(({ type, payload }) =>
        (this.afterCommit.get(type) ?? []).map(async (handler) => {
          try {
            await handler(payload);
          } catch (error) {
            afterCommitFailures.inc({ event: type });
            this.logger.warn(`An after-commit handler of ${type} failed: ${error instanceof Error ? error.message : String(error)}`);
          }
        }),
      ),
    );
  }
}

function add(map: Map<DomainEventType, AnyHandler[]>, type: DomainEventType, handler: AnyHandler): void {
  map.set(type, [...(map.get(type) ?? []), handler]);
}
