import { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppError } from '../errors/app-error';
import { AccessGuard, assertNotSanctioned } from './access.guard';
import { AllowSanctioned, Auth, ReadOnly, Write } from './auth.decorators';
import { AuthenticatedUser } from './authenticated-user';
import { CMS_CLIENT_MARK } from './jwt-auth.guard';
import { isStaff, Role, ROLES, STAFF_ROLES } from './role';

// The contract: "A suspended or banned reader can read and log in but gets 403 on every write"; routes carry
// `@Auth({roles})`; a ban ends staff powers. These specs go through the guard with the real Reflector and the
// real decorators, as Nest calls it on a request.

const HOUR = 3_600_000;

function account(overrides: Partial<AuthenticatedUser> = {}): AuthenticatedUser {
  return { id: 'u1', role: 'reader', sessionId: 's1', suspendedUntil: null, bannedAt: null, ...overrides };
}

/** A handler decorated as a controller method would be. */
function handler(...decorators: MethodDecorator[]): () => void {
  class Controller {
    route(): void {}
  }
  const descriptor = Object.getOwnPropertyDescriptor(Controller.prototype, 'route') as PropertyDescriptor;
  for (const decorate of decorators) decorate(Controller.prototype, 'route', descriptor);
  return Controller.prototype.route;
}

interface Call {
  method: string;
  route: () => void;
  user?: AuthenticatedUser;
  cms?: boolean;
}

