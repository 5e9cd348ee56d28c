import { ExecutionContext } from '@nestjs/common';
import { requestLogLevel } from '../common/logging/request-log';
import { AppConfig, loadConfig } from '../config/app-config';
import { PaymentsConfiguredGuard } from './payments-configured.guard';
import { StripeConnection } from './stripe-connection';

function contextWith(raw: { statusCode: number }): ExecutionContext {
  return { switchToHttp: () => ({ getResponse: () => ({ raw }) }) } as unknown as ExecutionContext;
}

describe('PaymentsConfiguredGuard', () => {
  const config = (extra: Record<string, string> = {}): AppConfig =>
    loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(32), ...extra });

  it('refuses with PAYMENTS_NOT_CONFIGURED naming STRIPE_SECRET_KEY, and marks the 503 as expected for the request log', () => {
    const raw = { statusCode: 503 };
    const guard = new PaymentsConfiguredGuard(new StripeConnection(config()));
    expect(() => guard.canActivate(contextWith(raw))).toThrow(
      expect.objectContaining({ code: 'PAYMENTS_NOT_CONFIGURED', detail: expect.stringContaining('STRIPE_SECRET_KEY') }),
    );
    expect(requestLogLevel(raw)).toBe('warn');
  });

  it('lets the request through once a key is set', () => {
    const guard = new PaymentsConfiguredGuard(new StripeConnection(config({ STRIPE_SECRET_KEY: 'sk_test_configured' })));
    expect(guard.canActivate(contextWith({ statusCode: 200 }))).toBe(true);
  });
});
