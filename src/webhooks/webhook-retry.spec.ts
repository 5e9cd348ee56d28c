import { afterFailedAttempt, RetryPolicy } from './webhook-retry';

const policy: RetryPolicy = { baseMs: 30_000, maxDelayMs: 3_600_000, windowMs: 86_400_000 };
const created = new Date('2026-12-01T00:00:00Z');
const at = (ms: number) => new Date(created.getTime() + ms);
const delayAfter = (attempts: number, random: number, now = created) => {
  const next = afterFailedAttempt(policy, created, attempts, now, () => random);
  if (next.give !== 'retry') throw new Error('expected a retry');
  return next.at.getTime() - now.getTime();
};

describe('webhook retry schedule', () => {
  it('doubles the wait after each failed attempt, from the base', () => {
    expect([1, 2, 3, 4].map((attempts) => delayAfter(attempts, 1))).toEqual([30_000, 60_000, 120_000, 240_000]);
  });

  it('jitters the second half of each wait', () => {
    expect(delayAfter(1, 0)).toBe(15_000);
    expect(delayAfter(1, 0.5)).toBe(22_500);
    expect(delayAfter(3, 0)).toBe(60_000);
  });

  it('never waits longer than the cap', () => {
    expect(delayAfter(9, 1)).toBe(3_600_000);
    expect(delayAfter(400, 1)).toBe(3_600_000);
  });

  it('makes a last attempt at the end of the window, then gives up', () => {
    const nearEnd = at(86_400_000 - 1000);
    expect(afterFailedAttempt(policy, created, 20, nearEnd, () => 1)).toEqual({ give: 'retry', at: at(86_400_000) });
    expect(afterFailedAttempt(policy, created, 21, at(86_400_000), () => 1)).toEqual({ give: 'up' });
    expect(afterFailedAttempt(policy, created, 21, at(90_000_000), () => 1)).toEqual({ give: 'up' });
  });

  it('waits at least a millisecond', () => {
    const tiny: RetryPolicy = { baseMs: 1, maxDelayMs: 1, windowMs: 1000 };
    const next = afterFailedAttempt(tiny, created, 1, created, () => 0);
    expect(next).toEqual({ give: 'retry', at: at(1) });
  });
});
