import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Gauge, register } from 'prom-client';
import { FAN_OUT_JOB, FAN_OUT_LARGE_JOB } from '../notification-producer';
import { JobQueue } from './job-queue';

export const FAN_OUT_LAG_METRIC = 'margin_fanout_lag_seconds';

/**
 * `margin_fanout_lag_seconds`: how long the oldest post still waiting for its
 * followed_comment fan-out has waited (0 when the queue is empty), read from
 * pg-boss's job table at each scrape. A large author's post counts from when
 * FAN_OUT_JOB handed it on, so its first wait (under a second at the bench's
 * load) is not in the figure. It lives on prom-client's default
 * registry, which `/metrics` serves; it is removed again on shutdown so that
 * an app started later in the same process can register its own.
 */
@Injectable()
export class FanOutLagMetric implements OnModuleInit, OnModuleDestroy {
  private gauge?: Gauge;

  constructor(private readonly jobs: JobQueue) {}

  onModuleInit(): void {
    register.removeSingleMetric(FAN_OUT_LAG_METRIC);
    const jobs = this.jobs;
    this.gauge = new Gauge({
      name: FAN_OUT_LAG_METRIC,
      help: 'Seconds the oldest post not yet fanned out to its author\'s followers has waited',
      async collect() {
        // A scrape during a database outage keeps the last value rather than failing the whole /metrics page.
        const age = await jobs.oldestPendingAgeSeconds([FAN_OUT_JOB, FAN_OUT_LARGE_JOB]).catch(() => undefined);
        if (age !== undefined) this.set(age);
      },
    });
  }

  onModuleDestroy(): void {
    if (this.gauge && register.getSingleMetric(FAN_OUT_LAG_METRIC) === this.gauge) register.removeSingleMetric(FAN_OUT_LAG_METRIC);
  }
}
