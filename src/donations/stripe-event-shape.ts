import { QueryFailedError } from 'typeorm';
import { isStorableText } from '../common/validation/text-normalization';

/** Stripe's ids: a prefix, an underscore and letters or digits; the columns that hold them take 255 characters. */
const STRIPE_ID = /^[A-Za-z0-9_]{1,255}$/;
// Seconds since 1970: anything past the year 5000 is not a time Stripe sends.
const LATEST_UNIX_SECONDS = 95_617_584_000;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStripeId(value: unknown): boolean {
  return typeof value === 'string' && STRIPE_ID.test(value);
}

/** An expandable field: absent, null, an id, or an object carrying one. */
function isReference(value: unknown): boolean {
  return value === undefined || value === null || isStripeId(value) || (isObject(value) && isStripeId(value.id));
}

function isEventType(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 100 && isStorableText(value);
}

/** Whether an event, however malformed, has an id and type that `stripe_events` can hold (so a redelivery is a no-op). */
export function recordableIdentity(event: unknown): { id: string; type: string } | null {
  return isObject(event) && isStripeId(event.id) && isEventType(event.type) ? { id: event.id as string, type: event.type } : null;
}

/** What the handler of each event type reads before it touches the database, and asks Stripe about. */
function objectProblem(type: string, object: Json): string | null {
  switch (type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded':
      return isReference(object.subscription) ? null : 'the session names no valid subscription id';
    case 'customer.subscription.updated':
    case 'customer.subscription.deleted':
      return isStripeId(object.id) ? null : 'the subscription has no valid id';
    case 'invoice.paid':
      if (object.id !== undefined && object.id !== null && !isStripeId(object.id)) return 'the invoice has no valid id';
      if (object.payments !== undefined && !(isObject(object.payments) && Array.isArray(object.payments.data))) {
        return 'the invoice payments are not a list';
      }
      return null;
    default:
      return null;
  }
}

/**
 * Why a correctly signed event can never be processed, or null when it looks
 * processable. Stripe retries every non-2xx answer for days, so such an event
 * is acknowledged (and logged) rather than answered with an error that would
 * only bring it back.
 */
export function whyUnprocessable(event: unknown): string | null {
  if (!isObject(event)) return 'the event is not an object';
  if (!isStripeId(event.id)) return 'the event has no valid id';
  if (!isEventType(event.type)) return 'the event has no valid type';
  if (!Number.isSafeInteger(event.created) || (event.created as number) <= 0 || (event.created as number) > LATEST_UNIX_SECONDS) {
    return 'the event has no valid creation time';
  }
  if (!isObject(event.data) || !isObject(event.data.object)) return 'the event carries no object';
  return objectProblem(event.type, event.data.object);
}

/** PostgreSQL's data exceptions (class 22): a value no retry can make fit (too long, out of range, a NUL…). */
function isDataException(error: unknown): boolean {
  const code = error instanceof QueryFailedError ? (error.driverError as { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('22');
}

/**
 * True for failures that the same payload would hit on every retry: a field
 * of the wrong type or shape (TypeError, RangeError) or a value the database
 * refuses. Anything else (the database or Stripe unreachable, a deadlock) may
 * pass later, so it stays an error and Stripe retries.
 */
export function isPermanentEventFailure(error: unknown): boolean {
  return error instanceof TypeError || error instanceof RangeError || isDataException(error);
}
