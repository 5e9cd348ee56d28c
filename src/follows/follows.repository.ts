import { TransactionContext } from '../database/transaction-context';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { isoMicroseconds } from '../common/pagination/timestamp-cursor';

/** A row of a followers/following/ignores page: the other reader and when the link was made. */
export interface LinkRow {
  userId: string;
  linkedAt: string;
}

/** How much one reader's follow counters move. */
export interface FollowCountMove {
  userId: string;
  following: number;
  followers: number;
}

export interface Keyset {
  before?: { at: string; id: string };
  limit: number;
}

@Injectable()
export class FollowsRepository {
  constructor(private readonly txHost: TransactionContext) {}
  /** The statement runs in the current transaction when there is one. */
  private get tx(): EntityManager {
    return this.txHost.tx;
  }



  /** True when this call created the follow; false when it already existed. */
  async insertFollow(followerId: string, followeeId: string): Promise<boolean> {
    const rows: unknown[] = await this.tx.query(
      `INSERT INTO follows (follower_id, followee_id) VALUES ($1, $2)
       ON CONFLICT DO NOTHING RETURNING follower_id`,
      [followerId, followeeId],
    );
    return rows.length === 1;
  }

  /** True when this call removed the follow. */
  async deleteFollow(followerId: string, followeeId: string): Promise<boolean> {
    const rows: unknown[] = await this.tx.query(
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
    await this.tx.query(
      `INSERT INTO ignores (user_id, ignored_user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
      [userId, ignoredUserId],
    );
  }

  async deleteIgnore(userId: string, ignoredUserId: string): Promise<void> {
    await this.tx.query(`DELETE FROM ignores WHERE user_id = $1 AND ignored_user_id = $2`, [userId, ignoredUserId]);
  }

  findIgnoresPage(userId: string, page: Keyset): Promise<LinkRow[]> {
    return this.findLinkPage('ignores', 'user_id', 'ignored_user_id', userId, page);
  }

  async findIgnoredUserIds(userId: string): Promise<string[]> {
    const rows: { ignored_user_id: string }[] = await this.tx.query(
      // The rule's one implementation is the SQL function other modules' statements call too.
      `SELECT author_id AS ignored_user_id FROM ignored_authors($1)`,
      [userId],
    );
    return rows.map((row) => row.ignored_user_id);
  }

  /**
   * Removes every follow of and by the erased reader, set-based so a reader with
   * many followers erases in a few statements; returns how much each other
   * reader's counters must move (the users module moves them).
   */
  async deleteFollowsOf(userId: string): Promise<FollowCountMove[]> {
    const rows: { user_id: string; following: number; followers: number }[] = await this.tx.query(
      `WITH removed AS (
         DELETE FROM follows WHERE follower_id = $1 OR followee_id = $1 RETURNING follower_id, followee_id
       ), moves AS (
         SELECT follower_id AS user_id, 1 AS following, 0 AS followers FROM removed
         UNION ALL
         SELECT followee_id, 0, 1 FROM removed
       )
       SELECT user_id, sum(following)::int AS following, sum(followers)::int AS followers FROM moves GROUP BY user_id`,
      [userId],
    );
    return rows.map((row) => ({ userId: row.user_id, following: -row.following, followers: -row.followers }));
  }

  async deleteIgnoresOf(userId: string): Promise<void> {
    await this.tx.query(`DELETE FROM ignores WHERE user_id = $1 OR ignored_user_id = $1`, [userId]);
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
    const rows: { user_id: string; linked_at: string }[] = await this.tx.query(
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

