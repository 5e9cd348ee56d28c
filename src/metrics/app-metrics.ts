import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { collectDefaultMetrics, Counter, Gauge, Histogram, register, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { JobQueueBacklogRepository } from '../notifications/jobs/job-queue-backlog.repository';

interface PgPoolCounts {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

/** Process metrics live in prom-client's default registry, once per process. */
function collectProcessMetricsOnce(): void {
  if (!register.getSingleMetric('process_cpu_user_seconds_total')) collectDefaultMetrics();
}

/**
 * The metrics of one running application. They sit in a registry of their own (several apps
 * run in one test process) and are served together with the default registry, where process
 * metrics and other modules' metrics (thread cache, Redis) register themselves.
 */
@Injectable()
export class AppMetrics {
  private readonly logger = new Logger('Metrics');
  private readonly registry = new Registry();

  private readonly requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by route template, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [this.registry],
  });

  private readonly durations = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from receiving a request to finishing its response, by route template, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  /** Set by the live-stream module as readers connect and leave; 0 until live threads exist. */
  readonly liveStreamConnections = new Gauge({
    name: 'margin_live_stream_connections',
    help: 'Open live-thread (Server-Sent Events) streams on this instance',
    registers: [this.registry],
  });

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly backlog: JobQueueBacklogRepository,
  ) {
    collectProcessMetricsOnce();
  }

  private readonly poolInUse = new Gauge({
    name: 'margin_db_pool_connections_in_use',
    help: 'Database pool connections checked out by queries or transactions',
    registers: [this.registry],
  });

  private readonly poolWaiting = new Gauge({
    name: 'margin_db_pool_waiting',
    help: 'Queries waiting for a free database pool connection',
    registers: [this.registry],
  });

  observeRequest(route: string, method: string, status: number, seconds: number): void {
    const labels = { route, method, status: String(status) };
    this.requests.inc(labels);
    this.durations.observe(labels, seconds);
  }

  async render(): Promise<string> {
    // The pool is read before the scrape's own backlog query, which may itself wait for a connection:
    // an exhausted pool is exactly what the scrape must show.
    const counts = (this.dataSource.driver as unknown as { master?: PgPoolCounts }).master;
    this.poolInUse.set(counts ? counts.totalCount - counts.idleCount : 0);
    this.poolWaiting.set(counts?.waitingCount ?? 0);
    await this.readQueueBacklog();
    return Registry.merge([register, this.registry]).metrics();
  }

  private readonly queueDepth = new Gauge({
    name: 'margin_job_queue_depth',
    help: 'Jobs waiting to be picked up (created or retrying), per queue',
    labelNames: ['queue'] as const,
    registers: [this.registry],
  });

  private readonly queueOldestAge = new Gauge({
    name: 'margin_job_queue_oldest_age_seconds',
    help: 'Seconds the oldest due job of each queue has waited for a worker',
    labelNames: ['queue'] as const,
    registers: [this.registry],
  });

  /** Depth and age come from one query per scrape, run before the registries are rendered. */
  private async readQueueBacklog(): Promise<void> {
    try {
      const rows = await this.backlog.backlogPerQueue();
      this.queueDepth.reset();
      this.queueOldestAge.reset();
      for (const row of rows) {
        this.queueDepth.set({ queue: row.queue }, row.depth);
        this.queueOldestAge.set({ queue: row.queue }, row.oldestAgeSeconds);
      }
    } catch (error) {
      // No pg-boss schema yet, or the database is away: the scrape still answers, without them.
      this.logger.warn(`Job queue backlog not read: ${(error as Error).message}`);
    }
  }
}
