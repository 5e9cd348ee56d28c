import { createServer, Server, Socket } from 'node:net';
import Redis from 'ioredis';
import { register } from 'prom-client';
import { loadConfig } from '../../config/app-config';
import { SerializedPage } from './serialized-page';
import { FRESH_MS, STALE_MS, ThreadCache } from './thread-cache';

const configWith = (maxBytes = 32 * 1024 * 1024) =>
  loadConfig({ JWT_SECRET: 'unit-test-secret-0123456789abcdef0123', THREAD_CACHE_MAX_BYTES: String(maxBytes) });

/** A build that counts its calls and answers what `next` says. */
function counted(next: () => unknown = () => ({ items: [] })) {
  const build = jest.fn(async () => next());
  return build;
}

/** A build that waits until released, to hold a rebuild in flight. */
function held() {
  let release!: (value: unknown) => void;
  const build = jest.fn(() => new Promise<unknown>((resolve) => (release = resolve)));
  return { build, release: (value: unknown) => release(value) };
}

describe('ThreadCache (in process)', () => {
  it('builds once, then serves the same serialized page', async () => {
    const cache = new ThreadCache(null, configWith());
    const build = counted(() => ({ items: [1] }));
    const first = await cache.page('a1', 'newest:20', build);
    const second = await cache.page('a1', 'newest:20', build);
    expect(build).toHaveBeenCalledTimes(1);
    expect(second).toBe(first);
    expect(second.body).toBe('{"items":[1]}');
  });

  it('rebuilds at once after the article is invalidated', async () => {
    const cache = new ThreadCache(null, configWith());
    let text = 'old';
    const build = counted(() => ({ text }));
    await cache.page('a1', 'newest:20', build);
    text = 'new';
    await cache.invalidate('a1');
    expect((await cache.page('a1', 'newest:20', build)).body).toBe('{"text":"new"}');
  });

  it('does not serve a page built from before an invalidation', async () => {
    const cache = new ThreadCache(null, configWith());
    const slow = held();
    const before = cache.page('a1', 'newest:20', slow.build);
    await cache.invalidate('a1');
    slow.release({ text: 'read before the write' });
    await before;
    const after = await cache.page('a1', 'newest:20', counted(() => ({ text: 'after' })));
    expect(after.body).toBe('{"text":"after"}');
  });

  it('keeps articles and keys apart', async () => {
    const cache = new ThreadCache(null, configWith());
    await cache.page('a1', 'newest:20', counted(() => 'a1'));
    expect((await cache.page('a2', 'newest:20', counted(() => 'a2'))).body).toBe('"a2"');
    expect((await cache.page('a1', 'oldest:20', counted(() => 'oldest'))).body).toBe('"oldest"');
  });

  it('does not let a page from an older version replace a newer one', async () => {
    const cache = new ThreadCache(null, configWith());
    const slow = held();
    const old = cache.page('a1', 'newest:20', slow.build);
    await cache.invalidate('a1');
    await cache.page('a1', 'newest:20', counted(() => 'fresh'));
    slow.release('stale');
    await old;
    const build = counted(() => 'rebuilt');
    expect((await cache.page('a1', 'newest:20', build)).body).toBe('"fresh"');
    expect(build).not.toHaveBeenCalled();
  });
});

