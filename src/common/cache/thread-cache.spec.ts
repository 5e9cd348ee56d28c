import { ThreadCache } from './thread-cache';

describe('ThreadCache (in process)', () => {
  it('misses, then hits what was stored under the current version', async () => {
    const cache = new ThreadCache(null);
    const first = await cache.lookup('a1', 'newest');
    expect(first.hit).toBeUndefined();
    cache.store('a1', first.version, 'newest', '{"items":[]}');
    expect((await cache.lookup('a1', 'newest')).hit).toBe('{"items":[]}');
  });

  it('misses at once after the article is invalidated', async () => {
    const cache = new ThreadCache(null);
    const { version } = await cache.lookup('a1', 'newest');
    cache.store('a1', version, 'newest', 'old page');
    await cache.invalidate('a1');
    expect((await cache.lookup('a1', 'newest')).hit).toBeUndefined();
  });

  it('ignores a page computed before an invalidation', async () => {
    const cache = new ThreadCache(null);
    const before = await cache.lookup('a1', 'newest');
    await cache.invalidate('a1');
    cache.store('a1', before.version, 'newest', 'stale page');
    expect((await cache.lookup('a1', 'newest')).hit).toBeUndefined();
  });

  it('keeps articles apart and expires entries', async () => {
    const cache = new ThreadCache(null);
    const { version } = await cache.lookup('a1', 'newest');
    cache.store('a1', version, 'newest', 'page', 1_000);
    expect((await cache.lookup('a2', 'newest', 1_000)).hit).toBeUndefined();
    expect((await cache.lookup('a1', 'newest', 1_000)).hit).toBe('page');
    expect((await cache.lookup('a1', 'newest', 1_000 + 60_000)).hit).toBeUndefined();
  });
});

describe('ThreadCache memory', () => {
  it('keeps one entry per article and key, whatever the number of invalidations', async () => {
    const cache = new ThreadCache(null);
    for (let write = 0; write < 50; write += 1) {
      const { version } = await cache.lookup('a1', 'newest');
      cache.store('a1', version, 'newest', `page ${write}`);
      await cache.invalidate('a1');
    }
    expect(cache.size).toBe(1);
  });

  it('does not let a page from an older version replace a newer one', async () => {
    const cache = new ThreadCache(null);
    const old = await cache.lookup('a1', 'newest');
    await cache.invalidate('a1');
    const fresh = await cache.lookup('a1', 'newest');
    cache.store('a1', fresh.version, 'newest', 'fresh page');
    cache.store('a1', old.version, 'newest', 'stale page');
    expect((await cache.lookup('a1', 'newest')).hit).toBe('fresh page');
  });
});
