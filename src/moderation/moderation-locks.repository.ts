import { TransactionContext } from '../database/transaction-context';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Role } from '../common/auth/role';

export interface LockedAccount {
  id: string;
  role: Role;
  suspendedUntil: Date | null;
  bannedAt: Date | null;
}

/**
 * Row locks that make moderation actions safe under concurrency. Reads only;
 * every write goes through the owning module's service.
 */
@Injectable()
export class ModerationLocksRepository {
  constructor(private readonly txHost: TransactionContext) {}
  /** The statement runs in the current transaction when there is one. */
  private get tx(): EntityManager {
    return this.txHost.tx;
  }



  /** Locks one live account for the rest of the transaction; null when it does not exist or was erased. */
  async lockAccount(id: string): Promise<LockedAccount | null> {
    const rows: { id: string; role: Role; suspended_until: Date | null; banned_at: Date | null }[] = await this.tx.query(
      `SELECT id, role, suspended_until, banned_at FROM users WHERE id = $1 AND erased_at IS NULL FOR UPDATE`,
      [id],
    );
    const row = rows[0];
    return row ? { id: row.id, role: row.role, suspendedUntil: row.suspended_until, bannedAt: row.banned_at } : null;
  }

  /**
   * Locks every live admin row (in id order, so concurrent callers cannot
   * deadlock) and returns their ids. Two admins demoting each other at once
   * queue here, and the second sees the first's change.
   */
  async lockAdmins(): Promise<string[]> {
    const rows: { id: string }[] = await this.tx.query(
      `SELECT id FROM users WHERE role = 'admin' AND erased_at IS NULL ORDER BY id FOR UPDATE`,
    );
    return rows.map((row) => row.id);
  }

  /** Locks an article row so two moderators toggling it at once write one audit entry. */
  async lockArticle(id: string): Promise<void> {
    await this.tx.query(`SELECT 1 FROM articles WHERE id = $1 FOR UPDATE`, [id]);
  }
}
