import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { TransactionContext } from '../database/transaction-context';
import { isoMicroseconds } from '../common/pagination/timestamp-cursor';
import { Keyset } from './follows.repository';

export interface FeedRow {
  commentId: string;
  createdAt: string;
}

/**
 * How many of the site's newest visible comments the first plan looks at. A
 * reader who follows many active readers finds a page among them (following
 * 500 of 2,000 readers: ~84 entries for a page of 20); one who follows few
 * stops here and takes the second plan. Scanning this many index entries costs
 * about as much as a few dozen per-followee probes.
 */
export const FEED_RECENT_SCAN_LIMIT = 2000;

@Injectable()
export class FeedRepository {
  constructor(private readonly txHost: TransactionContext) {}

  /** The statement runs in the current transaction when there is one. */
  private get tx(): EntityManager {
    return this.txHost.tx;
  }

  /**
   * Newest visible comments by the readers `viewerId` follows and does not
   * ignore (through the comments module's `visible_comments` view and the
   * follows module's `ignored_authors`). Two plans give the same rows, each
   * cheap where the other is not:
   * 1. walk the site's newest visible comments (comments_visible_newest_idx,
   *    index-only) keeping those whose author is followed, and stop at a full
   *    page; its cost grows with how rare followed authors are, so it gives up
   *    after FEED_RECENT_SCAN_LIMIT entries;
   * 2. for each followee read at most `limit + 1` rows from
   *    comments_author_visible_idx, then keep the newest; its cost grows with
   *    the number of followees (500 followees: ~11 ms).
   * A full page from the first plan is exact (every comment newer than its last
   * row was looked at); a short one may have missed older rows, so the second
   * plan answers instead.
   */
  async findFeedPage(viewerId: string, page: Keyset): Promise<FeedRow[]> {
    const recent = await this.findAmongRecentComments(viewerId, page);
    if (recent.length > page.limit) return recent;
    return this.findPerFollowee(viewerId, page);
  }

  /** Everyone `viewerId` follows (what a cached feed page depends on: FeedCache). */
  async findFolloweeIds(viewerId: string): Promise<string[]> {
    const rows: { followee_id: string }[] = await this.tx.query('SELECT followee_id FROM follows WHERE follower_id = $1', [viewerId]);
    return rows.map((row) => row.followee_id);
  }

  private async findAmongRecentComments(viewerId: string, page: Keyset): Promise<FeedRow[]> {
    const params: unknown[] = [viewerId, page.limit + 1, FEED_RECENT_SCAN_LIMIT];
    let after = '';
    if (page.before) {
      params.push(page.before.at, page.before.id);
      after = `AND (c.created_at, c.id) < ($4::timestamptz, $5::uuid)`;
    }
    // The inner ORDER BY matches the outer one, so rows stream through the filter and the scan stops at a full page.
    const rows: { id: string; created_at: string }[] = await this.tx.query(
      `SELECT recent.id, ${isoMicroseconds('recent.created_at')} AS created_at
       FROM (
         SELECT c.id, c.created_at, c.author_id FROM visible_comments c
         WHERE true ${after}
         ORDER BY c.created_at DESC, c.id DESC
         LIMIT $3
       ) recent
       WHERE recent.author_id IN (SELECT f.followee_id FROM follows f WHERE f.follower_id = $1)
         AND NOT EXISTS (SELECT 1 FROM ignored_authors($1) i WHERE i.author_id = recent.author_id)
       ORDER BY recent.created_at DESC, recent.id DESC
       LIMIT $2`,
      params,
    );
    return rows.map((row) => ({ commentId: row.id, createdAt: row.created_at }));
  }

  private async findPerFollowee(viewerId: string, page: Keyset): Promise<FeedRow[]> {
    const params: unknown[] = [viewerId, page.limit + 1];
    let after = '';
    if (page.before) {
      params.push(page.before.at, page.before.id);
      after = `AND (c.created_at, c.id) < ($3::timestamptz, $4::uuid)`;
    }
    const rows: { id: string; created_at: string }[] = await this.tx.query(
      `SELECT latest.id, ${isoMicroseconds('latest.created_at')} AS created_at
       FROM follows f
       CROSS JOIN LATERAL (
         SELECT c.id, c.created_at FROM visible_comments c
         WHERE c.author_id = f.followee_id ${after}
         ORDER BY c.created_at DESC, c.id DESC
         LIMIT $2
       ) latest
       WHERE f.follower_id = $1
         AND NOT EXISTS (SELECT 1 FROM ignored_authors($1) i WHERE i.author_id = f.followee_id)
       ORDER BY latest.created_at DESC, latest.id DESC
       LIMIT $2`,
      params,
    );
    return rows.map((row) => ({ commentId: row.id, createdAt: row.created_at }));
  }
}
