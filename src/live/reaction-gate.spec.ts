import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { ReactionChange, ReactionGate, REACTIONS_INTERVAL_MS } from './reaction-gate';

const waitOf = (answer: Awaited<ReturnType<ReactionGate['attempt']>>): { waitMs: number; change: ReactionChange } => {
  if (answer.verdict !== 'wait') throw new Error(`expected to wait, got ${answer.verdict}`);
  return answer;
};

describe('ReactionGate in this process (no Redis)', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  it('publishes the first change at once and makes the next wait out the second', async () => {
    const gate = new ReactionGate(null);
    expect(await gate.attempt('c', null)).toEqual({ verdict: 'publish' });
    jest.advanceTimersByTime(300);
    const waiting = waitOf(await gate.attempt('c', null));
    expect(waiting.waitMs).toBe(REACTIONS_INTERVAL_MS - 300);
    jest.advanceTimersByTime(waiting.waitMs);
    expect(await gate.attempt('c', waiting.change)).toEqual({ verdict: 'publish' });
  });

  it('never drops a retry that wakes while the publish before its change still holds the gate', async () => {
    const gate = new ReactionGate(null);
    await gate.attempt('c', null);
    const waiting = waitOf(await gate.attempt('c', null));
    jest.advanceTimersByTime(waiting.waitMs - 5);
    const again = waitOf(await gate.attempt('c', waiting.change));
    expect(again.waitMs).toBe(5);
  });

  it('drops a retry once a publish that took the gate after its change holds it', async () => {
    const gate = new ReactionGate(null);
    await gate.attempt('c', null);
    const first = waitOf(await gate.attempt('c', null));
    jest.advanceTimersByTime(first.waitMs);
    // A newer change takes the freed gate before the retry wakes: its count includes the retry's change.
    expect(await gate.attempt('c', null)).toEqual({ verdict: 'publish' });
    expect(await gate.attempt('c', first.change)).toEqual({ verdict: 'covered' });
  });

  it('keeps one entry per comment only while its gate is held', async () => {
    const gate = new ReactionGate(null);
    await gate.attempt('c', null);
    const local = (gate as unknown as { local: Map<string, unknown> }).local;
    expect(local.size).toBe(1);
    jest.advanceTimersByTime(REACTIONS_INTERVAL_MS + 1);
    expect(local.size).toBe(0);
  });
});

describe('ReactionGate through Redis', () => {
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis('redis://127.0.0.1:6379/0', { lazyConnect: true });
    return redis.connect();
  });
  afterAll(() => redis.quit());

  it('shares the gate between instances and covers only what a later publish read', async () => {
    const id = randomUUID();
    const a = new ReactionGate(redis);
    const b = new ReactionGate(redis);
    expect(await a.attempt(id, null)).toEqual({ verdict: 'publish' });
    const onB = waitOf(await b.attempt(id, null));
    const onA = waitOf(await a.attempt(id, null));
    expect(onB.change).toEqual({ source: 'redis', number: 2 });
    expect(onA.change).toEqual({ source: 'redis', number: 3 });
    // B wakes early: the gate is still the first publish's, which predates both changes.
    expect((await b.attempt(id, onB.change)).verdict).toBe('wait');
    await redis.del(`margin:live:reactions:${id}`);
    expect(await b.attempt(id, onB.change)).toEqual({ verdict: 'publish' });
    expect(await a.attempt(id, onA.change)).toEqual({ verdict: 'covered' });
    await redis.del(`margin:live:reactions:${id}`, `margin:live:reactions:${id}:changes`);
  });

  it('does not let a number from this process count as covered by Redis', async () => {
    const id = randomUUID();
    const gate = new ReactionGate(redis);
    await gate.attempt(id, null);
    await gate.attempt(id, null);
    const answer = await gate.attempt(id, { source: 'memory', number: 1 });
    expect(answer.verdict).toBe('publish');
    await redis.del(`margin:live:reactions:${id}`, `margin:live:reactions:${id}:changes`);
  });
});
