import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DomainEvents } from '../common/events/domain-events';
import { AppConfig } from '../config/app-config';
import { UnitOfWork } from '../database/unit-of-work';
import { JobQueue } from '../notifications/jobs/job-queue';
import { ArticlesRepository } from './articles.repository';

export const CLOSE_DUE_JOB = 'articles.close-due';
/** Articles closed per transaction. */
export const CLOSE_BATCH_SIZE = 200;
/**
 * How far ahead the instance looks for the next close, to queue a run at that very moment: longer than the cron's
 * period, so each cron run renews the timer and a close never waits for the next cron run (pg-boss starts those up
 * to a minute late).
 */
const LOOK_AHEAD_MS = 10 * 60_000;

/**
 * Articles close by themselves: a job that runs every minute, and at the next close time (a timer per instance, set
 * at start-up, after each run and when a close time changes, queues a run for it), claims the open articles whose close time has come, marks each close announced and publishes
 * `article.commentsClosed` in the same transaction, so each close is announced once, whichever instance runs it and
 * however often. Reads and posting do not wait for it: they apply the close time themselves.
 */
@Injectable()
export class ArticleClosingJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ArticleClosingJob.name);
  private nextRun: NodeJS.Timeout | null = null;
  private readonly schedulesAhead: boolean;

  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly articles: ArticlesRepository,
    private readonly events: DomainEvents,
    private readonly jobs: JobQueue,
    config: AppConfig,
  ) {
    // Tests run the queue with drain(); nothing should fire behind their back.
    this.schedulesAhead = config.nodeEnv !== 'test';
    jobs.define({ name: CLOSE_DUE_JOB, cron: '* * * * *', retryLimit: 3, handler: async () => {
      await this.closeDue();
    } });
  }

  onApplicationBootstrap(): void {
    if (this.schedulesAhead) void this.closeTimesMayHaveMoved();
  }

  /** A close time changed (an article's, or the close-after days): the timer is set again for the next close. */
  async closeTimesMayHaveMoved(): Promise<void> {
    if (!this.schedulesAhead) return;
    try {
      await this.scheduleNext(new Date());
    } catch (error) {
      this.logger.warn(`Could not look up the next close time: ${(error as Error).message}`);
    }
  }

  /** Announces every close that has come; returns how many. */
  async closeDue(now = new Date()): Promise<number> {
    let closed = 0;
    for (;;) {
      const batch = await this.unitOfWork.run(async () => {
        const due = await this.articles.claimDueCloses(now, CLOSE_BATCH_SIZE);
        for (const { id, closeAt } of due) {
          await this.events.publish('article.commentsClosed', { articleId: id, closedAt: closeAt.toISOString() });
        }
        return due.length;
      });
      closed += batch;
      if (batch < CLOSE_BATCH_SIZE) break;
    }
    if (closed > 0) this.logger.log(`Closed comments on ${closed} article(s) whose close time had come`);
    if (this.schedulesAhead) await this.scheduleNext(now);
    return closed;
  }

  /** One timer per instance, replaced each time: queues a run for the next close within the look-ahead. */
  private async scheduleNext(now: Date): Promise<void> {
    const next = await this.articles.nextCloseBetween(now, new Date(now.getTime() + LOOK_AHEAD_MS));
    if (this.nextRun) clearTimeout(this.nextRun);
    this.nextRun = null;
    if (!next) return;
    this.nextRun = setTimeout(() => {
      this.nextRun = null;
      this.jobs.send(CLOSE_DUE_JOB, {}).catch((error: Error) => this.logger.warn(`Could not queue ${CLOSE_DUE_JOB}: ${error.message}`));
    }, Math.max(0, next.getTime() - Date.now()) + 50);
    this.nextRun.unref();
  }

  onApplicationShutdown(): void {
    if (this.nextRun) clearTimeout(this.nextRun);
    this.nextRun = null;
  }
}
