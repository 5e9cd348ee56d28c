/** How an endpoint's failed attempts are spaced: exponential from a base, capped, with jitter, for a window. */
export interface RetryPolicy {
  baseMs: number;
  /** The longest wait between two attempts. */
  maxDelayMs: number;
  /** How long after the event was recorded attempts go on; the last one is at the window's end. */
  windowMs: number;
}

export const MAX_RETRY_DELAY_MS = 60 * 60 * 1000;

export type AfterFailure = { give: 'up' } | { give: 'retry'; at: Date };

/**
 * What follows a failed attempt number `attempts` (1 for the first) of a delivery created at `createdAt`: the next
 * attempt after base·2^(attempts−1), capped at `maxDelayMs`, of which the second half is random ("equal jitter": a
 * receiver that comes back is not hit by every endpoint's retries at once, and the wait still grows); never later
 * than the window's end, which gets one last attempt. Once the window is over, the delivery has failed.
 */
export function afterFailedAttempt(policy: RetryPolicy, createdAt: Date, attempts: number, now: Date, random: () => number = Math.random): AfterFailure {
  const deadline = createdAt.getTime() + policy.windowMs;
  if (now.getTime() >= deadline) return { give: 'up' };
  const exponent = Math.min(Math.max(attempts - 1, 0), 30);
  const delay = Math.min(policy.baseMs * 2 ** exponent, policy.maxDelayMs);
  const jittered = delay / 2 + (delay / 2) * random();
  return { give: 'retry', at: new Date(Math.min(now.getTime() + Math.max(1, Math.round(jittered)), deadline)) };
}
