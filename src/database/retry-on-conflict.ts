import { Counter, register } from 'prom-client';
import { retryableConflict } from './postgres-errors';

/** Tries of one unit of work in all: the first, and two more after a deadlock or serialization failure. */
export const CONFLICT_ATTEMPTS = 3;
const BASE_BACKOFF_MS = 5;

const RETRIES_METRIC = 'margin_transaction_retries_total';

// Several apps share one test process; the counter lives once in the default registry.
function retries(): Counter<'reason'> {
  return (
    (register.getSingleMetric(RETRIES_METRIC) as Counter<'reason'> | undefined) ??
    new Counter({
      name: RETRIES_METRIC,
      help: 'Transactions run again after PostgreSQL aborted them, by reason (deadlock, serialization)',
      labelNames: ['reason'] as const,
    })
  );
}

/**
 * Runs a whole transaction again when PostgreSQL aborted it to break a deadlock
 * (40P01) or a serialization conflict (40001), a bounded number of times with a
 * small jittered backoff, so that the losing side of a rare lock cycle answers
 * like the winner instead of with a 500. The lock order (see UsersService.eraseAccount)
 * keeps such cycles rare; this is the safety net, not the plan. `work` must start
 * its own transaction and have no effect outside it until it commits.
 */
export async function retryOnConflict<T>(work: () => Promise<T>, attempts = CONFLICT_ATTEMPTS): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      const reason = retryableConflict(error);
      if (!reason || attempt >= attempts) throw error;
      retries().inc({ reason });
      const backoff = BASE_BACKOFF_MS * 2 ** (attempt - 1);
      await new Promise((resolve) => setTimeout(resolve, backoff / 2 + Math.random() * backoff));
    }
  }
}
