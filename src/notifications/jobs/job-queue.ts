import { whileHoldingTransactionLock } from '../../database/migrate';
import { TransactionContext } from '../../database/transaction-context';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import PgBoss from 'pg-boss';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config';

// Any fixed number, distinct from the migrations' lock.
const JOB_QUEUE_START_LOCK_KEY = 4_242_002;

export type JobHandler = (data: object) => Promise<void>;
/** Handles many jobs of one queue at once (set-based work); they complete or fail together. */
export type JobBatchHandler = (data: object[]) => Promise<void>;

export interface JobDefinition {
  name: string;
  /** One job at a time, or, with `batchHandler`, up to `batchSize` jobs per call. */
  handler?: JobHandler;
  batchHandler?: JobBatchHandler;
  batchSize?: number;
  /** Worker loops per instance (1 unless said): a long batch on one does not hold back the others. */
  concurrency?: number;
  /** Cron expression (UTC) for a recurring job. */
  cron?: string;
  retryLimit?: number;
}

/** What a queue's worker has done since start: how often it woke, how many fetches found jobs, how many jobs ran. */
export interface WorkerStats {
  wakes: number;
  batches: number;
  jobs: number;
}

/** How many jobs one fetch claims when a definition does not say. */
const DEFAULT_BATCH_SIZE = 10;

/**
 * Background jobs kept in PostgreSQL by pg-boss (10.x: the last line that
 * runs on Node 20 and loads as CommonJS). A job is enqueued with the
 * transaction of its cause, so it exists exactly when the cause committed.
 * Delivery is at least once: handlers must be idempotent.
 *
 * Workers are our own loop rather than `boss.work`: pg-boss 10 sleeps a full
 * polling interval after every fetch even when more jobs wait, which capped a
 * queue at one batch per interval. Ours fetches batch after batch until the
 * queue is empty, and only then sleeps.
 *
 * Outside tests, workers poll in the background. Under NODE_ENV=test nothing
 * polls: a test runs what is queued with `drain()`, so results do not depend
 * on timing.
 */
