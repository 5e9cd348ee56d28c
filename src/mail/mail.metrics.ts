import { Counter, Gauge, register } from 'prom-client';

function counter(name: string, help: string): Counter<'kind'> {
  return (register.getSingleMetric(name) as Counter<'kind'> | undefined) ?? new Counter({ name, help, labelNames: ['kind'] });
}

/** E-mails handed to SMTP (or written to a file), by kind. */
export const mailSent = counter('margin_mail_sent_total', 'E-mails delivered to the SMTP server (or written to DATA_DIR/mail), by kind');
/** E-mails given up on: a permanent SMTP refusal, or every attempt failed. */
export const mailFailed = counter('margin_mail_failed_total', 'E-mails given up on after a permanent refusal or the last attempt, by kind');
/** Send attempts that failed and will be retried. */
export const mailRetried = counter('margin_mail_retries_total', 'E-mail send attempts that failed and were queued again, by kind');

export const OUTBOX_DEPTH_METRIC = 'margin_mail_outbox_depth';
export const OUTBOX_AGE_METRIC = 'margin_mail_outbox_oldest_age_seconds';

/** Gauges read from the outbox at scrape time; re-registered per app (several run in one test process). */
export function registerOutboxGauges(read: () => Promise<{ depth: number; oldestAgeSeconds: number }>): Gauge[] {
  register.removeSingleMetric(OUTBOX_DEPTH_METRIC);
  register.removeSingleMetric(OUTBOX_AGE_METRIC);
  let last: Promise<{ depth: number; oldestAgeSeconds: number } | undefined> | undefined;
  // One read serves both gauges of a scrape.
  const shared = () => {
    last ??= read().catch(() => undefined).finally(() => setTimeout(() => (last = undefined), 100));
    return last;
  };
  return [
    new Gauge({
      name: OUTBOX_DEPTH_METRIC,
      help: 'E-mails queued and not yet sent',
      async collect() {
        const backlog = await shared();
        if (backlog) this.set(backlog.depth);
      },
    }),
    new Gauge({
      name: OUTBOX_AGE_METRIC,
      help: 'Seconds the oldest e-mail not yet sent has waited (retries included)',
      async collect() {
        const backlog = await shared();
        if (backlog) this.set(backlog.oldestAgeSeconds);
      },
    }),
  ];
}
