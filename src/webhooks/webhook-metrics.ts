import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Counter, Gauge, register } from 'prom-client';
import { WebhooksRepository } from './webhooks.repository';

export type AttemptOutcome = 'succeeded' | 'retrying' | 'failed';

/** Attempts by outcome: `succeeded` (2xx), `retrying` (failed, another attempt is scheduled), `failed` (given up). */
export const webhookAttempts =
  (register.getSingleMetric('margin_webhook_attempts_total') as Counter<'outcome'> | undefined) ??
  new Counter({
    name: 'margin_webhook_attempts_total',
    help: 'Outbound webhook delivery attempts by outcome (succeeded, retrying, failed: given up after the retry window)',
    labelNames: ['outcome'],
  });

const PENDING_METRIC = 'margin_webhook_pending_deliveries';
const OLDEST_DUE_METRIC = 'margin_webhook_oldest_due_seconds';

/**
 * `margin_webhook_pending_deliveries` and `margin_webhook_oldest_due_seconds` (how long the delivery due longest
 * ago has waited for a worker: a growing figure means the workers are behind, while a receiver that is down only
 * grows the pending count), read at each scrape; the job queue itself is in `margin_job_queue_depth`.
 */
@Injectable()
export class WebhookBacklogMetrics implements OnModuleInit, OnModuleDestroy {
  private gauges: Gauge[] = [];

  constructor(private readonly webhooks: WebhooksRepository) {}

  onModuleInit(): void {
    register.removeSingleMetric(PENDING_METRIC);
    register.removeSingleMetric(OLDEST_DUE_METRIC);
    let last: Promise<{ pending: number; oldestDueSeconds: number } | undefined> | undefined;
    // One query per scrape for both gauges; a scrape during a database outage keeps the last values.
    const read = () => (last ??= this.webhooks.backlog().catch(() => undefined).finally(() => setImmediate(() => (last = undefined))));
    const pending = new Gauge({
      name: PENDING_METRIC,
      help: 'Outbound webhook deliveries not yet succeeded or given up',
      async collect() {
        const backlog = await read();
        if (backlog) this.set(backlog.pending);
      },
    });
    const oldest = new Gauge({
      name: OLDEST_DUE_METRIC,
      help: 'Seconds the outbound webhook delivery due longest ago has waited for a worker (0 when none is due)',
      async collect() {
        const backlog = await read();
        if (backlog) this.set(backlog.oldestDueSeconds);
      },
    });
    this.gauges = [pending, oldest];
  }

  onModuleDestroy(): void {
    for (const gauge of this.gauges) {
      const name = (gauge as unknown as { name: string }).name;
      if (register.getSingleMetric(name) === gauge) register.removeSingleMetric(name);
    }
  }
}
