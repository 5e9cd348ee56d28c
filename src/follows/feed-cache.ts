import { Injectable } from '@nestjs/common';
import { DomainEvents } from '../common/events/domain-events';
import { SerializedPage } from '../common/cache/serialized-page';
import { InjectRedis, OptionalRedis } from '../common/redis/redis.module';

/** A backstop for what no event here covers (an author's display name, a supporter badge), as for thread pages. */
export const FEED_FRESH_MS = 10_000;
/** Readers whose first feed page is kept, and how many (reader, dependency) pairs all of them may hold. */
const MAX_ENTRIES = 2_000;
const MAX_BYTES = 8 * 1024 * 1024;
const MAX_DEPENDENCIES = 200_000;
/** A build that took longer than this is not kept (the record of recent changes it is checked against is this long). */
const MAX_BUILD_MS = 30_000;

interface Entry {
  page: SerializedPage;
  dependencies: string[];
  freshUntil: number;
}

interface Flight {
  sequence: number;
  promise: Promise<SerializedPage>;
}

/** What a page was built from, named for the changes that must drop it. */
export interface FeedDependencies {
  viewerId: string;
  /** Everyone the reader followed when it was built: a comment of theirs that appears or goes changes the page. */
  followeeIds: string[];
  /** The articles of the comments it shows: any change to them (replies, reactions, moderation, edits) changes the page. */
  articleIds: string[];
}

/**
 * First feed pages, per reader and page size, in process. A page is dropped as soon as anything it was built from
 * changes, once that change has committed (so the writer's own next read, like everyone's, sees it):
 * - the reader's follows and ignores (FollowsService, IgnoresService);
 * - a comment created, or whose status changed, by anyone the reader follows (`comment.created`,
 *   `comment.statusChanged`: a comment entering or leaving the feed);
 * - any write to the article of a comment shown (`thread.changed`: replies and reply counts, recommendations, the
 *   reader's own included, edits, moderation, erasure).
 * A build that was running when one of its dependencies changed is answered but not kept. Concurrent misses of one
 * page share one build unless anything changed since it started. With Redis (several instances, whose writes this
 * one does not hear of) nothing is cached.
 */
@Injectable()
export class FeedCache {
  private readonly enabled: boolean;
  private readonly entries = new Map<string, Entry>();
  private readonly flights = new Map<string, Flight>();
  /** Dependency → the keys of the entries that hold it. */
  private readonly holders = new Map<string, Set<string>>();
  /** Dependency → the sequence number and time of its last change, kept MAX_BUILD_MS. */
  private readonly changed = new Map<string, { sequence: number; at: number }>();
  private sequence = 0;
  private bytes = 0;
  private dependencyCount = 0;

  constructor(@InjectRedis() redis: OptionalRedis, events: DomainEvents) {
    this.enabled = redis === null;
    events.onAfterCommit('thread.changed', async ({ articleId }) => this.touch(articleDependency(articleId)));
    events.onAfterCommit('comment.created', async ({ authorId }) => this.touch(authorDependency(authorId)));
    events.onAfterCommit('comment.statusChanged', async ({ authorId }) => {
      if (authorId) this.touch(authorDependency(authorId));
    });
  }

  /** The reader's follows or ignores changed (call once the change has committed). */
  viewerChanged(viewerId: string): void {
    this.touch(viewerDependency(viewerId));
  }

  /**
   * The reader's first page of `limit`: kept, or built by `build` (once for concurrent readers of it), which also
   * says what the page depends on.
   */
  async page(viewerId: string, limit: number, build: () => Promise<{ page: unknown; dependencies: FeedDependencies }>, now = Date.now()): Promise<SerializedPage> {
    if (!this.enabled) return SerializedPage.of((await build()).page);
    const key = `${viewerId}\u0000${limit}`;
    const entry = this.entries.get(key);
    if (entry && now < entry.freshUntil) {
      // Most recently used last.
      this.entries.delete(key);
      this.entries.set(key, entry);
      return entry.page;
    }
    const running = this.flights.get(key);
    if (running && running.sequence === this.sequence) return running.promise;
    const sequence = this.sequence;
    const promise = build().then(({ page, dependencies }) => {
      const serialized = SerializedPage.of(page);
      this.store(key, serialized, dependencies, sequence, now);
      return serialized;
    });
    this.flights.set(key, { sequence, promise });
    const land = () => {
      if (this.flights.get(key)?.promise === promise) this.flights.delete(key);
    };
    promise.then(land, land);
    return promise;
  }

  get size(): number {
    return this.entries.size;
  }

  private store(key: string, page: SerializedPage, built: FeedDependencies, sequence: number, startedAt: number): void {
    const now = Date.now();
    if (now - startedAt > MAX_BUILD_MS) return;
    const dependencies = [
      viewerDependency(built.viewerId),
      ...new Set(built.followeeIds.map(authorDependency)),
      ...new Set(built.articleIds.map(articleDependency)),
    ];
    // Something it was built from changed while it was being built: this page may predate that change.
    if (dependencies.some((dependency) => (this.changed.get(dependency)?.sequence ?? -1) > sequence)) return;
    if (page.bytes > MAX_BYTES || dependencies.length > MAX_DEPENDENCIES) return;
    this.remove(key);
    this.entries.set(key, { page, dependencies, freshUntil: startedAt + FEED_FRESH_MS });
    this.bytes += page.bytes;
    this.dependencyCount += dependencies.length;
    for (const dependency of dependencies) {
      let holders = this.holders.get(dependency);
      if (!holders) this.holders.set(dependency, (holders = new Set()));
      holders.add(key);
    }
    for (const [oldest] of this.entries) {
      if (this.entries.size <= MAX_ENTRIES && this.bytes <= MAX_BYTES && this.dependencyCount <= MAX_DEPENDENCIES) break;
      this.remove(oldest);
    }
  }

  private touch(dependency: string): void {
    if (!this.enabled) return;
    this.sequence += 1;
    const now = Date.now();
    this.changed.set(dependency, { sequence: this.sequence, at: now });
    if (this.changed.size > 10_000) {
      for (const [name, change] of this.changed) if (now - change.at > MAX_BUILD_MS) this.changed.delete(name);
    }
    const holders = this.holders.get(dependency);
    if (!holders) return;
    for (const key of [...holders]) this.remove(key);
  }

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.bytes -= entry.page.bytes;
    this.dependencyCount -= entry.dependencies.length;
    for (const dependency of entry.dependencies) {
      const holders = this.holders.get(dependency);
      holders?.delete(key);
      if (holders?.size === 0) this.holders.delete(dependency);
    }
  }
}

const viewerDependency = (id: string) => `v:${id}`;
const authorDependency = (id: string) => `u:${id}`;
const articleDependency = (id: string) => `a:${id}`;
