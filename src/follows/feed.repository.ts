import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { isoMicroseconds } from '../common/pagination/timestamp-cursor';
import { Keyset } from './follows.repository';

export interface FeedRow {
  commentId: string;
  createdAt: string;
}

@Injectable()
export class FeedRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Newest visible comments by the readers `viewerId` follows and does not
   * ignore. One query whatever the number of followees: for each followee the
   * lateral subquery reads at most `limit + 1` rows from comments_author_idx
   * (author_id, created_at, id), then the outer sort keeps the newest.
   */
  async findFeedPage(viewerId: string, page: Keyset): Promise<FeedRow[]> {
    const params: unknown[] = [viewerId, page.limit + 1];
    let after = '';
    if (page.before) {
      params.push(page.before.at, page.before.id);
      after = `AND (c.created_at, c.id) < ($3::timestamptz, $4::uuid)`;
    }
    const rows: { id: string; created_at: string }[] = await this.dataSource.query(
      `SELECT latest.id, ${isoMicroseconds('latest.created_at')} AS created_at
       FROM follows f
       CROSS JOIN LATERAL (
         SELECT c.id, c.created_at FROM comments c
         WHERE c.author_id = f.followee_id AND c.status = 'visible' ${after}
         ORDER BY c.created_at DESC, c.id DESC
         LIMIT $2
       ) latest
       WHERE f.follower_id = $1
         AND NOT EXISTS (SELECT 1 FROM ignores i WHERE i.user_id = $1 AND i.ignored_user_id = f.followee_id)
       ORDER BY latest.created_at DESC, latest.id DESC
       LIMIT $2`,
      params,
    );
    return rows.map((row) => ({ commentId: row.id, createdAt: row.created_at }));
  }
}
