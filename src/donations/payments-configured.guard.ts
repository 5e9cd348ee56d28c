import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { markExpectedOutage } from '../common/logging/request-log';
import { notConfigured, StripeConnection } from './stripe-connection';

/**
 * The endpoints that talk to Stripe answer 503 PAYMENTS_NOT_CONFIGURED while the
 * operator has not set it up: an expected answer, so it is logged as a warning.
 */
@Injectable()
export class PaymentsConfiguredGuard implements CanActivate {
  protected readonly use: 'api' | 'webhooks' = 'api';

  constructor(private readonly stripe: StripeConnection) {}

  canActivate(context: ExecutionContext): boolean {
    const missing = this.stripe.missingSetting(this.use);
    if (!missing) return true;
    markExpectedOutage(context.switchToHttp().getResponse<{ raw: object }>().raw);
    throw notConfigured(missing);
  }
}

/** The webhook also needs the signing secret. */
@Injectable()
export class WebhooksConfiguredGuard extends PaymentsConfiguredGuard {
  protected override readonly use = 'webhooks';
}
