import { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppError } from '../errors/app-error';
import { AccessGuard } from './access.guard';
import { AuthenticatedUser } from './authenticated-user';

const suspended: AuthenticatedUser = {
  id: 'u1',
  role: 'reader',
  sessionId: 's1',
  suspendedUntil: new Date(Date.now() + 3_600_000),
  bannedAt: null,
};

function httpContext(method: string, handler: () => void, user?: AuthenticatedUser): ExecutionContext {
  return {
    getType: () => 'http',
    getHandler: () => handler,
    getClass: () => class Unmarked {},
    switchToHttp: () => ({ getRequest: () => ({ method, user }) }),
  } as unknown as ExecutionContext;
}

describe('AccessGuard', () => {
  const guard = new AccessGuard(new Reflector());

  it('refuses a context it does not understand (not HTTP)', () => {
    const context = { getType: () => 'rpc' } as unknown as ExecutionContext;
    expect(() => guard.canActivate(context)).toThrow(AppError);
  });

  it('treats an unmarked non-GET handler as a write (fail closed)', () => {
    expect(() => guard.canActivate(httpContext('POST', () => undefined, suspended))).toThrow(
      expect.objectContaining({ code: 'ACCOUNT_SUSPENDED' }),
    );
  });

  it('lets a sanctioned reader through an unmarked GET', () => {
    expect(guard.canActivate(httpContext('GET', () => undefined, suspended))).toBe(true);
  });
});
