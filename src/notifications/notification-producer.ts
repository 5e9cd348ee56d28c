import { Injectable } from '@nestjs/common';
import { DomainEventMap, DomainEvents } from '../common/events/domain-events';
import { JobQueue } from './jobs/job-queue';
import { UnitOfWork } from '../database/unit-of-work';
import { CreatedNotification, FanOutCursor, FanOutPost, NotificationsRepository } from './notifications.repository';

export const FAN_OUT_JOB = 'notifications.followed-comment-fan-out';
/**
 * A large author's post, handed on by FAN_OUT_JOB: its own queue and loop, so the ordinary posts claimed with it
 * complete at once instead of waiting behind tens of thousands of rows (the bench's p99 was held by those waits).
 */
export const FAN_OUT_LARGE_JOB = 'notifications.followed-comment-fan-out-large';
export const PURGE_JOB = 'notifications.purge';
/** Followers notified per statement for a large author, and the follower count above which an author is large. */
export const FAN_OUT_BATCH_SIZE = 2000;
/** Posts claimed per fetch: one statement announces them all. */
export const FAN_OUT_POSTS_PER_BATCH = 100;
/**
 * Fan-out loops per instance: while one walks a famous author's 50,000 followers chunk by chunk, the other
 * keeps announcing everyone else's posts, and PostgreSQL gets two backends' worth of inserts.
 */
export const FAN_OUT_WORKERS = 2;
/**
 * Loops for large authors' posts. With one, a 50,000-follower author posting every ~3 s outran it (bench: the queue
 * drained 15.9 s after the load); two keep up, and the ordinary posts keep their own two loops.
 */
export const FAN_OUT_LARGE_WORKERS = 2;
export const RETENTION_DAYS = 90;
const PURGE_BATCH_SIZE = 10_000;

/** One job per announced post, queued in the post's transaction. */
export type FanOutJob = FanOutPost;

/**
 * Turns domain events into notifications. Direct ones (reply, follow,
 * moderation) are written with the causing transaction's manager; the
 * followed_comment fan-out is only enqueued there, so posting costs one row
 * whatever the author's follower count. The worker claims up to
 * FAN_OUT_POSTS_PER_BATCH queued posts at once and announces them with one
 * INSERT … SELECT; posts by authors with more than FAN_OUT_BATCH_SIZE followers
 * are queued again on FAN_OUT_LARGE_JOB, whose loop takes one statement per
 * chunk of followers. The fan-out announces (`notifications.created`) only the rows
 * whose recipient takes followed_comment e-mail, picked in the same statement, so
 * the e-mail job it queues names a handful of ids, not every follower's.
 */
@Injectable()
export class NotificationProducer {
  constructor(
    private readonly notifications: NotificationsRepository,
    private readonly jobs: JobQueue,
    private readonly events: DomainEvents,
    private readonly unitOfWork: UnitOfWork,
  ) {
    events.onInTransaction('comment.created', (event) => this.onCommentCreated(event));
    events.onInTransaction('user.followed', async (event) => this.announce(await this.notifications.insertFollow(event.followeeId, event.followerId)));
    events.onInTransaction('comment.moderated', (event) => this.onCommentModerated(event));
    events.onInTransaction('comment.featured', async (event) => {
      if (event.featured && event.authorId) await this.announce(await this.notifications.insertFeatured(event.authorId, event.commentId));
    });
    jobs.define({ name: FAN_OUT_JOB, batchSize: FAN_OUT_POSTS_PER_BATCH, concurrency: FAN_OUT_WORKERS, batchHandler: (data) => this.fanOut(data as FanOutJob[]) });
    jobs.define({ name: FAN_OUT_LARGE_JOB, batchSize: 1, concurrency: FAN_OUT_LARGE_WORKERS, handler: (data) => this.fanOutInChunks(data as FanOutJob) });
    jobs.define({ name: PURGE_JOB, cron: '17 3 * * *', retryLimit: 2, handler: async () => {
      await this.purgeExpired();
    } });
  }

  /**
   * Delivers followed_comment for every post of a small author and queues the large authors' posts on
   * FAN_OUT_LARGE_JOB; safe to run again (a post queued twice there is delivered once).
   */
  async fanOut(jobs: FanOutJob[]): Promise<void> {
    // The rows and what listens to them (the e-mail job) commit together.
    const large = await this.unitOfWork.run(async () => {
      const result = await this.notifications.insertFollowedComments(jobs, FAN_OUT_BATCH_SIZE);
      await this.announce(result.mailed);
      return result.large;
    });
    if (large.length > 0) await this.jobs.sendMany(FAN_OUT_LARGE_JOB, large);
  }

  /**
   * Tells the listeners of `notifications.created` (in the current transaction) which inbox rows were written: every
   * direct one; of a fan-out, only those whose recipient takes followed_comment e-mail (chosen in its statement).
   */
  private async announce(created: CreatedNotification[]): Promise<void> {
    if (created.length > 0) await this.events.publish('notifications.created', { notifications: created });
  }

  /** A large author's followers in keyset chunks, so no statement holds locks on tens of thousands of rows. */
  private async fanOutInChunks(job: FanOutJob): Promise<void> {
    let cursor: FanOutCursor | null = null;
    do {
      const after = cursor;
      cursor = await this.unitOfWork.run(async () => {
        const batch = await this.notifications.insertFollowedCommentBatch(job.authorId, job.commentId, job.excludedId, after, FAN_OUT_BATCH_SIZE);
        await this.announce(batch.mailed);
        return batch.cursor;
      });
    } while (cursor);
  }

  async purgeExpired(): Promise<number> {
    let purged = 0;
    for (;;) {
      const removed = await this.notifications.deleteOlderThan(RETENTION_DAYS, PURGE_BATCH_SIZE);
      purged += removed;
      if (removed < PURGE_BATCH_SIZE) return purged;
    }
  }

  private async onCommentCreated(event: DomainEventMap['comment.created']): Promise<void> {
    if (event.status !== 'visible') return;
    await this.announceVisibleComment(event.commentId, event.authorId, event.parentAuthorId);
  }

  /**
   * The author hears of a hide or an approval (an unhide restores what they had, and tells them nothing); an
   * approved comment is announced as a newly posted one would be.
   */
  private async onCommentModerated(event: DomainEventMap['comment.moderated']): Promise<void> {
    if (event.action === 'unhidden') return;
    if (event.authorId) await this.announce(await this.notifications.insertModeration(event.authorId, event.commentId));
    if (event.action !== 'approved') return;
    const parties = await this.notifications.findReplyParties(event.commentId);
    if (parties?.authorId) await this.announceVisibleComment(event.commentId, parties.authorId, parties.parentAuthorId);
  }

  private async announceVisibleComment(
    commentId: string,
    authorId: string,
    parentAuthorId: string | null,
  ): Promise<void> {
    if (parentAuthorId) await this.announce(await this.notifications.insertReply(parentAuthorId, authorId, commentId));
    const job: FanOutJob = { commentId, authorId, excludedId: parentAuthorId };
    await this.jobs.enqueue(FAN_OUT_JOB, job);
  }
}
