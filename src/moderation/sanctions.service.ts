import { UnitOfWork } from '../database/unit-of-work';
import { Injectable } from '@nestjs/common';
import { AuthService } from '../auth/auth.service';
import { AuthenticatedUser } from '../common/auth/authenticated-user';
import { Role } from '../common/auth/role';
import { AppError } from '../common/errors/app-error';
import { AccountHooks } from '../common/hooks/account-hooks';
import { toProfile, UsersService } from '../users/users.service';
import { AuditLogService } from './audit-log.service';
import { DomainEvents } from '../common/events/domain-events';
import { assertMaySanction, assertSuspensionEndsLater, isSuspended, roleChanges, standingOf, suspensionChanges } from './sanction-rules';
import { AccountStandingView } from './dto/sanctions.dto';
import type { LockedAccount } from '../users/users.repository';

/**
 * Suspensions, bans and roles; the decisions are in `sanction-rules.ts` (a repeated action is a 200 no-op with no
 * audit entry). Each change locks the account row and writes its audit entry in the same transaction.
 */
@Injectable()
export class SanctionsService {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly users: UsersService,
    private readonly auth: AuthService,
    private readonly audit: AuditLogService,
    private readonly hooks: AccountHooks,
    private readonly events: DomainEvents,
  ) {}

  async suspend(actor: AuthenticatedUser, userId: string, until: Date, reason: string): Promise<AccountStandingView> {
    assertSuspensionEndsLater(until);
    await this.unitOfWork.runRetried(async () => {
      const target = await this.lockTarget(actor, userId);
      if (!suspensionChanges(target, until)) return;
      await this.users.setSanctions(target.id, { suspendedUntil: until });
      await this.events.publish('user.sanctioned', { userId: target.id, action: 'suspended', until: until.toISOString() });
      await this.audit.record({
        actorId: actor.id,
        action: 'user.suspend',
        targetType: 'user',
        targetId: target.id,
        reason,
        metadata: { until: until.toISOString(), previousUntil: target.suspendedUntil?.toISOString() ?? null },
      });
    });
    return this.standing(userId);
  }

  async unsuspend(actor: AuthenticatedUser, userId: string, reason: string): Promise<AccountStandingView> {
    await this.unitOfWork.runRetried(async () => {
      const target = await this.lockTarget(actor, userId);
      if (!isSuspended(target)) return;
      await this.users.setSanctions(target.id, { suspendedUntil: null });
      await this.audit.record({
        actorId: actor.id,
        action: 'user.unsuspend',
        targetType: 'user',
        targetId: target.id,
        reason,
        metadata: { previousUntil: target.suspendedUntil?.toISOString() ?? null },
      });
    });
    return this.standing(userId);
  }

  /** Bans the account and ends every session in the same transaction: refresh tokens and access tokens stop working at once. */
  async ban(actor: AuthenticatedUser, userId: string, reason: string): Promise<AccountStandingView> {
    await this.unitOfWork.runRetried(async () => {
      const target = await this.lockTarget(actor, userId);
      if (target.bannedAt) return;
      await this.users.setSanctions(target.id, { bannedAt: new Date() });
      await this.auth.endAllSessions(target.id, 'banned');
      await this.events.publish('user.sanctioned', { userId: target.id, action: 'banned', until: null });
      await this.audit.record({ actorId: actor.id, action: 'user.ban', targetType: 'user', targetId: target.id, reason });
    });
    return this.standing(userId);
  }

  async unban(actor: AuthenticatedUser, userId: string, reason: string): Promise<AccountStandingView> {
    await this.unitOfWork.runRetried(async () => {
      const target = await this.lockTarget(actor, userId);
      if (!target.bannedAt) return;
      await this.users.setSanctions(target.id, { bannedAt: null });
      await this.audit.record({ actorId: actor.id, action: 'user.unban', targetType: 'user', targetId: target.id, reason });
    });
    return this.standing(userId);
  }

  /**
   * Changes a role. Every admin row is locked first, so two admins demoting
   * each other at the same moment cannot leave the site without one.
   */
  async setRole(actor: AuthenticatedUser, userId: string, role: Role, reason: string | null): Promise<AccountStandingView> {
    await this.unitOfWork.runRetried(async () => {
      const admins = await this.users.lockAdmins();
      const target = await this.findTarget(userId);
      if (!roleChanges(target, role, admins.length)) return;
      await this.users.setRole(target.id, role);
      await this.audit.record({
        actorId: actor.id,
        action: 'user.role',
        targetType: 'user',
        targetId: target.id,
        reason,
        metadata: { from: target.role, to: role },
      });
    });
    return this.standing(userId);
  }

  /** Locks the account with the transaction's own connection (a second pool connection here could deadlock the pool). */
  private async findTarget(userId: string): Promise<LockedAccount> {
    const target = await this.users.lockLiveAccount(userId);
    if (!target) throw new AppError('USER_NOT_FOUND', 'No reader has this id');
    return target;
  }

  private async lockTarget(actor: AuthenticatedUser, userId: string): Promise<LockedAccount> {
    const target = await this.findTarget(userId);
    assertMaySanction(actor, target);
    return target;
  }

  private async standing(userId: string): Promise<AccountStandingView> {
    const user = await this.users.findActive(userId);
    const supporter = await this.hooks.supporterStatus(user.id);
    return { ...toProfile(user, supporter.active), ...standingOf(user) };
  }
}