describe('ThreadCache single flight and stale-while-revalidate', () => {
  it('runs one build for many concurrent misses of the same page', async () => {
    const cache = new ThreadCache(null, configWith());
    const slow = held();
    const readers = Array.from({ length: 50 }, () => cache.page('a1', 'newest:20', slow.build));
    await Promise.resolve();
    slow.release({ items: ['shared'] });
    const pages = await Promise.all(readers);
    expect(slow.build).toHaveBeenCalledTimes(1);
    expect(new Set(pages).size).toBe(1);
  });

  it('does not join a rebuild that started before a write', async () => {
    const cache = new ThreadCache(null, configWith());
    const slow = held();
    const before = cache.page('a1', 'newest:20', slow.build);
    await cache.invalidate('a1');
    const afterWrite = await cache.page('a1', 'newest:20', counted(() => 'after the write'));
    slow.release('before the write');
    await before;
    expect(afterWrite.body).toBe('"after the write"');
  });

  it('serves an expired but unchanged page while one rebuild runs, then the rebuilt one', async () => {
    const cache = new ThreadCache(null, configWith());
    await cache.page('a1', 'newest:20', counted(() => 'v1'));
    // Times below count from after the page was stored: freshness starts when a build lands.
    const start = Date.now();
    const slow = held();
    const later = start + FRESH_MS + 1;
    const stale = await Promise.all([cache.page('a1', 'newest:20', slow.build, later), cache.page('a1', 'newest:20', slow.build, later)]);
    expect(stale.map((page) => page.body)).toEqual(['"v1"', '"v1"']);
    expect(slow.build).toHaveBeenCalledTimes(1);
    slow.release('v2');
    await new Promise((resolve) => setImmediate(resolve));
    expect((await cache.page('a1', 'newest:20', counted(() => 'v3'))).body).toBe('"v2"');
  });

  it('never serves a stale page once the article has changed', async () => {
    const cache = new ThreadCache(null, configWith());
    await cache.page('a1', 'newest:20', counted(() => 'before'));
    // Times below count from after the page was stored: freshness starts when a build lands.
    const start = Date.now();
    await cache.invalidate('a1');
    const page = await cache.page('a1', 'newest:20', counted(() => 'after'), start + FRESH_MS + 1);
    expect(page.body).toBe('"after"');
  });

  it('rebuilds in the foreground once the stale window is over', async () => {
    const cache = new ThreadCache(null, configWith());
    await cache.page('a1', 'newest:20', counted(() => 'old'));
    // Times below count from after the page was stored: freshness starts when a build lands.
    const start = Date.now();
    const page = await cache.page('a1', 'newest:20', counted(() => 'new'), start + FRESH_MS + STALE_MS + 1);
    expect(page.body).toBe('"new"');
  });

  it('keeps the stale page when a background rebuild fails', async () => {
    const cache = new ThreadCache(null, configWith());
    await cache.page('a1', 'newest:20', counted(() => 'kept'));
    // Times below count from after the page was stored: freshness starts when a build lands.
    const start = Date.now();
    const failing = jest.fn(async () => Promise.reject(new Error('database away')));
    expect((await cache.page('a1', 'newest:20', failing, start + FRESH_MS + 1)).body).toBe('"kept"');
    await new Promise((resolve) => setImmediate(resolve));
    expect((await cache.page('a1', 'newest:20', failing, start + FRESH_MS + 2)).body).toBe('"kept"');
  });
});

describe('ThreadCache memory', () => {
  it('keeps one entry per article and key, whatever the number of invalidations', async () => {
    const cache = new ThreadCache(null, configWith());
    for (let write = 0; write < 50; write += 1) {
      await cache.page('a1', 'newest:20', counted(() => `page ${write}`));
      await cache.invalidate('a1');
    }
    expect(cache.size).toBe(1);
  });

  it('stays within its byte budget, the least recently used pages out first', async () => {
    const budget = 64 * 1024;
    const cache = new ThreadCache(null, configWith(budget));
    const body = 'x'.repeat(10 * 1024);
    await cache.page('kept', 'newest:20', counted(() => body));
    for (let article = 0; article < 100; article += 1) {
      await cache.page(`a${article}`, 'newest:20', counted(() => body));
      await cache.page('kept', 'newest:20', counted(() => 'rebuilt'));
      expect(cache.bytes).toBeLessThanOrEqual(budget);
    }
    expect(cache.size).toBeLessThan(10);
    const build = counted(() => 'rebuilt');
    await cache.page('kept', 'newest:20', build);
    expect(build).not.toHaveBeenCalled();
  });

  it('counts a page parsed for signed-in readers against the budget', async () => {
    const cache = new ThreadCache(null, configWith());
    const page = await cache.page('a1', 'newest:20', counted(() => ({ items: ['x'.repeat(1000)] })));
    const before = cache.bytes;
    page.parsed();
    expect(cache.bytes).toBeGreaterThan(before + page.bytes);
  });

  it('stores nothing with a budget of 0, and still answers', async () => {
    const cache = new ThreadCache(null, configWith(0));
    const build = counted(() => 'uncached');
    expect((await cache.page('a1', 'newest:20', build)).body).toBe('"uncached"');
    await cache.page('a1', 'newest:20', build);
    expect(build).toHaveBeenCalledTimes(2);
    expect(cache.bytes).toBe(0);
  });
});

