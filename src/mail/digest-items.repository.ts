import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { TransactionContext } from '../database/transaction-context';

export interface DueItem {
  notificationId: string;
  userId: string;
}

/** `mail_digest_items`: inbox items waiting for an hourly or daily digest. */
@Injectable()
export class DigestItemsRepository {
  constructor(private readonly txHost: TransactionContext) {}
  private get tx(): EntityManager {
    return this.txHost.tx;
  }

  async insert(items: { notificationId: string; userId: string; type: string; dueAt: Date }[]): Promise<void> {
    if (items.length === 0) return;
    await this.tx.query(
      `INSERT INTO mail_digest_items (notification_id, user_id, type, due_at)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::varchar[], $4::timestamptz[])
       ON CONFLICT DO NOTHING`,
      [items.map((item) => item.notificationId), items.map((item) => item.userId), items.map((item) => item.type), items.map((item) => item.dueAt)],
    );
  }

  /**
   * Takes (deletes and returns) every item due by `at` of up to `readers` readers, skipping rows another worker
   * holds: the caller turns them into digests in the same transaction, so an item is mailed once.
   */
  async takeDue(at: Date, readers: number): Promise<DueItem[]> {
    return this.tx.query(
      `WITH readers AS (
         SELECT DISTINCT user_id FROM mail_digest_items WHERE due_at <= $1 LIMIT $2
       ), due AS (
         SELECT d.notification_id FROM mail_digest_items d JOIN readers r ON r.user_id = d.user_id
          WHERE d.due_at <= $1 FOR UPDATE OF d SKIP LOCKED
       ), taken AS (
         DELETE FROM mail_digest_items d USING due WHERE d.notification_id = due.notification_id
         RETURNING d.notification_id AS "notificationId", d.user_id AS "userId", d.created_at
       )
       SELECT "notificationId", "userId" FROM taken ORDER BY created_at, "notificationId"`,
      [at, readers],
    );
  }

  async deleteForUser(userId: string): Promise<void> {
    await this.tx.query(`DELETE FROM mail_digest_items WHERE user_id = $1`, [userId]);
  }
}
