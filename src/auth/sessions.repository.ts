import { TransactionContext } from '../database/transaction-context';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuthenticatedUser } from '../common/auth/authenticated-user';
import { Role } from '../common/auth/role';
import { Session } from './session.entity';

interface SessionUserRow {
  id: string;
  role: Role;
  suspended_until: Date | null;
  banned_at: Date | null;
}

@Injectable()
export class SessionsRepository {
  constructor(private readonly txHost: TransactionContext) {}
  /** The statement runs in the current transaction when there is one. */
  private get tx(): EntityManager {
    return this.txHost.tx;
  }


  async insertSession(userId: string, expiresAt: Date): Promise<Session> {
    const sessions = this.tx.getRepository(Session);
    return sessions.save(sessions.create({ userId, expiresAt, generation: 0 }));
  }

  /** The user behind a live session; null when the session ended or the account is gone. */
  async findLiveSessionUser(sessionId: string, userId: string): Promise<AuthenticatedUser | null> {
    const rows: SessionUserRow[] = await this.tx.query(
      `SELECT u.id, u.role, u.suspended_until, u.banned_at
         FROM sessions s JOIN user_profiles u ON u.id = s.user_id
        WHERE s.id = $1 AND s.user_id = $2 AND s.revoked_at IS NULL AND s.expires_at > now()
          AND u.erased_at IS NULL`,
      [sessionId, userId],
    );
    const row = rows[0];
    if (!row) return null;
    return { id: row.id, role: row.role, sessionId, suspendedUntil: row.suspended_until, bannedAt: row.banned_at };
  }

  /**
   * Moves a live session to its next generation if `generation` is its current
   * one; concurrent refreshes with the same token cannot both succeed.
   */
  async rotate(sessionId: string, generation: number, expiresAt: Date): Promise<{ userId: string; role: Role } | null> {
    const rows: { user_id: string; role: Role }[] = await this.tx.query(
      // Wrapped in a CTE so the driver hands back the returned rows, not [rows, count].
      `WITH rotated AS (
         UPDATE sessions s SET generation = generation + 1, rotated_at = now(), expires_at = $3
           FROM user_profiles u
          WHERE s.id = $1 AND s.generation = $2 AND s.revoked_at IS NULL AND s.expires_at > now()
            AND u.id = s.user_id AND u.erased_at IS NULL
         RETURNING s.user_id, u.role)
       SELECT user_id, role FROM rotated`,
      [sessionId, generation, expiresAt],
    );
    return rows[0] ? { userId: rows[0].user_id, role: rows[0].role } : null;
  }

  async revoke(sessionId: string, reason: string): Promise<void> {
    await this.tx.query(
      `UPDATE sessions SET revoked_at = now(), revoked_reason = $2 WHERE id = $1 AND revoked_at IS NULL`,
      [sessionId, reason],
    );
  }

  async revokeAllForUser(userId: string, reason: string): Promise<void> {
    await this.tx.query(
      `UPDATE sessions SET revoked_at = now(), revoked_reason = $2 WHERE user_id = $1 AND revoked_at IS NULL`,
      [userId, reason],
    );
  }

  async deleteAllForUser(userId: string): Promise<void> {
    await this.tx.query(`DELETE FROM sessions WHERE user_id = $1`, [userId]);
  }
}
