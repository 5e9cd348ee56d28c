import { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { SkipThrottle, ThrottlerException, ThrottlerGuard } from '@nestjs/throttler';
import { loadConfig } from '../../config/app-config';
import { MemoryThrottlerStorage } from './memory-throttler.storage';
import { ClientThrottlerGuard } from './client-throttler.guard';
import { RateLimit } from './rate-limit.decorators';

class Routes {
  read(): void {}
  @RateLimit('auth')
  signIn(): void {}
  @SkipThrottle()
  health(): void {}
}

function context(handler: () => void, ip: string, headers: Record<string, unknown>): ExecutionContext {
  const request = { ip, headers: {} };
  const reply = { header: (name: string, value: unknown) => (headers[name] = value) };
  return {
    getType: () => 'http',
    getHandler: () => handler,
    getClass: () => Routes,
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => reply }),
  } as unknown as ExecutionContext;
}

describe('ClientThrottlerGuard', () => {
  const config = loadConfig({ JWT_SECRET: 'unit-test-secret-0123456789abcdef0123', RATE_LIMIT_MAX: '3', AUTH_RATE_LIMIT_MAX: '2' });
  const options = { throttlers: [{ name: 'default', ttl: 60_000, limit: 3 }] };
  let storage: MemoryThrottlerStorage;
  let guard: ClientThrottlerGuard;
  beforeEach(async () => {
    storage = new MemoryThrottlerStorage();
    guard = new ClientThrottlerGuard(options, storage, new Reflector(), config);
    await guard.onModuleInit();
  });
  afterEach(() => storage.onModuleDestroy());

  it('stores under the same key the library would (so shared Redis counters keep their keys)', async () => {
    const library = new ThrottlerGuard(options, storage, new Reflector());
    await library.onModuleInit();
    const ctx = context(Routes.prototype.read, '10.0.0.1', {});
    const generate = (g: ThrottlerGuard) => (g as unknown as { generateKey: (c: ExecutionContext, s: string, n: string) => string }).generateKey(ctx, 'ip:10.0.0.1', 'default');
    expect(generate(guard)).toBe(generate(library));
    expect(generate(guard)).toBe(generate(library));
  });

  it('counts each route with its own limit, the same on every request after the first', async () => {
    for (let hit = 1; hit <= 3; hit++) {
      const headers: Record<string, unknown> = {};
      await expect(guard.canActivate(context(Routes.prototype.read, '10.0.0.2', headers))).resolves.toBe(true);
      expect(headers).toEqual({ 'X-RateLimit-Limit': 3, 'X-RateLimit-Remaining': 3 - hit, 'X-RateLimit-Reset': 60 });
    }
    await expect(guard.canActivate(context(Routes.prototype.read, '10.0.0.2', {}))).rejects.toBeInstanceOf(ThrottlerException);
    const headers: Record<string, unknown> = {};
    await expect(guard.canActivate(context(Routes.prototype.signIn, '10.0.0.2', headers))).resolves.toBe(true);
    expect(headers['X-RateLimit-Limit']).toBe(2);
    await guard.canActivate(context(Routes.prototype.signIn, '10.0.0.2', {}));
    await expect(guard.canActivate(context(Routes.prototype.signIn, '10.0.0.2', {}))).rejects.toBeInstanceOf(ThrottlerException);
  });

  it('leaves a @SkipThrottle() route uncounted', async () => {
    for (let hit = 0; hit < 5; hit++) await expect(guard.canActivate(context(Routes.prototype.health, '10.0.0.3', {}))).resolves.toBe(true);
    expect(storage.size).toBe(0);
  });
});
