import { MemoryThrottlerStorage } from './memory-throttler.storage';

// The rate-limit window rules: a window of `ttl` ms counts `limit` hits, the next one
// is refused until the block ends (the window's end, or `blockDuration` when set), and
// Retry-After is the remaining time in whole seconds, never 0.
describe('rate-limit windows', () => {
  let storage: MemoryThrottlerStorage;
  beforeEach(() => {
    jest.useFakeTimers({ now: 1_000_000 });
    storage = new MemoryThrottlerStorage();
  });
  afterEach(() => {
    storage.onModuleDestroy();
    jest.useRealTimers();
  });

  it('reports the time left in the window, in whole seconds rounded up', () => {
    expect(storage.hit('k', 60_000, 5, 0, 0)).toEqual({ totalHits: 1, timeToExpire: 60, isBlocked: false, timeToBlockExpire: 0 });
    expect(storage.hit('k', 60_000, 5, 0, 20_500)).toEqual({ totalHits: 2, timeToExpire: 40, isBlocked: false, timeToBlockExpire: 0 });
  });

  it('blocks until the window ends, and keeps saying so while blocked', () => {
    storage.hit('k', 60_000, 1, 0, 0);
    expect(storage.hit('k', 60_000, 1, 0, 10_000)).toEqual({ totalHits: 2, timeToExpire: 50, isBlocked: true, timeToBlockExpire: 50 });
    expect(storage.hit('k', 60_000, 1, 0, 30_000)).toEqual({ totalHits: 2, timeToExpire: 30, isBlocked: true, timeToBlockExpire: 30 });
  });

  it('opens a fresh window at the very millisecond the last one ends', () => {
    storage.hit('k', 60_000, 1, 0, 0);
    storage.hit('k', 60_000, 1, 0, 1);
    expect(storage.hit('k', 60_000, 1, 0, 60_000)).toEqual({ totalHits: 1, timeToExpire: 60, isBlocked: false, timeToBlockExpire: 0 });
  });

  it('holds a block of blockDuration past the window, and lifts it at the very millisecond it ends', () => {
    storage.hit('k', 10_000, 1, 0, 0);
    expect(storage.hit('k', 10_000, 1, 120_000, 5_000)).toEqual(expect.objectContaining({ isBlocked: true, timeToBlockExpire: 120 }));
    expect(storage.hit('k', 10_000, 1, 120_000, 60_000)).toEqual(expect.objectContaining({ isBlocked: true, timeToBlockExpire: 65 }));
    expect(storage.hit('k', 10_000, 1, 120_000, 125_000)).toEqual({ totalHits: 1, timeToExpire: 10, isBlocked: false, timeToBlockExpire: 0 });
  });

  it('counts each throttler apart for the same client', async () => {
    for (let i = 0; i < 2; i += 1) await storage.increment('ip:1', 60_000, 2, 0, 'default');
    expect((await storage.increment('ip:1', 60_000, 2, 0, 'comments')).totalHits).toBe(1);
    expect((await storage.increment('ip:1', 60_000, 2, 0, 'default')).isBlocked).toBe(true);
  });

  it('uses the clock for increments', async () => {
    await storage.increment('ip:1', 60_000, 5, 0, 'default');
    jest.setSystemTime(1_000_000 + 60_000);
    expect((await storage.increment('ip:1', 60_000, 5, 0, 'default')).totalHits).toBe(1);
  });

  it('forgets only windows that have ended and are not blocking', () => {
    storage.hit('ended', 1_000, 5, 0, 0);
    storage.hit('open', 10_000, 5, 0, 0);
    storage.hit('blocked', 1_000, 1, 0, 0);
    storage.hit('blocked', 1_000, 1, 50_000, 500);
    storage.hit('edge', 2_000, 5, 0, 0);
    storage.sweep(2_000);
    expect(storage.size).toBe(2);
    expect(storage.hit('open', 10_000, 5, 0, 2_000).totalHits).toBe(2);
    expect(storage.hit('blocked', 1_000, 1, 50_000, 2_000).isBlocked).toBe(true);
  });

  it('forgets a block at the very millisecond it ends', () => {
    storage.hit('blocked', 1_000, 1, 0, 0);
    storage.hit('blocked', 1_000, 1, 5_000, 0);
    storage.sweep(4_999);
    expect(storage.size).toBe(1);
    storage.sweep(5_000);
    expect(storage.size).toBe(0);
  });

  it('sweeps on its own every 30 seconds, and stops when the module is destroyed', () => {
    storage.hit('k', 1_000, 5, 0, Date.now());
    jest.advanceTimersByTime(30_000);
    expect(storage.size).toBe(0);
    storage.hit('k', 1_000, 5, 0, Date.now());
    storage.onModuleDestroy();
    jest.advanceTimersByTime(60_000);
    expect(storage.size).toBe(1);
  });
});