function contextOf(call: Call): { context: ExecutionContext; request: Record<string, unknown> } {
  const request: Record<string, unknown> = { method: call.method, user: call.user };
  if (call.cms) request[CMS_CLIENT_MARK] = true;
  const context = {
    getType: () => 'http',
    getHandler: () => call.route,
    getClass: () => class Unmarked {},
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
  return { context, request };
}

const guard = new AccessGuard(new Reflector());

function codeOf(call: Call): string | boolean {
  try {
    return guard.canActivate(contextOf(call).context);
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
}

describe('AccessGuard (contract)', () => {
  const suspended = account({ suspendedUntil: new Date(Date.now() + HOUR) });
  const suspensionOver = account({ suspendedUntil: new Date(Date.now() - HOUR) });
  const banned = account({ bannedAt: new Date(Date.now() - HOUR) });

  it.each(['rpc', 'ws', 'graphql'])('refuses a %s context with FORBIDDEN', (type) => {
    const context = { getType: () => type } as unknown as ExecutionContext;
    expect(() => guard.canActivate(context)).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
  });

  describe('sanctions on writes', () => {
    it.each(['POST', 'PUT', 'PATCH', 'DELETE'])('refuses a suspended reader an unmarked %s (counted as a write)', (method) => {
      expect(codeOf({ method, route: handler(), user: suspended })).toBe('ACCOUNT_SUSPENDED');
    });

    it.each(['POST', 'PUT', 'PATCH', 'DELETE'])('refuses a banned reader an unmarked %s', (method) => {
      expect(codeOf({ method, route: handler(), user: banned })).toBe('ACCOUNT_BANNED');
    });

    it.each(['GET', 'HEAD', 'OPTIONS'])('lets a suspended and a banned reader through an unmarked %s', (method) => {
      expect(codeOf({ method, route: handler(), user: suspended })).toBe(true);
      expect(codeOf({ method, route: handler(), user: banned })).toBe(true);
    });

    it('refuses a @Write() route even behind a read-looking verb', () => {
      expect(codeOf({ method: 'GET', route: handler(Write()), user: suspended })).toBe('ACCOUNT_SUSPENDED');
      expect(codeOf({ method: 'GET', route: handler(Write()), user: banned })).toBe('ACCOUNT_BANNED');
    });

    it('lets a sanctioned reader make a @ReadOnly() POST (a lookup)', () => {
      expect(codeOf({ method: 'POST', route: handler(ReadOnly()), user: suspended })).toBe(true);
      expect(codeOf({ method: 'POST', route: handler(ReadOnly()), user: banned })).toBe(true);
    });

    it('lets a sanctioned reader make an @AllowSanctioned() write (signing in and out)', () => {
      expect(codeOf({ method: 'POST', route: handler(AllowSanctioned()), user: suspended })).toBe(true);
      expect(codeOf({ method: 'DELETE', route: handler(AllowSanctioned()), user: banned })).toBe(true);
    });

    it('lets a reader whose suspension is over write', () => {
      expect(codeOf({ method: 'POST', route: handler(Write()), user: suspensionOver })).toBe(true);
    });

    it('lets an unsanctioned reader write', () => {
      expect(codeOf({ method: 'POST', route: handler(Write()), user: account() })).toBe(true);
      expect(codeOf({ method: 'DELETE', route: handler(), user: account() })).toBe(true);
    });

    it('names the end of the suspension in the refusal', () => {
      const until = new Date(Date.now() + 2 * HOUR);
      expect(() => guard.canActivate(contextOf({ method: 'POST', route: handler(Write()), user: account({ suspendedUntil: until }) }).context)).toThrow(
        until.toISOString(),
      );
    });

    it('lets anonymous requests and the CMS client past (authentication is the JWT guard’s job)', () => {
      expect(codeOf({ method: 'POST', route: handler(Write(), Auth({ roles: ['admin'] })) })).toBe(true);
      expect(codeOf({ method: 'POST', route: handler(Write(), Auth({ roles: ['admin'] })), user: banned, cms: true })).toBe(true);
    });
  });

  describe('roles', () => {
    const moderatorRoute = handler(Auth({ roles: ['moderator', 'admin'] }), ReadOnly());
    const adminRoute = handler(Auth({ roles: ['admin'] }), Write());

    it('refuses a role the route does not list with FORBIDDEN', () => {
      expect(codeOf({ method: 'GET', route: moderatorRoute, user: account() })).toBe('FORBIDDEN');
      expect(codeOf({ method: 'POST', route: adminRoute, user: account({ role: 'moderator' }) })).toBe('FORBIDDEN');
    });

    it('admits a listed role', () => {
      expect(codeOf({ method: 'GET', route: moderatorRoute, user: account({ role: 'moderator' }) })).toBe(true);
      expect(codeOf({ method: 'POST', route: adminRoute, user: account({ role: 'admin' }) })).toBe(true);
    });

    it('admits every role on a route with no role list (@Auth() alone)', () => {
      for (const role of ROLES) expect(codeOf({ method: 'GET', route: handler(Auth(), ReadOnly()), user: account({ role }) })).toBe(true);
    });

    it('ends every staff power with a ban, reads included (ACCOUNT_BANNED)', () => {
      expect(codeOf({ method: 'GET', route: moderatorRoute, user: account({ role: 'moderator', bannedAt: new Date() }) })).toBe('ACCOUNT_BANNED');
      expect(codeOf({ method: 'GET', route: adminRoute, user: account({ role: 'admin', bannedAt: new Date() }) })).toBe('ACCOUNT_BANNED');
    });

    it('lets a banned staff member read a reader route, as a reader', () => {
      const { context, request } = contextOf({
        method: 'GET',
        route: handler(Auth({ roles: ['reader', 'moderator', 'admin'] }), ReadOnly()),
        user: account({ role: 'moderator', bannedAt: new Date() }),
      });
      expect(guard.canActivate(context)).toBe(true);
      expect((request.user as AuthenticatedUser).role).toBe('reader');
    });

    it('reads a public page as a reader when banned staff, and keeps the role of unbanned staff', () => {
      const bannedAdmin = contextOf({ method: 'GET', route: handler(), user: account({ role: 'admin', bannedAt: new Date() }) });
      expect(bannedAdmin.context && guard.canActivate(bannedAdmin.context)).toBe(true);
      expect(bannedAdmin.request.user).toEqual(expect.objectContaining({ id: 'u1', role: 'reader' }));

      const moderator = contextOf({ method: 'GET', route: handler(), user: account({ role: 'moderator' }) });
      guard.canActivate(moderator.context);
      expect((moderator.request.user as AuthenticatedUser).role).toBe('moderator');

      const bannedReader = account({ bannedAt: new Date() });
      const reader = contextOf({ method: 'GET', route: handler(), user: bannedReader });
      guard.canActivate(reader.context);
      expect(reader.request.user).toBe(bannedReader);
    });

    it('refuses a suspended moderator a moderation write, but not a moderation read', () => {
      const suspendedModerator = account({ role: 'moderator', suspendedUntil: new Date(Date.now() + HOUR) });
      expect(codeOf({ method: 'POST', route: handler(Auth({ roles: ['moderator'] }), Write()), user: suspendedModerator })).toBe('ACCOUNT_SUSPENDED');
      expect(codeOf({ method: 'GET', route: moderatorRoute, user: suspendedModerator })).toBe(true);
    });
  });

  describe('assertNotSanctioned', () => {
    const now = new Date('2026-01-01T12:00:00Z');

    it('refuses a ban before a suspension', () => {
      expect(() => assertNotSanctioned(account({ bannedAt: now, suspendedUntil: new Date(now.getTime() + HOUR) }), now)).toThrow(
        expect.objectContaining({ code: 'ACCOUNT_BANNED' }),
      );
    });

    it('counts a suspension until its last instant, not after', () => {
      expect(() => assertNotSanctioned(account({ suspendedUntil: new Date(now.getTime() + 1) }), now)).toThrow(
        expect.objectContaining({ code: 'ACCOUNT_SUSPENDED' }),
      );
      expect(() => assertNotSanctioned(account({ suspendedUntil: now }), now)).not.toThrow();
      expect(() => assertNotSanctioned(account(), now)).not.toThrow();
    });
  });

  describe('roles', () => {
    it('has exactly the contract’s roles, moderator and admin being staff', () => {
      expect([...ROLES]).toEqual(['reader', 'moderator', 'admin']);
      expect([...STAFF_ROLES]).toEqual(['moderator', 'admin']);
      expect(ROLES.filter((role: Role) => isStaff(role))).toEqual(['moderator', 'admin']);
      expect(isStaff(undefined)).toBe(false);
    });
  });
});
