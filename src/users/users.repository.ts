import { TransactionContext } from '../database/transaction-context';
import { Injectable } from '@nestjs/common';
import { EntityManager, IsNull } from 'typeorm';
import { AppError } from '../common/errors/app-error';
import { Role } from '../common/auth/role';
import { isUniqueViolation } from '../database/postgres-errors';
import { User } from './user.entity';

export interface NewUser {
  email: string;
  displayName: string;
  passwordHash: string;
  role?: Role;
}

export interface ProfileChanges {
  displayName?: string;
  bio?: string | null;
}

function mapUniqueViolation(error: unknown): never {
  if (isUniqueViolation(error, 'users_email_key')) throw new AppError('EMAIL_TAKEN', 'An account with this email already exists');
  if (isUniqueViolation(error, 'users_display_name_lower_key')) {
    throw new AppError('DISPLAY_NAME_TAKEN', 'Another reader already uses this display name');
  }
  throw error;
}

/** An account the newsroom's sign-in creates: no password; the address verified when the newsroom vouches for it. */
export interface NewNewsroomUser {
  email: string | null;
  emailVerified: boolean;
  displayName: string;
}

/** What a later newsroom token changes; `undefined` leaves a field as it is. */
export interface NewsroomProfileChanges {
  displayName?: string;
  email?: { address: string; verified: boolean };
}

/** A live account under a row lock, as staff actions check it. */
export interface LockedAccount {
  id: string;
  role: Role;
  suspendedUntil: Date | null;
  bannedAt: Date | null;
}

@Injectable()
export class UsersRepository {
  constructor(private readonly txHost: TransactionContext) {}
  /** The statement runs in the current transaction when there is one. */
  private get tx(): EntityManager {
    return this.txHost.tx;
  }


  private get users() {
    return this.tx.getRepository(User);
  }

  async insertUser(user: NewUser): Promise<User> {
    try {
      return await this.users.save(this.users.create({ ...user, role: user.role ?? 'reader' }));
    } catch (error) {
      mapUniqueViolation(error);
    }
  }

  /** The first of `candidates` (in order) that no account (but `exceptUserId`) uses, whatever the case; null when all are taken. */
  async firstFreeDisplayName(candidates: string[], exceptUserId: string | null = null): Promise<string | null> {
    const rows: { name: string }[] = await this.tx.query(
      `SELECT c.name FROM unnest($1::text[]) WITH ORDINALITY AS c(name, n)
        WHERE NOT EXISTS (
          SELECT 1 FROM users WHERE lower(users.display_name) = lower(c.name) AND users.id IS DISTINCT FROM $2::uuid)
        ORDER BY c.n LIMIT 1`,
      [candidates, exceptUserId],
    );
    return rows[0]?.name ?? null;
  }

  /**
   * Inserts the account unless its e-mail or display name is taken (null then: the caller tells
   * which); never a unique violation, so the caller's transaction stays usable.
   */
  async insertNewsroomUser(user: NewNewsroomUser): Promise<User | null> {
    const rows: { id: string }[] = await this.tx.query(
      `INSERT INTO users (email, display_name, email_verified_at, role)
       VALUES ($1, $2, CASE WHEN $3::boolean THEN now() END, 'reader')
       ON CONFLICT DO NOTHING RETURNING id`,
      [user.email, user.displayName, user.emailVerified],
    );
    return rows[0] ? this.findActiveById(rows[0].id) : null;
  }

  /**
   * Applies what a newsroom token changed. Each change is tried on its own savepoint: one that
   * would take another account's e-mail or name is skipped (false in the answer) and the rest,
   * and the caller's transaction, go on.
   */
  async applyNewsroomProfile(id: string, changes: NewsroomProfileChanges): Promise<{ displayName: boolean; email: boolean }> {
    const applied = { displayName: false, email: false };
    if (changes.displayName !== undefined) {
      const name = changes.displayName;
      applied.displayName = await this.withinSavepoint(() =>
        this.tx.query(`UPDATE users SET display_name = $2, updated_at = now() WHERE id = $1 AND erased_at IS NULL`, [id, name]),
      );
    }
    if (changes.email !== undefined) {
      const email = changes.email;
      applied.email = await this.withinSavepoint(() =>
        this.tx.query(
          `UPDATE users SET email = $2, email_verified_at = CASE WHEN $3::boolean THEN now() END, updated_at = now()
            WHERE id = $1 AND erased_at IS NULL`,
          [id, email.address, email.verified],
        ),
      );
    }
    return applied;
  }

  /** Marks the account's current address verified (the newsroom vouched for it); the address itself stays. */
  async markEmailVerified(id: string, email: string): Promise<void> {
    await this.tx.query(
      `UPDATE users SET email_verified_at = now() WHERE id = $1 AND email = $2 AND email_verified_at IS NULL`,
      [id, email],
    );
  }

  /** Runs a statement that may meet a unique violation; true when it went through, false (rolled back) when it met one. */
  private async withinSavepoint(statement: () => Promise<unknown>): Promise<boolean> {
    await this.tx.query('SAVEPOINT newsroom_profile');
    try {
      await statement();
      await this.tx.query('RELEASE SAVEPOINT newsroom_profile');
      return true;
    } catch (error) {
      if (!isUniqueViolation(error, 'users_email_key') && !isUniqueViolation(error, 'users_display_name_lower_key')) throw error;
      await this.tx.query('ROLLBACK TO SAVEPOINT newsroom_profile');
      return false;
    }
  }

