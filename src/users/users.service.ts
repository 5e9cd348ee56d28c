import { UnitOfWork } from '../database/unit-of-work';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AccountHooks, NOT_A_SUPPORTER } from '../common/hooks/account-hooks';
import { Role } from '../common/auth/role';
import { AppError } from '../common/errors/app-error';
import { AppConfig, ConfigurationError } from '../config/app-config';
import { maskedEmail } from './masked-email';
import { ProfileView, UserView } from './dto/user.views';
import { PasswordHasher } from './password-hasher';
import { User } from './user.entity';
import { LockedAccount, NewUser, ProfileChanges, UsersRepository } from './users.repository';
import { randomBytes } from 'node:crypto';
import { isUuid } from '../common/validation/uuid';

@Injectable()
export class UsersService implements OnApplicationBootstrap {
  private readonly logger = new Logger(UsersService.name);

  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly hooks: AccountHooks,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.admin) await this.ensureAdmin(this.config.admin);
  }

  async createAccount(input: { email: string; password: string; displayName: string; role?: Role }): Promise<User> {
    const passwordHash = await this.hasher.hash(input.password);
    const user: NewUser = { email: input.email, displayName: input.displayName, passwordHash, role: input.role };
    return this.users.insertUser(user);
  }

  /** The live account holding `email` (case-insensitively), if any. */
  findActiveByEmail(email: string): Promise<User | null> {
    return this.users.findActiveByEmail(email);
  }

  /**
   * An account for a reader of the newsroom's identity service (no password: they sign in with the
   * newsroom's token). Its name is the first free one of `nameCandidates` (a random suffix when all
   * are taken); 409 EMAIL_TAKEN when another account holds the address. Call inside a unit of work.
   */
  async createNewsroomAccount(input: { email: string | null; emailVerified: boolean; nameCandidates: string[] }): Promise<User> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const displayName = await this.freeDisplayName(input.nameCandidates, null);
      const user = await this.users.insertNewsroomUser({ email: input.email, emailVerified: input.emailVerified, displayName });
      if (user) return user;
      if (input.email && (await this.users.findActiveByEmail(input.email))) {
        throw new AppError('EMAIL_TAKEN', 'An account with this email already exists');
      }
      // Someone took the name between the look-up and the insert: look again.
    }
    throw new AppError('DISPLAY_NAME_TAKEN', 'No free display name could be found; try again');
  }

  /**
   * What a later newsroom token changed: the name (the first free one of `nameCandidates`, the
   * account's own counting as free) and the address. A change that would take another account's
   * address or name is skipped, and the answer says so; the reader still signs in.
   */
  async applyNewsroomProfile(
    userId: string,
    changes: { nameCandidates?: string[]; email?: { address: string; verified: boolean } },
  ): Promise<{ displayName: boolean; email: boolean }> {
    const displayName = changes.nameCandidates ? await this.freeDisplayName(changes.nameCandidates, userId) : undefined;
    return this.users.applyNewsroomProfile(userId, { displayName, email: changes.email });
  }

  /** The newsroom vouches for the account's current address. */
  markEmailVerified(userId: string, email: string): Promise<void> {
    return this.users.markEmailVerified(userId, email);
  }

  private async freeDisplayName(candidates: string[], exceptUserId: string | null): Promise<string> {
    const free = await this.users.firstFreeDisplayName(candidates, exceptUserId);
    if (free) return free;
    const base = candidates[0] ?? 'Reader';
    const random = Array.from({ length: 3 }, () => withSuffix(base, ` ${randomBytes(3).toString('hex')}`));
    return (await this.users.firstFreeDisplayName(random, exceptUserId)) ?? withSuffix(base, ` ${randomBytes(6).toString('hex')}`);
  }

  /** Returns the account only when the password matches; same cost whether or not the email exists. */
  async findByCredentials(email: string, password: string): Promise<User | null> {
    const user = await this.users.findActiveByEmail(email);
    const matches = await this.hasher.verify(user?.passwordHash, password);
    return user && matches ? user : null;
  }

  /** The reader unless erased, or 404 USER_NOT_FOUND; pass `manager` to read in the caller's transaction. */
  async findActive(id: string): Promise<User> {
    const user = isUuid(id) ? await this.users.findActiveById(id) : null;
    if (!user) throw new AppError('USER_NOT_FOUND', 'No reader has this id');
    return user;
  }

  async getProfile(id: string): Promise<ProfileView> {
    const user = await this.findActive(id);
    const supporter = await this.hooks.supporterStatus(user.id);
    return toProfile(user, supporter.active);
  }

  /** Profiles of many readers in one query, in the order of `ids`; erased ones are left out. */
  async getProfiles(ids: string[]): Promise<ProfileView[]> {
    const [users, supporters] = await Promise.all([this.users.findActiveByIds(ids), this.hooks.supporterStatuses(ids)]);
    const byId = new Map(users.map((user) => [user.id, user]));
    return ids
      .map((id) => byId.get(id))
      .filter((user): user is User => user !== undefined)
      .map((user) => toProfile(user, supporters.get(user.id)?.active ?? false));
  }

  async getMe(userId: string): Promise<UserView> {
    const user = await this.findActive(userId);
    const [supporter, unreadNotifications] = await Promise.all([
      this.hooks.supporterStatus(user.id),
      this.hooks.unreadCount(user.id),
    ]);
    return toUserView(user, supporter, unreadNotifications);
  }

  async updateMe(userId: string, changes: ProfileChanges): Promise<UserView> {
    await this.users.updateProfile(userId, changes);
    return this.getMe(userId);
  }

  /** Erases identity, sessions and (through the hooks) authored content, in one transaction. */
  async eraseAccount(userId: string, proof: { password?: string; ssoToken?: string }): Promise<void> {
    const user = await this.findActive(userId);
    if (proof.password !== undefined) {
      if (!(await this.hasher.verify(user.passwordHash, proof.password))) {
        throw new AppError('INVALID_PASSWORD', 'The password does not match this account');
      }
    } else if (proof.ssoToken === undefined || !(await this.hooks.newsroomConfirmsAccount(userId, proof.ssoToken))) {
      throw new AppError('INVALID_PASSWORD', 'The newsroom sign-in token does not confirm this account');
    }
    // The one lock order of every write (a deadlock needs two transactions taking two locks in opposite orders):
    //   1. the acting reader's account lock: shared by each of their writes, in its first statement, together
    //      with the check that the account is not erased; exclusive here, so erasure and the reader's own
    //      writes take turns and a write that waited finds the account gone (401);
    //   2. the reader's posting lock (posts only); 3. article rows, in id order;
    //   4. the erased reader's users row (erasure only); 5. comment rows; 6. other readers' rows and the rest.
    // Other readers' writes lock this reader's row only late (a notification to them, a moderator's hide moving
    // their comment count), always after the article; so erasure locks every article it will change before
    // the row, and the row before it changes anything. Cycles left among other readers' counters are
    // retried by the repositories' transactions.
    await this.unitOfWork.runRetried(async () => {
      await this.users.lockAccountForErasure(userId);
      await this.hooks.lockForErasure(userId);
      if (!(await this.users.lockRowForErasure(userId))) throw accountGone();
      await this.hooks.runErasers(userId);
      await this.users.eraseIdentity(userId);
    });
  }

  /**
   * First statement of a write by `userId` (see the lock order in eraseAccount): takes their account
   * lock and answers 401 when the account was erased while the request's token was still valid.
   */
  async lockActiveAccount(userId: string): Promise<void> {
    if (!(await this.users.lockActiveAccount(userId))) throw accountGone();
  }

  /**
   * For a write that will reference another reader's row (a follow): waits for that reader's erasure in
   * progress (it holds their row) and answers 404 USER_NOT_FOUND once they are gone.
   */
  async lockActiveReferenced(id: string): Promise<void> {
    if (!isUuid(id) || !(await this.users.lockActiveRow(id))) throw new AppError('USER_NOT_FOUND', 'No reader has this id');
  }

  /** Counter of the author's visible comments; call inside the comment's transaction. */
  adjustCommentCount(userId: string, delta: number): Promise<void> {
    return this.users.adjustCommentCount(userId, delta);
  }

  /**
   * Locks one live account for the rest of the transaction (a staff action on it);
   * null when it does not exist or was erased.
   */
  lockLiveAccount(id: string): Promise<LockedAccount | null> {
    return isUuid(id) ? this.users.lockLiveAccount(id) : Promise.resolve(null);
  }

  /**
   * Locks every live admin row and returns their ids: two admins demoting each
   * other at once queue here, and the second sees the first's change.
   */
  lockAdmins(): Promise<string[]> {
    return this.users.lockAdmins();
  }

  /** Many readers' follower and following counters at once (an erased reader's follows going); call inside the transaction. */
  applyFollowCountMoves(moves: { userId: string; following: number; followers: number }[]): Promise<void> {
    return this.users.applyFollowCountMoves(moves);
  }

  /** Follower and following counters; call inside the follow's transaction. */
  adjustFollowCounts(followerId: string, followeeId: string, delta: number): Promise<void> {
    return this.users.adjustFollowCounts(followerId, followeeId, delta);
  }

  /** Suspension and ban fields; `undefined` leaves one as it is. */
  setSanctions(
    userId: string,
    changes: { suspendedUntil?: Date | null; bannedAt?: Date | null },
  ): Promise<void> {
    return this.users.setSanctions(userId, changes);
  }


  /** The caller has already found (and locked) the account in its transaction. */
  async setRole(userId: string, role: Role): Promise<void> {
    await this.users.setRole(userId, role);
  }

  /**
   * The first admin, from ADMIN_EMAIL and ADMIN_PASSWORD. Whoever registered that
   * address first must not become admin by accident, so an existing account is
   * promoted only on the operator's explicit ADMIN_PROMOTE_EXISTING=true, and start-up
   * stops otherwise. ADMIN_PASSWORD only ever sets the password of the account it creates.
   */
  private async ensureAdmin(admin: { email: string; password: string; promoteExisting: boolean }): Promise<void> {
    const masked = maskedEmail(admin.email);
    const existing = await this.users.findActiveByEmail(admin.email);
    if (existing?.role === 'admin') {
      this.logger.log(`Admin bootstrap: ${masked} is already admin; nothing changed (ADMIN_PASSWORD is not applied to an existing account)`);
      return;
    }
    if (existing && !admin.promoteExisting) {
      throw new ConfigurationError(
        `Refusing to start: the ADMIN_EMAIL account ${masked} already exists with role ${existing.role}; ` +
          'set ADMIN_PROMOTE_EXISTING=true to make that account admin (its password stays), or choose another ADMIN_EMAIL',
      );
    }
    if (existing) {
      await this.users.setRole(existing.id, 'admin');
      this.logger.warn(`Admin bootstrap: promoted the existing account ${masked} from ${existing.role} to admin (ADMIN_PROMOTE_EXISTING=true); its password was not changed`);
      return;
    }
    try {
      await this.createAccount({ email: admin.email, password: admin.password, displayName: 'Administrator', role: 'admin' });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      // Another instance starting at the same moment created it first: check again what it is now.
      if (error.code === 'EMAIL_TAKEN') return this.ensureAdmin(admin);
      await this.createAccount({ email: admin.email, password: admin.password, displayName: `Admin ${Date.now().toString(36)}`, role: 'admin' });
    }
    this.logger.log(`Admin bootstrap: created the admin account ${masked} from ADMIN_EMAIL and ADMIN_PASSWORD`);
  }
}


/** `base` cut so that `suffix` fits within the 40 characters of a display name. */
export function withSuffix(base: string, suffix: string): string {
  const room = 40 - [...suffix].length;
  return [...base].slice(0, room).join('').trimEnd() + suffix;
}

/** The request's token was issued to an account that has since been erased. */
export function accountGone(): AppError {
  return new AppError('UNAUTHENTICATED', 'This account no longer exists');
}

export function toProfile(user: User, isSupporter: boolean): ProfileView {
  return {
    id: user.id,
    displayName: user.displayName ?? '',
    bio: user.bio,
    role: user.role,
    isSupporter,
    createdAt: user.createdAt.toISOString(),
    followerCount: user.followerCount,
    followingCount: user.followingCount,
    commentCount: user.commentCount,
  };
}

export function toUserView(user: User, supporter = NOT_A_SUPPORTER, unreadNotifications = 0): UserView {
  const now = new Date();
  return {
    ...toProfile(user, supporter.active),
    email: user.email ?? '',
    emailVerified: user.emailVerifiedAt !== null,
    supporter,
    unreadNotifications,
    suspendedUntil: user.suspendedUntil && user.suspendedUntil > now ? user.suspendedUntil.toISOString() : null,
    banned: user.bannedAt !== null,
  };
}

