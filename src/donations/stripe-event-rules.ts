import type Stripe from 'stripe';
import { DisputeStatus, DonationStatus } from './donation-terms';

/**
 * The decisions of the Stripe webhook state machine, apart from the locks and SQL that apply them
 * (`StripeWebhookService` calls these inside the transaction that claims the event id).
 */

/** The event types the contract lists; every other signed event is acknowledged without effect. */
export const HANDLED_EVENT_TYPES: readonly string[] = [
  'checkout.session.completed',
  'checkout.session.async_payment_succeeded',
  'checkout.session.async_payment_failed',
  'checkout.session.expired',
  'invoice.paid',
  'invoice.payment_failed',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'charge.refunded',
  'charge.dispute.created',
  'charge.dispute.closed',
];
const HANDLED = new Set(HANDLED_EVENT_TYPES);

export function isHandledEvent(type: string): boolean {
  return HANDLED.has(type);
}

/** Subscription statuses under which a recurring donation will renew. */
const RENEWING_STATUSES = new Set(['active', 'trialing', 'past_due']);
/** Subscription statuses that end a recurring donation. */
const ENDED_STATUSES = new Set(['canceled', 'incomplete_expired']);

/** An expandable field's id. */
export function idOf(value: string | { id: string } | null | undefined): string | null {
  if (!value) return null;
  return typeof value === 'string' ? value : value.id;
}

/** Stripe's seconds as a Date; 0, null and absent are "no time". */
export function fromUnix(seconds: number | null | undefined): Date | null {
  return seconds ? new Date(seconds * 1000) : null;
}

/** A subscription's paid period ends where its items' periods end (the latest). */
export function periodEndOf(subscription: Pick<Stripe.Subscription, 'items'>): Date | null {
  const ends = subscription.items.data.map((item) => item.current_period_end).filter((end) => Number.isFinite(end));
  return ends.length > 0 ? fromUnix(Math.max(...ends)) : null;
}

/** An invoice pays up to the latest end of its lines' periods. */
export function invoicePeriodEnd(invoice: Pick<Stripe.Invoice, 'lines'>): Date | null {
  const ends = invoice.lines.data.map((line) => line.period.end);
  return ends.length > 0 ? fromUnix(Math.max(...ends)) : null;
}

/** Our donation ids are UUIDs; anything else a payload carries names no donation. */
export function isDonationId(id: string | null | undefined): id is string {
  return typeof id === 'string' && /^[0-9a-f-]{36}$/i.test(id);
}

/** A completed Checkout Session settles the donation only when it is paid (a delayed method settles later). */
export function checkoutIsPaid(paymentStatus: Stripe.Checkout.Session['payment_status']): boolean {
  return paymentStatus === 'paid';
}

/**
 * A paid subscription invoice: the first one (the subscription's creation, or the invoice the donation already
 * names, redelivered) settles the original donation; a later one is a renewal, unless nothing was paid.
 */
export function paidInvoiceKind(
  invoice: Pick<Stripe.Invoice, 'id' | 'billing_reason' | 'amount_paid'>,
  original: { stripeInvoiceId: string | null },
): 'first' | 'renewal' | 'nothing paid' {
  if (invoice.billing_reason === 'subscription_create' || original.stripeInvoiceId === invoice.id) return 'first';
  return invoice.amount_paid > 0 ? 'renewal' : 'nothing paid';
}

/** A failed subscription invoice: the first one fails the pending donation; a later one is a failed renewal, unless nothing was due. */
export function failedInvoiceKind(invoice: Pick<Stripe.Invoice, 'billing_reason' | 'amount_due'>): 'first' | 'renewal' | 'nothing due' {
  if (invoice.billing_reason === 'subscription_create') return 'first';
  return invoice.amount_due > 0 ? 'renewal' : 'nothing due';
}

/** Whether the subscription will renew: a renewing status, and no cancellation at the period's end. */
export function subscriptionRenews(status: Stripe.Subscription.Status, cancelAtPeriodEnd: boolean): boolean {
  return RENEWING_STATUSES.has(status) && !cancelAtPeriodEnd;
}

/** An ended subscription turns its succeeded donation into `canceled` (a refunded or disputed one keeps its status). */
export function subscriptionEndsDonation(status: Stripe.Subscription.Status, donationStatus: DonationStatus): boolean {
  return ENDED_STATUSES.has(status) && donationStatus === 'succeeded';
}

/** A full refund ends what the payment granted, and is announced once (a repeated full refund is not). */
export function refundEffect(fullyRefunded: boolean, donationStatus: DonationStatus): { revoke: boolean; announce: boolean } {
  return { revoke: fullyRefunded, announce: fullyRefunded && donationStatus !== 'refunded' };
}

/**
 * What a dispute event records: `won` and `warning_closed` close it as won, `lost` as lost (ending what the payment
 * granted); any other status is an open dispute, unless the stored one is already closed (an out-of-order event: null).
 */
export function disputeEffect(
  status: Stripe.Dispute.Status,
  stored: DisputeStatus | null,
): { record: DisputeStatus; revoke: boolean } | null {
  if (status === 'lost') return { record: 'lost', revoke: true };
  if (status === 'won' || status === 'warning_closed') return { record: 'won', revoke: false };
  if (stored === 'won' || stored === 'lost') return null;
  return { record: 'open', revoke: false };
}
