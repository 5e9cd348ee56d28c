import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { JobQueue } from '../notifications/jobs/job-queue';
import { webhookAttempts } from './webhook-metrics';
import { afterFailedAttempt, MAX_RETRY_DELAY_MS, RetryPolicy } from './webhook-retry';
import { WebhookSender } from './webhook-sender';
import { ClaimedDelivery, Lane, WebhooksRepository } from './webhooks.repository';

export const DELIVER_JOB = 'webhooks.deliver';
export const SWEEP_JOB = 'webhooks.sweep';
export const PURGE_JOB = 'webhooks.purge';
/** Lanes one worker takes per fetch, delivered side by side (each lane itself one delivery at a time). */
const LANES_PER_BATCH = 20;
const DELIVERY_WORKERS = 2;
/** A lane whose head has been due this long with no worker on it lost its job; the sweep queues it again. */
const OVERDUE_SECONDS = 60;
const SWEEP_LIMIT = 1000;
export const RETENTION_DAYS = 30;
const PURGE_BATCH_SIZE = 5000;
/** How long past the attempt's timeout a claimed delivery stays this worker's. */
const LEASE_MARGIN_MS = 30_000;

/** One job names one lane: an endpoint and an article. */
export type DeliverJob = Lane;

/**
 * Delivers recorded events. A lane (an endpoint and an article) is worked one delivery at a time, oldest first:
 * its head is claimed (leased, attempt counted), POSTed with no transaction or connection held, and its outcome
 * stored; after a success or a final failure the next one in the lane goes, after a failed attempt the lane waits
 * for the retry job queued for the head's next attempt. Nothing here runs inside a request: a receiver that is
 * down or slow holds up only its own lanes.
 */
@Injectable()
export class WebhookDispatcher {
  private readonly logger = new Logger(WebhookDispatcher.name);
  private readonly policy: RetryPolicy;

  constructor(
    private readonly webhooks: WebhooksRepository,
    private readonly sender: WebhookSender,
    private readonly jobs: JobQueue,
    private readonly config: AppConfig,
  ) {
    this.policy = {
      baseMs: config.webhooks.retryBaseMs,
      maxDelayMs: Math.max(config.webhooks.retryBaseMs, MAX_RETRY_DELAY_MS),
      windowMs: config.webhooks.retryWindowSeconds * 1000,
    };
    jobs.define({ name: DELIVER_JOB, batchSize: LANES_PER_BATCH, concurrency: DELIVERY_WORKERS, batchHandler: (data) => this.deliverLanes(data as DeliverJob[]) });
    jobs.define({ name: SWEEP_JOB, cron: '* * * * *', retryLimit: 1, handler: async () => {
      await this.requeueOverdueLanes();
    } });
    jobs.define({ name: PURGE_JOB, cron: '41 3 * * *', retryLimit: 2, handler: async () => {
      await this.purgeExpired();
    } });
  }

  /** Queues one lane's delivery job in the current transaction (the recorder calls it beside the event's rows). */
  enqueue(lane: Lane): Promise<void> {
    return this.jobs.enqueue(DELIVER_JOB, lane);
  }

  async deliverLanes(jobs: DeliverJob[]): Promise<void> {
    const lanes = new Map(jobs.map((job) => [`${job.endpointId}\u0000${job.lane}`, job]));
    await Promise.all([...lanes.values()].map((lane) => this.deliverLane(lane)));
  }

  /** Delivers the lane's due deliveries in order until it is empty or its head must wait for a retry. */
  async deliverLane(lane: Lane): Promise<void> {
    for (;;) {
      const delivery = await this.webhooks.claimLaneHead(lane, this.config.webhooks.timeoutMs + LEASE_MARGIN_MS);
      if (!delivery) return;
      const result = await this.sender.send({
        url: delivery.url,
        secret: delivery.secret,
        eventId: delivery.eventId,
        eventType: delivery.eventType,
        deliveryId: delivery.id,
        body: eventBody(delivery),
      });
      if (result.succeeded) {
        await this.webhooks.markSucceeded(delivery.id, result.statusCode);
        webhookAttempts.inc({ outcome: 'succeeded' });
        continue;
      }
      const next = afterFailedAttempt(this.policy, delivery.createdAt, delivery.attempts, new Date());
      if (next.give === 'up') {
        await this.webhooks.markFailed(delivery.id, result.statusCode, result.error);
        webhookAttempts.inc({ outcome: 'failed' });
        this.logger.warn(`Webhook delivery ${delivery.id} to endpoint ${lane.endpointId} failed for good after ${delivery.attempts} attempts`);
        continue;
      }
      await this.webhooks.scheduleRetry(delivery.id, result.statusCode, result.error, next.at);
      webhookAttempts.inc({ outcome: 'retrying' });
      await this.jobs.sendAfter(DELIVER_JOB, lane, next.at);
      return;
    }
  }

  /** Queues again the lanes whose job was lost (a worker that died between storing a retry and queueing it). */
  async requeueOverdueLanes(): Promise<number> {
    const lanes = await this.webhooks.findOverdueLanes(OVERDUE_SECONDS, SWEEP_LIMIT);
    await this.jobs.sendMany(DELIVER_JOB, lanes);
    return lanes.length;
  }

  async purgeExpired(): Promise<number> {
    let purged = 0;
    for (;;) {
      const removed = await this.webhooks.purgeOlderThan(RETENTION_DAYS, PURGE_BATCH_SIZE);
      purged += removed;
      if (removed < PURGE_BATCH_SIZE) return purged;
    }
  }
}

/** What the receiver gets: `{id, type, createdAt, data}`, the same bytes on every attempt but for the signature's time. */
export function eventBody(delivery: Pick<ClaimedDelivery, 'eventId' | 'eventType' | 'eventCreatedAt' | 'eventData'>): string {
  return JSON.stringify({ id: delivery.eventId, type: delivery.eventType, createdAt: delivery.eventCreatedAt.toISOString(), data: delivery.eventData });
}
