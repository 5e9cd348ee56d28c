import { MemoryThrottlerStorage } from './memory-throttler.storage';

describe('MemoryThrottlerStorage', () => {
  let storage: MemoryThrottlerStorage;
  beforeEach(() => {
    storage = new MemoryThrottlerStorage();
  });
  afterEach(() => storage.onModuleDestroy());

  it('counts hits in a window and blocks past the limit', () => {
    const results = [1, 2, 3, 4].map(() => storage.hit('ip:1', 60_000, 3, 0, 1_000));
    expect(results.map((result) => result.isBlocked)).toEqual([false, false, false, true]);
    expect(results[3].timeToBlockExpire).toBe(60);
  });

  it('starts a new window once the last one ends', () => {
    for (let i = 0; i < 4; i += 1) storage.hit('ip:1', 60_000, 3, 0, 1_000);
    expect(storage.hit('ip:1', 60_000, 3, 0, 61_001).isBlocked).toBe(false);
  });

  it('keeps a block for its own duration, even past the window', () => {
    for (let i = 0; i < 3; i += 1) storage.hit('k', 1_000, 2, 10_000, 0);
    expect(storage.hit('k', 1_000, 2, 10_000, 5_000).isBlocked).toBe(true);
    expect(storage.hit('k', 1_000, 2, 10_000, 10_001).isBlocked).toBe(false);
  });

  it('keeps keys apart and sweeps ended windows', () => {
    storage.hit('a', 1_000, 1, 0, 0);
    expect(storage.hit('b', 1_000, 1, 0, 0).isBlocked).toBe(false);
    storage.sweep(2_000);
    expect(storage.size).toBe(0);
  });
});
