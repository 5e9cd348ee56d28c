import { AuthenticatedUser } from '../common/auth/authenticated-user';
import { Role } from '../common/auth/role';
import { AppError } from '../common/errors/app-error';
import { assertMaySanction, assertSuspensionEndsLater, isSuspended, roleChanges, SanctionTarget, standingOf, suspensionChanges } from './sanction-rules';

// Contract: POST …/suspend is for moderators, …/ban and …/unban and PUT …/role for admins; roles reader, moderator,
// admin; the standing shows `suspendedUntil` and `bannedAt`. The rules beyond it are the service's documented ones.

const now = new Date('2026-03-01T12:00:00Z');
const later = new Date(now.getTime() + 60_000);
const earlier = new Date(now.getTime() - 60_000);

function actor(role: Role, id = 'actor'): AuthenticatedUser {
  return { id, role, sessionId: 's', suspendedUntil: null, bannedAt: null };
}

function target(overrides: Partial<SanctionTarget> = {}): SanctionTarget {
  return { id: 'target', role: 'reader', suspendedUntil: null, bannedAt: null, ...overrides };
}

function refusal(run: () => unknown): AppError | null {
  try {
    run();
    return null;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
}

describe('sanction rules', () => {
  describe('who may sanction whom', () => {
    it('lets a moderator and an admin sanction a reader', () => {
      expect(refusal(() => assertMaySanction(actor('moderator'), target()))).toBeNull();
      expect(refusal(() => assertMaySanction(actor('admin'), target()))).toBeNull();
    });

    it('refuses anyone their own account (FORBIDDEN)', () => {
      for (const role of ['reader', 'moderator'] as const) {
        expect(refusal(() => assertMaySanction(actor(role, 'same'), target({ id: 'same', role })))?.code).toBe('FORBIDDEN');
      }
      expect(refusal(() => assertMaySanction(actor('admin', 'same'), target({ id: 'same', role: 'admin' })))?.message).toMatch(/own account/);
    });

    it('refuses to sanction an admin, even for another admin', () => {
      const error = refusal(() => assertMaySanction(actor('admin'), target({ role: 'admin' })));
      expect(error?.code).toBe('FORBIDDEN');
      expect(error?.message).toMatch(/change the role first/);
    });

    it('lets only an admin sanction a moderator', () => {
      const error = refusal(() => assertMaySanction(actor('moderator'), target({ role: 'moderator' })));
      expect(error?.code).toBe('FORBIDDEN');
      expect(error?.message).toMatch(/Only an admin/);
      expect(refusal(() => assertMaySanction(actor('admin'), target({ role: 'moderator' })))).toBeNull();
    });
  });

  describe('suspensions', () => {
    it('wants the end in the future: 400 VALIDATION_FAILED naming `until`', () => {
      for (const until of [now, earlier]) {
        const error = refusal(() => assertSuspensionEndsLater(until, now));
        expect(error?.code).toBe('VALIDATION_FAILED');
        expect(error?.errors).toEqual([{ field: 'until', message: 'until must be in the future' }]);
      }
      expect(refusal(() => assertSuspensionEndsLater(new Date(now.getTime() + 1), now))).toBeNull();
    });

    it('checks against the present when no instant is given', () => {
      expect(refusal(() => assertSuspensionEndsLater(new Date(Date.now() - 1000)))?.code).toBe('VALIDATION_FAILED');
      expect(refusal(() => assertSuspensionEndsLater(new Date(Date.now() + 60_000)))).toBeNull();
    });

    it('counts a suspension as in effect until its end, not at it or after', () => {
      expect(isSuspended({ suspendedUntil: later }, now)).toBe(true);
      expect(isSuspended({ suspendedUntil: now }, now)).toBe(false);
      expect(isSuspended({ suspendedUntil: earlier }, now)).toBe(false);
      expect(isSuspended({ suspendedUntil: null }, now)).toBe(false);
      expect(isSuspended({ suspendedUntil: new Date(Date.now() + 60_000) })).toBe(true);
      expect(isSuspended({ suspendedUntil: new Date(Date.now() - 60_000) })).toBe(false);
    });

    it('treats suspending until the same instant again as a no-op, and any other end as a change', () => {
      expect(suspensionChanges(target({ suspendedUntil: new Date(later.getTime()) }), later)).toBe(false);
      expect(suspensionChanges(target({ suspendedUntil: earlier }), later)).toBe(true);
      expect(suspensionChanges(target(), later)).toBe(true);
    });
  });

  describe('roles', () => {
    it('is a no-op to give the role an account has', () => {
      for (const role of ['reader', 'moderator', 'admin'] as const) expect(roleChanges(target({ role }), role, 1)).toBe(false);
    });

    it('refuses to demote the last admin (LAST_ADMIN)', () => {
      expect(refusal(() => roleChanges(target({ role: 'admin' }), 'moderator', 1))?.code).toBe('LAST_ADMIN');
      expect(refusal(() => roleChanges(target({ role: 'admin' }), 'reader', 0))?.code).toBe('LAST_ADMIN');
    });

    it('demotes an admin while another remains, and promotes anyone', () => {
      expect(roleChanges(target({ role: 'admin' }), 'reader', 2)).toBe(true);
      expect(roleChanges(target({ role: 'reader' }), 'admin', 1)).toBe(true);
      expect(roleChanges(target({ role: 'moderator' }), 'reader', 1)).toBe(true);
    });
  });

  describe('standing', () => {
    it('shows a suspension in effect and a ban with their instants', () => {
      expect(standingOf({ suspendedUntil: later, bannedAt: earlier }, now)).toEqual({
        suspendedUntil: later.toISOString(),
        banned: true,
        bannedAt: earlier.toISOString(),
      });
    });

    it('shows an ended suspension and no ban as none', () => {
      expect(standingOf({ suspendedUntil: earlier, bannedAt: null }, now)).toEqual({ suspendedUntil: null, banned: false, bannedAt: null });
      expect(standingOf({ suspendedUntil: null, bannedAt: null }, now)).toEqual({ suspendedUntil: null, banned: false, bannedAt: null });
      expect(standingOf({ suspendedUntil: new Date(Date.now() + 60_000), bannedAt: null }).suspendedUntil).not.toBeNull();
    });
  });
});
