import { Injectable } from '@nestjs/common';
import { EntityManager, QueryRunner } from 'typeorm';
import { InjectRedis, OptionalRedis } from '../redis/redis.module';

interface Entry {
  version: string;
  value: string;
  parsed?: unknown;
  expiresAt: number;
}

export interface CacheLookup {
  /** The article's version when the lookup was made; store what you compute under it. */
  version: string;
  hit?: string;
  /** The hit as an object, parsed once per entry. */
  parsed?: () => unknown;
}

const MAX_ENTRIES = 2_000;
// A backstop for changes that are not scoped to one article (a display name, a supporter badge).
const TTL_MS = 10_000;

/**
 * Serialized hot pages (anonymous first pages of a thread), kept in process.
 * Every write to an article bumps its version, so the next read misses at once;
 * with REDIS_URL the version lives in Redis and all instances see the bump
 * before the writer's response leaves. A page computed from an older version is
 * stored under that version, which no later lookup matches.
 */
@Injectable()
export class ThreadCache {
  private readonly entries = new Map<string, Entry>();
  private readonly localVersions = new Map<string, number>();

  constructor(@InjectRedis() private readonly redis: OptionalRedis) {}

  async lookup(articleId: string, key: string, now = Date.now()): Promise<CacheLookup> {
    const version = await this.version(articleId);
    const entry = this.entries.get(`${articleId}\u0000${key}`);
    if (!entry || entry.version !== version || entry.expiresAt <= now) return { version };
    return { version, hit: entry.value, parsed: () => (entry.parsed ??= JSON.parse(entry.value)) };
  }

  /** One entry per article and key: a newer version replaces the older page, which nobody would read again. */
  store(articleId: string, version: string, key: string, value: string, now = Date.now()): void {
    const entryKey = `${articleId}\u0000${key}`;
    const existing = this.entries.get(entryKey);
    if (existing && Number(existing.version) > Number(version)) return;
    this.entries.delete(entryKey);
    this.entries.set(entryKey, { version, value, expiresAt: now + TTL_MS });
    while (this.entries.size > MAX_ENTRIES) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * Invalidates once the transaction `manager` belongs to has committed (at
   * once when it is not in one): a page read before the commit must not be
   * stored under the new version.
   */
  async invalidateAfterCommit(manager: EntityManager, articleId: string): Promise<void> {
    const runner = manager.queryRunner;
    if (!runner?.isTransactionActive) return this.invalidate(articleId);
    pendingOf(runner).add(articleId);
  }

  /** Runs the invalidations a transaction collected; called by the commit subscriber. */
  async flush(runner: QueryRunner): Promise<void> {
    const pending = pendingOf(runner);
    const articleIds = [...pending];
    pending.clear();
    await Promise.all(articleIds.map((articleId) => this.invalidate(articleId)));
  }

  discard(runner: QueryRunner): void {
    pendingOf(runner).clear();
  }

  async invalidate(articleId: string): Promise<void> {
    if (this.redis) {
      await this.redis.incr(this.redisKey(articleId));
      return;
    }
    this.localVersions.set(articleId, (this.localVersions.get(articleId) ?? 0) + 1);
  }

  private async version(articleId: string): Promise<string> {
    if (this.redis) return (await this.redis.get(this.redisKey(articleId))) ?? '0';
    return String(this.localVersions.get(articleId) ?? 0);
  }

  private redisKey(articleId: string): string {
    return `margin:thread-version:${articleId}`;
  }
}

function pendingOf(runner: QueryRunner): Set<string> {
  const data = runner.data as { threadInvalidations?: Set<string> };
  data.threadInvalidations ??= new Set();
  return data.threadInvalidations;
}
