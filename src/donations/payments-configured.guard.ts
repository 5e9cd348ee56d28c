import { CanActivate, Injectable } from '@nestjs/common';
import { StripeConnection } from './stripe-connection';

/** Every donations endpoint answers 503 PAYMENTS_NOT_CONFIGURED while no Stripe secret key is set. */
@Injectable()
export class PaymentsConfiguredGuard implements CanActivate {
  constructor(private readonly stripe: StripeConnection) {}

  canActivate(): boolean {
    void this.stripe.client;
    return true;
  }
}
