import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import PgBoss from 'pg-boss';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '../../config/app-config';

// Any fixed number, distinct from the migrations' lock.
const JOB_QUEUE_START_LOCK_KEY = 4_242_002;

export type JobHandler = (data: object) => Promise<void>;

export interface JobDefinition {
  name: string;
  handler: JobHandler;
  /** Cron expression (UTC) for a recurring job. */
  cron?: string;
  retryLimit?: number;
}

/**
 * Background jobs kept in PostgreSQL by pg-boss (10.x: the last line that
 * runs on Node 20 and loads as CommonJS). A job is enqueued with the
 * transaction of its cause, so it exists exactly when the cause committed.
 * Delivery is at least once: handlers must be idempotent.
 *
 * Outside tests, workers poll in the background. Under NODE_ENV=test nothing
 * polls: a test runs what is queued with `drain()`, so results do not depend
 * on timing.
 */
@Injectable()
export class JobQueue implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(JobQueue.name);
  private readonly definitions = new Map<string, JobDefinition>();
  private readonly boss: PgBoss;
  private readonly pollsInBackground: boolean;

  constructor(
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
    this.definitions.set(definition.name, definition);
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
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('SELECT pg_advisory_lock($1)', [JOB_QUEUE_START_LOCK_KEY]);
      await work();
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [JOB_QUEUE_START_LOCK_KEY]).catch(() => undefined);
      await runner.release();
    }
  }

  /** Polls every queue in the background; each job runs its handler and completes or fails. */
  async startWorkers(pollingIntervalSeconds = 2): Promise<void> {
    for (const definition of this.definitions.values()) {
      await this.boss.work<object>(definition.name, { pollingIntervalSeconds, batchSize: 1 }, async ([job]) => {
        await definition.handler(job.data);
      });
    }
  }

  /** Queues a job inside `manager`'s transaction: it is created only if the transaction commits. */
  async enqueue(manager: EntityManager, name: string, data: object): Promise<void> {
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

  /** Runs every job queued now (and any they queue) to completion; returns how many ran. */
  async drain(names: string[] = [...this.definitions.keys()]): Promise<number> {
    let ran = 0;
    for (;;) {
      let ranThisRound = 0;
      for (const name of names) {
        const jobs = await this.boss.fetch<object>(name, { batchSize: 10 });
        for (const job of jobs) {
          await this.runOnce(name, job);
          ranThisRound += 1;
        }
      }
      if (ranThisRound === 0) return ran;
      ran += ranThisRound;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.boss.stop({ graceful: true, wait: true, timeout: 10_000 });
  }

  private async runOnce(name: string, job: PgBoss.Job<object>): Promise<void> {
    const definition = this.definitions.get(name);
    try {
      if (!definition) throw new Error(`No handler for job ${name}`);
      await definition.handler(job.data);
      await this.boss.complete(name, job.id);
    } catch (error) {
      this.logger.error(`Job ${name} ${job.id} failed: ${(error as Error).message}`);
      await this.boss.fail(name, job.id, { message: (error as Error).message });
    }
  }
}