describe('ThreadCache with Redis that does not answer', () => {
  let deadPort: number;
  let redis: Redis;
  let silent: Server;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    deadPort = (probe.address() as { port: number }).port;
    await new Promise((resolve) => probe.close(resolve));
    // A server that accepts connections and never answers: Redis hung rather than gone.
    silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  });

  afterEach(() => redis.disconnect());
  afterAll(async () => {
    sockets.forEach((socket) => socket.destroy());
    await new Promise((resolve) => silent.close(resolve));
  });

  it.each([
    ['refused', () => deadPort],
    ['hung', () => (silent.address() as { port: number }).port],
  ])('serves every read uncached when Redis is %s, and a write does not fail', async (_, port) => {
    redis = new Redis({ host: '127.0.0.1', port: port(), maxRetriesPerRequest: 1, lazyConnect: false, retryStrategy: () => 50, disconnectTimeout: 10 });
    redis.on('error', () => undefined);
    const cache = new ThreadCache(redis, configWith());
    const build = counted(() => 'from the database');
    expect((await cache.page('a1', 'newest:20', build)).body).toBe('"from the database"');
    expect((await cache.page('a1', 'newest:20', build)).body).toBe('"from the database"');
    await expect(cache.invalidate('a1')).resolves.toBeUndefined();
    expect(build).toHaveBeenCalledTimes(2);
    expect(cache.size).toBe(0);
  });
});

describe('SerializedPage', () => {
  it('has one entity tag per body', () => {
    expect(new SerializedPage('{"a":1}').etag).toBe(SerializedPage.of({ a: 1 }).etag);
    expect(new SerializedPage('{"a":1}').etag).not.toBe(new SerializedPage('{"a":2}').etag);
    expect(new SerializedPage('{"a":1}').etag).toMatch(/^W\/"[A-Za-z0-9_-]+"$/);
  });
});

describe('thread cache metrics', () => {
  const value = async (name: string) => (await register.getSingleMetric(name)!.get()).values.reduce((sum, sample) => sum + sample.value, 0);

  it('counts hits, misses, single-flight waits and the bytes and entries held, on the default registry', async () => {
    const cache = new ThreadCache(null, configWith());
    const before = { hits: await value('margin_thread_cache_hits_total'), misses: await value('margin_thread_cache_misses_total'), waits: await value('margin_thread_cache_single_flight_waits_total'), entries: await value('margin_thread_cache_entries') };
    const slow = held();
    const readers = [cache.page('m1', 'newest:20', slow.build), cache.page('m1', 'newest:20', slow.build)];
    await Promise.resolve();
    slow.release('page');
    await Promise.all(readers);
    await cache.page('m1', 'newest:20', counted());
    expect(await value('margin_thread_cache_misses_total')).toBe(before.misses + 2);
    expect(await value('margin_thread_cache_single_flight_waits_total')).toBe(before.waits + 1);
    expect(await value('margin_thread_cache_hits_total')).toBe(before.hits + 1);
    expect(await value('margin_thread_cache_entries')).toBe(before.entries + 1);
    expect(await value('margin_thread_cache_bytes')).toBeGreaterThanOrEqual(cache.bytes);
    cache.onModuleDestroy();
    expect(await value('margin_thread_cache_entries')).toBe(before.entries);
  });
});
