import { AuthenticatedUser } from '../common/auth/authenticated-user';
import { Role } from '../common/auth/role';
import { AppError } from '../common/errors/app-error';

/** What the sanction rules read of an account (its locked row). */
export interface SanctionTarget {
  id: string;
  role: Role;
  suspendedUntil: Date | null;
  bannedAt: Date | null;
}

/**
 * The decisions of suspensions, bans and roles, apart from the SQL that locks and writes them
 * (`SanctionsService` calls these inside its transaction):
 * - nobody sanctions their own account;
 * - admins cannot be suspended or banned (demote them first);
 * - only an admin may suspend or lift the suspension of a moderator;
 * - a suspension ends in the future;
 * - the last admin keeps the role;
 * - repeating an action that is already in effect changes nothing.
 */
export function assertSuspensionEndsLater(until: Date, now: Date = new Date()): void {
  if (until.getTime() <= now.getTime()) {
    throw new AppError('VALIDATION_FAILED', 'until must be in the future', [{ field: 'until', message: 'until must be in the future' }]);
  }
}

export function assertMaySanction(actor: AuthenticatedUser, target: SanctionTarget): void {
  if (target.id === actor.id) throw new AppError('FORBIDDEN', 'You cannot sanction your own account');
  if (target.role === 'admin') throw new AppError('FORBIDDEN', 'An admin cannot be suspended or banned; change the role first');
  if (target.role === 'moderator' && actor.role !== 'admin') {
    throw new AppError('FORBIDDEN', 'Only an admin can sanction a moderator');
  }
}

export function isSuspended(account: Pick<SanctionTarget, 'suspendedUntil'>, now: Date = new Date()): boolean {
  return account.suspendedUntil !== null && account.suspendedUntil.getTime() > now.getTime();
}

/** Suspending again until the same instant is a no-op; any other end replaces the current one. */
export function suspensionChanges(target: SanctionTarget, until: Date): boolean {
  return target.suspendedUntil?.getTime() !== until.getTime();
}

/** Whether the role change does anything; refuses to demote the last admin (`admins` = every admin, locked). */
export function roleChanges(target: SanctionTarget, role: Role, adminCount: number): boolean {
  if (target.role === role) return false;
  if (target.role === 'admin' && adminCount <= 1) {
    throw new AppError('LAST_ADMIN', 'This is the last admin; promote another account first');
  }
  return true;
}

/** The sanction fields of a reader's standing: a suspension that has ended is shown as none. */
export function standingOf(
  account: Pick<SanctionTarget, 'suspendedUntil' | 'bannedAt'>,
  now: Date = new Date(),
): { suspendedUntil: string | null; banned: boolean; bannedAt: string | null } {
  return {
    suspendedUntil: account.suspendedUntil && isSuspended(account, now) ? account.suspendedUntil.toISOString() : null,
    banned: account.bannedAt !== null,
    bannedAt: account.bannedAt?.toISOString() ?? null,
  };
}
