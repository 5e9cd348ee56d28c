import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { InjectRedis, OptionalRedis } from '../redis/redis.module';
import { ArticleVersion, ArticleVersions } from './article-versions';
import { ByteBoundedLru } from './byte-bounded-lru';
import { threadCacheMetrics as metrics } from './cache.metrics';
import { SerializedPage } from './serialized-page';
import { onPrimary } from '../../database/replica-scope';

interface Entry {
  version: ArticleVersion;
  page: SerializedPage;
  freshUntil: number;
  staleUntil: number;
}

interface Flight {
  version: ArticleVersion;
  promise: Promise<SerializedPage>;
}

// A backstop for changes that are not scoped to one article (a display name, a supporter badge).
export const FRESH_MS = 10_000;
// Past FRESH_MS, an unchanged page is still served while one rebuild runs, for this long.
export const STALE_MS = 20_000;
// What a page costs beyond its body: its key, entry, entity tag.
const ENTRY_OVERHEAD_BYTES = 256;
// A parsed page (kept for signed-in readers) takes about twice its JSON text in heap.
const PARSED_WEIGHT = 2;

/**
 * Serialized hot pages (first pages of a thread), kept in process within a
 * byte budget. Every write to an article moves its version (ArticleVersions),
 * and a page is served only under the version it was built from, so a write
 * is seen by the next read, its writer's included. Expiry by time is different:
 * nothing the page shows changed in the article, so a page past FRESH_MS is
 * still served (for STALE_MS) while a single rebuild runs in the background.
 * Concurrent misses of one page under one version share one rebuild.
 */
@Injectable()
export class ThreadCache implements OnModuleDestroy {
  private readonly logger = new Logger('ThreadCache');
  private readonly versions: ArticleVersions;
  private readonly pages: ByteBoundedLru<Entry>;
  private readonly flights = new Map<string, Flight>();

  constructor(@InjectRedis() redis: OptionalRedis, config: AppConfig) {
    this.versions = new ArticleVersions(redis);
    this.pages = new ByteBoundedLru<Entry>(config.threadCacheMaxBytes, ({ bytes, entries, evicted }) => {
      metrics.bytes.inc(bytes);
      metrics.entries.inc(entries);
      if (evicted > 0) metrics.evictions.inc(evicted);
    });
  }

  /**
   * The page under `key` of the article as it is now: cached, or built once by
   * `build` for every reader asking at the same time. `build` must not depend
   * on who asks.
   */
  async page(articleId: string, key: string, build: () => Promise<unknown>, now = Date.now()): Promise<SerializedPage> {
    const version = await this.versions.current(articleId, now);
    if (version === null) {
      metrics.bypasses.inc();
      return SerializedPage.of(await build());
    }
    const entryKey = entryKeyOf(articleId, key);
    const entry = this.pages.get(entryKey);
    if (entry?.version === version) {
      if (now < entry.freshUntil) {
        metrics.hits.inc();
        return entry.page;
      }
      if (now < entry.staleUntil) {
        metrics.staleServes.inc();
        this.rebuild(articleId, key, version, build, false).catch((error: unknown) => {
          metrics.rebuildFailures.inc();
          this.logger.warn(`Background rebuild of a thread page failed: ${error instanceof Error ? error.message : String(error)}`);
        });
        return entry.page;
      }
    }
    metrics.misses.inc();
    return this.rebuild(articleId, key, version, build, true);
  }

  /** Keeps `page` as the article's page under `key` for `version`, unless a newer version's page is there. */
  store(articleId: string, version: ArticleVersion, key: string, page: SerializedPage, now = Date.now()): void {
    const entryKey = entryKeyOf(articleId, key);
    const existing = this.pages.peek(entryKey);
    if (existing && now < existing.staleUntil && ArticleVersions.isOlder(version, existing.version)) return;
    const stored = this.pages.set(entryKey, { version, page, freshUntil: now + FRESH_MS, staleUntil: now + FRESH_MS + STALE_MS }, page.bytes + ENTRY_OVERHEAD_BYTES);
    if (!stored) return;
    page.onParsed = (parsed) => {
      if (this.pages.peek(entryKey)?.page === parsed) this.pages.grow(entryKey, parsed.bytes * PARSED_WEIGHT);
    };
  }

  get size(): number {
    return this.pages.size;
  }

  get bytes(): number {
    return this.pages.bytes;
  }

  get maxBytes(): number {
    return this.pages.maxBytes;
  }

  /** Moves the article's version: pages built before are never served again. */
  invalidate(articleId: string): Promise<void> {
    return this.versions.bump(articleId);
  }

  onModuleDestroy(): void {
    this.pages.clear();
  }

  private rebuild(articleId: string, key: string, version: ArticleVersion, build: () => Promise<unknown>, countWait: boolean): Promise<SerializedPage> {
    const entryKey = entryKeyOf(articleId, key);
    const running = this.flights.get(entryKey);
    if (running?.version === version) {
      if (countWait) metrics.coalescedWaits.inc();
      return running.promise;
    }
    metrics.rebuilds.inc();
    // Built from the primary even for a lag-tolerant route: a page from a replica that has not yet
    // replayed the write behind `version` would be kept, and served, under it.
    const promise = onPrimary(build).then((value) => {
      const page = SerializedPage.of(value);
      this.store(articleId, version, key, page);
      return page;
    });
    this.flights.set(entryKey, { version, promise });
    const land = () => {
      if (this.flights.get(entryKey)?.promise === promise) this.flights.delete(entryKey);
    };
    promise.then(land, land);
    return promise;
  }
}

function entryKeyOf(articleId: string, key: string): string {
  return `${articleId}\u0000${key}`;
}
