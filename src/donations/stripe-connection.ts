import { Injectable } from '@nestjs/common';
import Stripe from 'stripe';
import { AppError } from '../common/errors/app-error';
import { AppConfig } from '../config/app-config';

/** The one place the Stripe API version is pinned: the version the installed SDK's types declare. */
export const STRIPE_API_VERSION = '2026-10-28.endive' satisfies Stripe.StripeConfig['apiVersion'];

const PRODUCTION_NETWORK_RETRIES = 2;
const REQUEST_TIMEOUT_MS = 20_000;

/** Builds the SDK client from configuration; null when no secret key is set (payments off). */
export function createStripeClient(config: AppConfig): Stripe | null {
  const { secretKey, apiHost, apiPort, apiProtocol } = config.stripe;
  if (!secretKey) return null;
  const testDouble = secretKey.startsWith('sk_test_') ? { host: apiHost, port: apiPort, protocol: apiProtocol } : {};
  return new Stripe(secretKey, {
    apiVersion: STRIPE_API_VERSION,
    maxNetworkRetries: config.nodeEnv === 'test' ? 0 : PRODUCTION_NETWORK_RETRIES,
    timeout: REQUEST_TIMEOUT_MS,
    telemetry: false,
    appInfo: { name: 'margin' },
    ...Object.fromEntries(Object.entries(testDouble).filter(([, value]) => value !== undefined)),
  });
}

/**
 * Access to Stripe for the donations module. Without a secret key (or, for
 * webhooks, a signing secret) every use answers 503 PAYMENTS_NOT_CONFIGURED.
 */
@Injectable()
export class StripeConnection {
  private readonly stripe: Stripe | null;

  constructor(private readonly config: AppConfig) {
    this.stripe = createStripeClient(config);
  }

  get isConfigured(): boolean {
    return this.stripe !== null;
  }

  get client(): Stripe {
    if (!this.stripe) throw notConfigured('STRIPE_SECRET_KEY');
    return this.stripe;
  }

  /** The setting the operator still has to give before this use of Stripe works, or null. */
  missingSetting(use: 'api' | 'webhooks'): 'STRIPE_SECRET_KEY' | 'STRIPE_WEBHOOK_SECRET' | null {
    if (!this.stripe) return 'STRIPE_SECRET_KEY';
    if (use === 'webhooks' && !this.config.stripe.webhookSecret) return 'STRIPE_WEBHOOK_SECRET';
    return null;
  }

  /** Verifies `Stripe-Signature` over the exact bytes received; 400 INVALID_SIGNATURE otherwise. */
  verifyEvent(rawBody: Buffer | undefined, signature: string | string[] | undefined): Stripe.Event {
    const secret = this.config.stripe.webhookSecret;
    if (!secret) throw notConfigured('STRIPE_WEBHOOK_SECRET');
    if (!rawBody || typeof signature !== 'string' || signature.length === 0) {
      throw new AppError('INVALID_SIGNATURE', 'The Stripe-Signature header is missing');
    }
    try {
      return this.client.webhooks.constructEvent(rawBody, signature, secret);
    } catch {
      throw new AppError('INVALID_SIGNATURE', 'The Stripe-Signature header does not match the body');
    }
  }
}

/** Names the missing setting for the operator; readers only learn that donations are off. */
export function notConfigured(setting: 'STRIPE_SECRET_KEY' | 'STRIPE_WEBHOOK_SECRET'): AppError {
  return new AppError('PAYMENTS_NOT_CONFIGURED', `Donations are not available on this site: the operator has not set ${setting}`);
}