@Injectable()
export class JobQueue implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(JobQueue.name);
  private readonly definitions = new Map<string, JobDefinition>();
  private readonly stats = new Map<string, WorkerStats>();
  private readonly boss: PgBoss;
  private readonly pollsInBackground: boolean;
  private readonly workers: Promise<void>[] = [];
  private stopping = false;
  private wakeSleepers: (() => void)[] = [];

  constructor(
    private readonly txHost: TransactionContext,
    config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {
    this.pollsInBackground = config.nodeEnv !== 'test';
    this.boss = new PgBoss({
      connectionString: config.databaseUrl,
      max: 3,
      application_name: 'margin-jobs',
      supervise: this.pollsInBackground,
      schedule: this.pollsInBackground,
    });
    this.boss.on('error', (error: Error) => this.logger.error(`Job queue error: ${error.message}`));
  }

  /** Call from a provider's constructor: queues are created and workers started at bootstrap. */
  define(definition: JobDefinition): void {
    if (!definition.handler === !definition.batchHandler) throw new Error(`Job ${definition.name} needs exactly one of handler and batchHandler`);
    this.definitions.set(definition.name, definition);
    this.stats.set(definition.name, { wakes: 0, batches: 0, jobs: 0 });
  }

  async onApplicationBootstrap(): Promise<void> {
    // pg-boss installs its schema and creates one table per queue on first use; instances (and test
    // workers) starting together on a fresh database would deadlock doing it at the same time.
    await this.whileHoldingStartLock(() => this.startQueues());
    if (this.pollsInBackground) await this.startWorkers();
  }

  private async startQueues(): Promise<void> {
    await this.boss.start();
    for (const definition of this.definitions.values()) {
      await this.boss.createQueue(definition.name, {
        name: definition.name,
        retryLimit: definition.retryLimit ?? 5,
        retryDelay: 5,
        retryBackoff: true,
      });
      if (definition.cron) await this.boss.schedule(definition.name, definition.cron, {}, { tz: 'UTC' });
    }
  }

  private async whileHoldingStartLock(work: () => Promise<void>): Promise<void> {
    // Transaction-scoped, so it holds behind PgBouncer in transaction mode (see runMigrations).
    await whileHoldingTransactionLock(this.dataSource, JOB_QUEUE_START_LOCK_KEY, work);
  }

  /**
   * One loop per queue: on each wake it works until the queue is empty, then
   * sleeps `pollingIntervalSeconds` (pg-boss's minimum, 0.5 s, bounds the lag
   * a newly queued job waits for an idle worker).
   */
  async startWorkers(pollingIntervalSeconds = 0.5): Promise<void> {
    for (const definition of this.definitions.values()) {
      for (let loop = 0; loop < (definition.concurrency ?? 1); loop += 1) {
        this.workers.push(this.workLoop(definition.name, pollingIntervalSeconds * 1000));
      }
    }
  }

  private async workLoop(name: string, intervalMs: number): Promise<void> {
    while (!this.stopping) {
      try {
        await this.workUntilEmpty(name);
      } catch (error) {
        this.logger.error(`Job queue ${name}: fetching failed: ${(error as Error).message}`);
      }
      await this.sleep(intervalMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeSleepers.push(done);
    });
  }

  /** Fetches and runs batches of `name` until a fetch finds nothing; one wake of its worker. */
  async workUntilEmpty(name: string): Promise<WorkerStats> {
    const definition = this.definitionOf(name);
    const stats = this.stats.get(name) as WorkerStats;
    const thisWake: WorkerStats = { wakes: 1, batches: 0, jobs: 0 };
    stats.wakes += 1;
    while (!this.stopping) {
      const jobs = await this.boss.fetch<object>(name, { batchSize: definition.batchSize ?? DEFAULT_BATCH_SIZE });
      if (jobs.length === 0) break;
      await this.runBatch(definition, jobs);
      thisWake.batches += 1;
      thisWake.jobs += jobs.length;
      stats.batches += 1;
      stats.jobs += jobs.length;
    }
    return thisWake;
  }

  /** Totals of `name`'s worker (and of `drain`) since this instance started. */
  workerStats(name: string): WorkerStats {
    return { ...(this.stats.get(name) ?? { wakes: 0, batches: 0, jobs: 0 }) };
  }

  /** Queues a job inside the current transaction: it is created only if the transaction commits. */
  async enqueue(name: string, data: object): Promise<void> {
    const manager = this.txHost.tx;
    const db = {
      executeSql: async (text: string, values: unknown[]) => {
        const runner = manager.queryRunner;
        if (!runner) return { rows: await manager.query(text, values) };
        const result = await runner.query(text, values, true);
        return { rows: result.records };
      },
    };
    await this.boss.send(name, data, { db });
  }

  /** Queues a job outside any transaction. */
  async send(name: string, data: object): Promise<void> {
    await this.boss.send(name, data);
  }

  /** Queues a job outside any transaction that no worker takes before `startAfter` (a retry's wait). */
  async sendAfter(name: string, data: object, startAfter: Date): Promise<void> {
    await this.boss.send(name, data, { startAfter });
  }

  /** Queues several jobs outside any transaction, in one statement. */
  async sendMany(name: string, data: object[]): Promise<void> {
    if (data.length > 0) await this.boss.insert(data.map((item) => ({ name, data: item })));
  }

  /** Runs every job queued now (and any they queue) to completion; returns how many ran. */
  async drain(names: string[] = [...this.definitions.keys()]): Promise<number> {
    let ran = 0;
    for (;;) {
      let ranThisRound = 0;
      for (const name of names) ranThisRound += (await this.workUntilEmpty(name)).jobs;
      if (ranThisRound === 0) return ran;
      ran += ranThisRound;
    }
  }

  /** Seconds since the oldest job of any of `names` that is not finished yet was queued; 0 when none waits. */
  async oldestPendingAgeSeconds(names: string[]): Promise<number> {
    const rows: { age: number | null }[] = await this.dataSource.query(
      `SELECT extract(epoch FROM now() - min(created_on))::float8 AS age
       FROM pgboss.job WHERE name = ANY($1::text[]) AND state IN ('created', 'retry', 'active')`,
      [names],
    );
    return Math.max(0, rows[0]?.age ?? 0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    for (const wake of this.wakeSleepers.splice(0)) wake();
    await Promise.all(this.workers.splice(0));
    await this.boss.stop({ graceful: true, wait: true, timeout: 10_000 });
  }

  private definitionOf(name: string): JobDefinition {
    const definition = this.definitions.get(name);
    if (!definition) throw new Error(`No handler for job ${name}`);
    return definition;
  }

  private async runBatch(definition: JobDefinition, jobs: PgBoss.Job<object>[]): Promise<void> {
    if (!definition.batchHandler) {
      for (const job of jobs) await this.runOnce(definition, job);
      return;
    }
    const ids = jobs.map((job) => job.id);
    try {
      await definition.batchHandler(jobs.map((job) => job.data));
      await this.boss.complete(definition.name, ids);
    } catch (error) {
      this.logger.error(`Job batch ${definition.name} of ${ids.length} failed: ${(error as Error).message}`);
      await this.boss.fail(definition.name, ids);
    }
  }

  private async runOnce(definition: JobDefinition, job: PgBoss.Job<object>): Promise<void> {
    try {
      await (definition.handler as JobHandler)(job.data);
      await this.boss.complete(definition.name, job.id);
    } catch (error) {
      this.logger.error(`Job ${definition.name} ${job.id} failed: ${(error as Error).message}`);
      await this.boss.fail(definition.name, job.id, { message: (error as Error).message });
    }
  }
}
