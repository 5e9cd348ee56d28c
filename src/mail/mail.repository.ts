import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { TransactionContext } from '../database/transaction-context';

export interface NewMailMessage {
  idempotencyKey: string;
  kind: string;
  userId: string | null;
  toAddress: string;
  subject: string;
  textBody: string;
  htmlBody: string;
  headers: Record<string, string>;
}

export interface ClaimedMessage {
  id: string;
  kind: string;
  toAddress: string;
  subject: string;
  textBody: string;
  htmlBody: string;
  headers: Record<string, string>;
  attempts: number;
}

/** A claim left by a worker that died mid-send is taken over after this long. */
const STALE_CLAIM_MINUTES = 10;

/** The outbox (`mail_messages`). */
@Injectable()
export class MailRepository {
  constructor(private readonly txHost: TransactionContext) {}
  private get tx(): EntityManager {
    return this.txHost.tx;
  }

  /** The new row's id, or null when a message with the same idempotency key exists (its cause repeated). */
  async insert(message: NewMailMessage): Promise<string | null> {
    const rows: { id: string }[] = await this.tx.query(
      `INSERT INTO mail_messages (idempotency_key, kind, user_id, to_address, subject, text_body, html_body, headers)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)
       ON CONFLICT (idempotency_key) DO NOTHING
       RETURNING id`,
      [message.idempotencyKey, message.kind, message.userId, message.toAddress, message.subject.slice(0, 300), message.textBody, message.htmlBody, JSON.stringify(message.headers)],
    );
    return rows[0]?.id ?? null;
  }

  /**
   * Claims the messages still to send among `ids` (queued, or claimed by a worker that has been gone for a while)
   * and counts the attempt; a sent, failed or freshly claimed one is left out, so no message goes out twice.
   */
  async claim(ids: string[]): Promise<ClaimedMessage[]> {
    if (ids.length === 0) return [];
    return this.tx.query(
      `WITH claimed AS (
         UPDATE mail_messages SET status = 'sending', claimed_at = now(), attempts = attempts + 1
          WHERE id = ANY($1::uuid[])
            AND (status = 'queued' OR (status = 'sending' AND claimed_at < now() - make_interval(mins => $2)))
         RETURNING id, kind, to_address AS "toAddress", subject, text_body AS "textBody", html_body AS "htmlBody", headers, attempts)
       SELECT * FROM claimed`,
      [ids, STALE_CLAIM_MINUTES],
    );
  }

  async markSent(id: string): Promise<void> {
    await this.tx.query(`UPDATE mail_messages SET status = 'sent', sent_at = now(), last_error = NULL WHERE id = $1`, [id]);
  }

  async markDiscarded(id: string): Promise<void> {
    await this.tx.query(`UPDATE mail_messages SET status = 'discarded', sent_at = now() WHERE id = $1`, [id]);
  }

  /** Back to the queue for a later attempt, or `failed` for good. */
  async release(id: string, error: string, giveUp: boolean): Promise<void> {
    await this.tx.query(`UPDATE mail_messages SET status = $2, last_error = $3, claimed_at = NULL WHERE id = $1`, [
      id,
      giveUp ? 'failed' : 'queued',
      error.slice(0, 500),
    ]);
  }

  /** Messages not sent yet and how long the oldest has waited (the outbox's lag). */
  async backlog(): Promise<{ depth: number; oldestAgeSeconds: number }> {
    const [row]: { depth: number; age: number }[] = await this.tx.query(
      `SELECT count(*)::int AS depth, coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8 AS age
         FROM mail_messages WHERE status IN ('queued', 'sending')`,
    );
    return { depth: row.depth, oldestAgeSeconds: row.age };
  }

  /** Erasure: the reader's e-mails (sent or not) go with their address. */
  async deleteForUser(userId: string): Promise<void> {
    await this.tx.query(`DELETE FROM mail_messages WHERE user_id = $1`, [userId]);
  }

}
