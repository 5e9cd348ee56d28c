import Stripe from 'stripe';
import { AppError } from '../common/errors/app-error';

/**
 * Stripe's own messages never reach a client: a refusal becomes 502
 * PAYMENT_PROVIDER_ERROR, an outage or rate limit 503 PAYMENT_PROVIDER_UNAVAILABLE.
 */
export function toProviderError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (isTransientStripeError(error)) {
    return new AppError('PAYMENT_PROVIDER_UNAVAILABLE', 'The payment provider cannot be reached; try again shortly', undefined, {
      'Retry-After': '30',
    });
  }
  return new AppError('PAYMENT_PROVIDER_ERROR', 'The payment provider could not start this payment');
}

export function isTransientStripeError(error: unknown): boolean {
  return (
    error instanceof Stripe.errors.StripeConnectionError ||
    error instanceof Stripe.errors.StripeRateLimitError ||
    error instanceof Stripe.errors.StripeAPIError ||
    (error instanceof Stripe.errors.StripeError && (error.statusCode ?? 0) >= 500)
  );
}

export function isStripeNotFound(error: unknown): boolean {
  return error instanceof Stripe.errors.StripeInvalidRequestError && error.statusCode === 404;
}

/** What a log line may say about a Stripe failure: its type and code, never a key or a customer's data. */
export function describeStripeError(error: unknown): Record<string, unknown> {
  if (error instanceof Stripe.errors.StripeError) {
    return { type: error.type, code: error.code, statusCode: error.statusCode, requestId: error.requestId };
  }
  return { type: error instanceof Error ? error.name : typeof error };
}
