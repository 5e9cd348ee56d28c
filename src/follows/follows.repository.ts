import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { isoMicroseconds } from '../common/pagination/timestamp-cursor';
import { retryOnConflict } from '../database/retry-on-conflict';

/** A row of a followers/following/ignores page: the other reader and when the link was made. */
export interface LinkRow {
  userId: string;
  linkedAt: string;
}

export interface Keyset {
  before?: { at: string; id: string };
  limit: number;
}

@Injectable()
export class FollowsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** A transaction, run again from the start when PostgreSQL breaks a deadlock or serialization conflict with it. */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return retryOnConflict(() => this.dataSource.transaction(work));
  }

  /** True when this call created the follow; false when it already existed. */
  async insertFollow(manager: EntityManager, followerId: string, followeeId: string): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO follows (follower_id, followee_id) VALUES ($1, $2)
       ON CONFLICT DO NOTHING RETURNING follower_id`,
      [followerId, followeeId],
    );
    return rows.length === 1;
  }

  /** True when this call removed the follow. */
  async deleteFollow(manager: EntityManager, followerId: string, followeeId: string): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `WITH removed AS (DELETE FROM follows WHERE follower_id = $1 AND followee_id = $2 RETURNING follower_id)
       SELECT follower_id FROM removed`,
      [followerId, followeeId],
    );
    return rows.length === 1;
  }

  /** Readers following `followeeId`, newest follow first. */
  findFollowersPage(followeeId: string, page: Keyset): Promise<LinkRow[]> {
    return this.findLinkPage('follows', 'followee_id', 'follower_id', followeeId, page);
  }

  /** Readers `followerId` follows, newest follow first. */
  findFollowingPage(followerId: string, page: Keyset): Promise<LinkRow[]> {
    return this.findLinkPage('follows', 'follower_id', 'followee_id', followerId, page);
  }

  async insertIgnore(userId: string, ignoredUserId: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO ignores (user_id, ignored_user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
      [userId, ignoredUserId],
    );
  }

  async deleteIgnore(userId: string, ignoredUserId: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM ignores WHERE user_id = $1 AND ignored_user_id = $2`, [userId, ignoredUserId]);
  }

  findIgnoresPage(userId: string, page: Keyset): Promise<LinkRow[]> {
    return this.findLinkPage('ignores', 'user_id', 'ignored_user_id', userId, page);
  }

  async findIgnoredUserIds(userId: string): Promise<string[]> {
    const rows: { ignored_user_id: string }[] = await this.dataSource.query(
      `SELECT ignored_user_id FROM ignores WHERE user_id = $1`,
      [userId],
    );
    return rows.map((row) => row.ignored_user_id);
  }

  /**
   * Removes every follow of and by the erased reader and moves the other
   * side's counters, set-based so a reader with many followers erases in a
   * few statements.
   */
  async deleteFollowsOf(manager: EntityManager, userId: string): Promise<void> {
    await manager.query(
      `WITH removed AS (
         DELETE FROM follows WHERE follower_id = $1 OR followee_id = $1 RETURNING follower_id, followee_id
       ), moves AS (
         SELECT follower_id AS user_id, 1 AS following, 0 AS followers FROM removed
         UNION ALL
         SELECT followee_id, 0, 1 FROM removed
       ), totals AS (
         SELECT user_id, sum(following)::int AS following, sum(followers)::int AS followers FROM moves GROUP BY user_id
       )
       UPDATE users SET following_count = following_count - totals.following,
                        follower_count = follower_count - totals.followers
       FROM totals WHERE users.id = totals.user_id`,
      [userId],
    );
  }

  async deleteIgnoresOf(manager: EntityManager, userId: string): Promise<void> {
    await manager.query(`DELETE FROM ignores WHERE user_id = $1 OR ignored_user_id = $1`, [userId]);
  }

  private async findLinkPage(
    table: 'follows' | 'ignores',
    ownerColumn: string,
    otherColumn: string,
    ownerId: string,
    page: Keyset,
  ): Promise<LinkRow[]> {
    const params: unknown[] = [ownerId, page.limit + 1];
    let after = '';
    if (page.before) {
      params.push(page.before.at, page.before.id);
      after = `AND (created_at, ${otherColumn}) < ($3::timestamptz, $4::uuid)`;
    }
    const rows: { user_id: string; linked_at: string }[] = await this.dataSource.query(
      `SELECT ${otherColumn} AS user_id, ${isoMicroseconds('created_at')} AS linked_at
       FROM ${table}
       WHERE ${ownerColumn} = $1 ${after}
       ORDER BY created_at DESC, ${otherColumn} DESC
       LIMIT $2`,
      params,
    );
    return rows.map((row) => ({ userId: row.user_id, linkedAt: row.linked_at }));
  }
}

/** SQL for "does the reader in `viewerPlaceholder` ignore anyone?", embedded in other modules' reads. */
export function ignoresAnyoneSql(viewerPlaceholder: string): string {
  return `EXISTS (SELECT 1 FROM ignores WHERE user_id = ${viewerPlaceholder})`;
}
