import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { TransactionContext } from '../database/transaction-context';

export interface IdentityRow {
  userId: string;
  claimedEmail: string | null;
  claimedName: string | null;
}

/** The sso module's tables: identity links and the `jti`s already accepted. */
@Injectable()
export class SsoRepository {
  constructor(private readonly txHost: TransactionContext) {}
  /** The statement runs in the current transaction when there is one. */
  private get tx(): EntityManager {
    return this.txHost.tx;
  }

  /**
   * Serialises the sign-ins of one subject for the rest of the transaction, so concurrent first
   * sign-ins create one account (a transaction advisory lock: nothing outlives the transaction).
   */
  async lockSubject(provider: string, subject: string): Promise<void> {
    await this.tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 7366))`, [`sso:${provider}:${subject}`]);
  }

  async findIdentity(provider: string, subject: string): Promise<IdentityRow | null> {
    const rows: { user_id: string; claimed_email: string | null; claimed_name: string | null }[] = await this.tx.query(
      `SELECT user_id, claimed_email, claimed_name FROM user_identities WHERE provider = $1 AND subject = $2`,
      [provider, subject],
    );
    const row = rows[0];
    return row ? { userId: row.user_id, claimedEmail: row.claimed_email, claimedName: row.claimed_name } : null;
  }

  async isLinked(userId: string, provider: string): Promise<boolean> {
    const rows: unknown[] = await this.tx.query(`SELECT 1 FROM user_identities WHERE user_id = $1 AND provider = $2`, [userId, provider]);
    return rows.length > 0;
  }

  /** The link of a first sign-in; replaces a link to an account whose erasure committed meanwhile. */
  async link(provider: string, subject: string, userId: string, claims: { email: string | null; name: string | null }): Promise<void> {
    await this.tx.query(
      `INSERT INTO user_identities (provider, subject, user_id, claimed_email, claimed_name)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (provider, subject) DO UPDATE SET user_id = EXCLUDED.user_id, claimed_email = EXCLUDED.claimed_email,
         claimed_name = EXCLUDED.claimed_name, created_at = now(), claims_changed_at = now()`,
      [provider, subject, userId, claims.email, claims.name],
    );
  }

  async recordClaims(provider: string, subject: string, seen: { email: string | null; name: string | null }): Promise<void> {
    await this.tx.query(
      `UPDATE user_identities SET claimed_email = $3, claimed_name = $4, claims_changed_at = now() WHERE provider = $1 AND subject = $2`,
      [provider, subject, seen.email, seen.name],
    );
  }

  /** Erasure: the account no longer belongs to anyone, so no newsroom reader signs in to it again. */
  async deleteIdentitiesOf(userId: string): Promise<void> {
    await this.tx.query(`DELETE FROM user_identities WHERE user_id = $1`, [userId]);
  }

  /** Records a `jti`; false when it was already accepted (a replay). Kept until the token expires. */
  async consumeJti(jti: string, expiresAt: Date): Promise<boolean> {
    const rows: unknown[] = await this.tx.query(
      `INSERT INTO sso_token_uses (jti, expires_at) VALUES ($1, $2) ON CONFLICT (jti) DO NOTHING RETURNING 1`,
      [jti, expiresAt],
    );
    return rows.length > 0;
  }

  /** A few expired `jti`s at a time, skipping rows another exchange is purging (so exchanges never wait on each other). */
  async purgeExpiredJtis(): Promise<void> {
    await this.tx.query(
      `DELETE FROM sso_token_uses WHERE jti IN (
         SELECT jti FROM sso_token_uses WHERE expires_at < now() ORDER BY expires_at LIMIT 100 FOR UPDATE SKIP LOCKED)`,
    );
  }
}