  findActiveByEmail(email: string): Promise<User | null> {
    return this.users.findOne({ where: { email, erasedAt: IsNull() } });
  }

  findActiveById(id: string): Promise<User | null> {
    return this.users.findOne({ where: { id, erasedAt: IsNull() } });
  }

  findActiveByIds(ids: string[]): Promise<User[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.users
      .createQueryBuilder('user')
      .where('user.id = ANY(:ids)', { ids })
      .andWhere('user.erased_at IS NULL')
      .getMany();
  }

  async updateProfile(id: string, changes: ProfileChanges): Promise<void> {
    if (Object.keys(changes).length === 0) return;
    try {
      await this.users.update({ id, erasedAt: IsNull() }, changes);
    } catch (error) {
      mapUniqueViolation(error);
    }
  }

  async setRole(id: string, role: Role): Promise<void> {
    await this.tx.update(User, { id }, { role });
  }

  /** Clears everything that identifies the person; the row stays so comments keep their place. */
  async eraseIdentity(id: string): Promise<void> {
    await this.tx.update(User, { id }, {
      email: null,
      displayName: null,
      bio: null,
      emailVerifiedAt: null,
      passwordHash: null,
      erasedAt: () => 'now()',
    });
  }

  async adjustCommentCount(id: string, delta: number): Promise<void> {
    // The one implementation of the move, shared with the comments module's posting statement.
    await this.tx.query(`SELECT users_bump_comment_count($1, $2)`, [id, delta]);
  }

  /** Moves both sides of a follow at once: the follower's following and the followee's followers. */
  async adjustFollowCounts(followerId: string, followeeId: string, delta: number): Promise<void> {
    await this.tx.query(
      `UPDATE users SET
         following_count = following_count + CASE WHEN id = $1 THEN $3 ELSE 0 END,
         follower_count = follower_count + CASE WHEN id = $2 THEN $3 ELSE 0 END
       WHERE id IN ($1, $2)`,
      [followerId, followeeId, delta],
    );
  }

  /** Locks one live account for the rest of the transaction; null when it does not exist or was erased. */
  async lockLiveAccount(id: string): Promise<LockedAccount | null> {
    const rows: { id: string; role: Role; suspended_until: Date | null; banned_at: Date | null }[] = await this.tx.query(
      `SELECT id, role, suspended_until, banned_at FROM users WHERE id = $1 AND erased_at IS NULL FOR UPDATE`,
      [id],
    );
    const row = rows[0];
    return row ? { id: row.id, role: row.role, suspendedUntil: row.suspended_until, bannedAt: row.banned_at } : null;
  }

  /** Locks every live admin row in id order (concurrent callers cannot deadlock) and returns their ids. */
  async lockAdmins(): Promise<string[]> {
    const rows: { id: string }[] = await this.tx.query(
      `SELECT id FROM users WHERE role = 'admin' AND erased_at IS NULL ORDER BY id FOR UPDATE`,
    );
    return rows.map((row) => row.id);
  }

  /** Many readers' follow counters in one statement. */
  async applyFollowCountMoves(moves: { userId: string; following: number; followers: number }[]): Promise<void> {
    if (moves.length === 0) return;
    await this.tx.query(
      `UPDATE users SET following_count = following_count + m.following, follower_count = follower_count + m.followers
         FROM unnest($1::uuid[], $2::int[], $3::int[]) AS m(user_id, following, followers)
        WHERE users.id = m.user_id`,
      [moves.map((move) => move.userId), moves.map((move) => move.following), moves.map((move) => move.followers)],
    );
  }

  async setSanctions(
    id: string,
    changes: { suspendedUntil?: Date | null; bannedAt?: Date | null },
  ): Promise<void> {
    await this.tx.update(User, { id }, changes);
  }

  /**
   * A write's first lock: the reader's account lock, shared with their other writes
   * and exclusive of their erasure (see UsersService.eraseAccount). False when the
   * account is erased, including by an erasure that committed while this waited.
   */
  async lockActiveAccount(id: string): Promise<boolean> {
    const [row]: { active: boolean }[] = await this.tx.query(`SELECT margin_lock_active_account($1::uuid) AS active`, [id]);
    return row.active;
  }

  /** Erasure's first lock: waits for every write of the reader in flight, and holds off the next ones. */
  async lockAccountForErasure(id: string): Promise<void> {
    await this.tx.query(`SELECT margin_lock_account_for_erasure($1::uuid)`, [id]);
  }

  /** A key-share lock on a live account row: what a row referencing it needs, waiting for an erasure in progress. */
  async lockActiveRow(id: string): Promise<boolean> {
    const rows: unknown[] = await this.tx.query(`SELECT 1 FROM users WHERE id = $1 AND erased_at IS NULL FOR KEY SHARE`, [id]);
    return rows.length > 0;
  }

  /** The account row itself, taken by erasure after the articles; false when it was erased meanwhile. */
  async lockRowForErasure(id: string): Promise<boolean> {
    const rows: unknown[] = await this.tx.query(`SELECT 1 FROM users WHERE id = $1 AND erased_at IS NULL FOR UPDATE`, [id]);
    return rows.length > 0;
  }
}
