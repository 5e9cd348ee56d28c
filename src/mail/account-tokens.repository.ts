import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { TransactionContext } from '../database/transaction-context';
import { TokenPurpose } from './account-token.entity';

/** `account_tokens`: hashes only; the token itself exists only in the e-mail. */
@Injectable()
export class AccountTokensRepository {
  constructor(private readonly txHost: TransactionContext) {}
  private get tx(): EntityManager {
    return this.txHost.tx;
  }

  async insert(token: { userId: string; purpose: TokenPurpose; address: string; hash: Buffer; expiresAt: Date }): Promise<string> {
    const [row]: { id: string }[] = await this.tx.query(
      `INSERT INTO account_tokens (user_id, purpose, address, token_hash, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [token.userId, token.purpose, token.address, token.hash, token.expiresAt],
    );
    return row.id;
  }

  /** The live token with this hash and purpose (not used, not expired), without consuming it. */
  async findLive(hash: Buffer, purpose: TokenPurpose): Promise<{ id: string; userId: string; address: string } | null> {
    const rows: { id: string; user_id: string; address: string }[] = await this.tx.query(
      `SELECT id, user_id, address FROM account_tokens
        WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > now()`,
      [hash, purpose],
    );
    return rows[0] ? { id: rows[0].id, userId: rows[0].user_id, address: rows[0].address } : null;
  }

  /** Uses the token once: false when another request used it first or it expired meanwhile. */
  async consume(id: string): Promise<boolean> {
    const rows: unknown[] = await this.tx.query(
      `UPDATE account_tokens SET used_at = now() WHERE id = $1 AND used_at IS NULL AND expires_at > now() RETURNING id`,
      [id],
    );
    return rows.length > 0;
  }

  /** Ends every other live token of the reader for `purpose` (a reset used, an address confirmed). */
  async retireOthers(userId: string, purpose: TokenPurpose): Promise<void> {
    await this.tx.query(`UPDATE account_tokens SET used_at = now() WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL`, [userId, purpose]);
  }

  async deleteForUser(userId: string): Promise<void> {
    await this.tx.query(`DELETE FROM account_tokens WHERE user_id = $1`, [userId]);
  }
}
