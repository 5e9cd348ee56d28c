import { randomUUID } from 'node:crypto';
import Stripe from 'stripe';
import { STRIPE_API_VERSION } from '../../src/donations/stripe-connection';
import { FAKE_WEBHOOK_SECRET } from './fake-stripe';

/**
 * Stripe objects and events in the shapes of the pinned API version (an
 * invoice's subscription under `parent.subscription_details`, a subscription's
 * period on its items), signed the way Stripe signs webhooks.
 */
const signer = new Stripe('sk_test_fixture_signer');

const now = () => Math.floor(Date.now() / 1000);
const DAY = 24 * 3600;

export function stripeId(prefix: string): string {
  return `${prefix}_test_${randomUUID().replace(/-/g, '').slice(0, 20)}`;
}

export interface DonationRef {
  donationId: string;
  articleId: string;
  appealId?: string;
}

function metadataOf(ref: DonationRef): Record<string, string> {
  return { donationId: ref.donationId, articleId: ref.articleId, appealId: ref.appealId ?? 'default' };
}

export function checkoutSession(
  ref: DonationRef,
  options: {
    id?: string;
    mode?: 'payment' | 'subscription';
    paymentStatus?: 'paid' | 'unpaid' | 'no_payment_required';
    status?: 'complete' | 'expired' | 'open';
    paymentIntent?: string | null;
    subscription?: string | null;
    customer?: string | null;
    amount?: number;
    currency?: string;
  } = {},
) {
  const mode = options.mode ?? 'payment';
  return {
    id: options.id ?? stripeId('cs'),
    object: 'checkout.session',
    mode,
    status: options.status ?? 'complete',
    payment_status: options.paymentStatus ?? 'paid',
    client_reference_id: ref.donationId,
    metadata: metadataOf(ref),
    amount_total: options.amount ?? 500,
    currency: options.currency ?? 'gbp',
    customer: options.customer ?? null,
    customer_details: { email: 'donor@example.test' },
    payment_intent: mode === 'payment' ? (options.paymentIntent ?? stripeId('pi')) : null,
    subscription: mode === 'subscription' ? (options.subscription ?? stripeId('sub')) : null,
    submit_type: mode === 'payment' ? 'donate' : null,
    created: now() - 60,
    expires_at: now() + DAY,
    livemode: false,
    url: null,
  };
}

export function subscription(
  ref: DonationRef,
  options: {
    id: string;
    status?: string;
    cancelAtPeriodEnd?: boolean;
    periodStart?: number;
    periodEnd?: number;
    customer?: string;
    interval?: 'month' | 'year';
    amount?: number;
  },
) {
  const periodStart = options.periodStart ?? now() - 60;
  const periodEnd = options.periodEnd ?? periodStart + 30 * DAY;
  return {
    id: options.id,
    object: 'subscription',
    status: options.status ?? 'active',
    cancel_at_period_end: options.cancelAtPeriodEnd ?? false,
    canceled_at: options.status === 'canceled' ? now() - 1 : null,
    customer: options.customer ?? stripeId('cus'),
    metadata: metadataOf(ref),
    created: periodStart,
    start_date: periodStart,
    livemode: false,
    items: {
      object: 'list',
      has_more: false,
      url: `/v1/subscription_items?subscription=${options.id}`,
      data: [
        {
          id: stripeId('si'),
          object: 'subscription_item',
          current_period_start: periodStart,
          current_period_end: periodEnd,
          quantity: 1,
          price: {
            id: stripeId('price'),
            object: 'price',
            currency: 'gbp',
            unit_amount: options.amount ?? 500,
            recurring: { interval: options.interval ?? 'month', interval_count: 1 },
          },
        },
      ],
    },
  };
}

export function invoice(
  ref: DonationRef,
  options: {
    id?: string;
    subscription: string;
    billingReason?: 'subscription_create' | 'subscription_cycle';
    amount?: number;
    currency?: string;
    periodStart?: number;
    periodEnd?: number;
    paymentIntent?: string;
    status?: 'paid' | 'open';
  },
) {
  const id = options.id ?? stripeId('in');
  const amount = options.amount ?? 500;
  const periodStart = options.periodStart ?? now() - 60;
  const periodEnd = options.periodEnd ?? periodStart + 30 * DAY;
  const paid = (options.status ?? 'paid') === 'paid';
  return {
    id,
    object: 'invoice',
    status: options.status ?? 'paid',
    billing_reason: options.billingReason ?? 'subscription_cycle',
    amount_due: amount,
    amount_paid: paid ? amount : 0,
    amount_remaining: paid ? 0 : amount,
    currency: options.currency ?? 'gbp',
    customer: stripeId('cus'),
    parent: {
      type: 'subscription_details',
      quote_details: null,
      subscription_details: { subscription: options.subscription, metadata: metadataOf(ref) },
    },
    lines: {
      object: 'list',
      has_more: false,
      url: `/v1/invoices/${id}/lines`,
      data: [{ id: stripeId('il'), object: 'line_item', amount, currency: 'gbp', period: { start: periodStart, end: periodEnd } }],
    },
    status_transitions: { paid_at: paid ? now() - 30 : null, finalized_at: now() - 60 },
    created: now() - 60,
    livemode: false,
    ...(options.paymentIntent
      ? {
          payments: {
            object: 'list',
            has_more: false,
            url: '/v1/invoice_payments',
            data: [invoicePayment(id, options.paymentIntent, amount)],
          },
        }
      : {}),
  };
}

export function invoicePayment(invoiceId: string, paymentIntent: string, amount = 500) {
  return {
    id: stripeId('inpay'),
    object: 'invoice_payment',
    invoice: invoiceId,
    amount_paid: amount,
    amount_requested: amount,
    currency: 'gbp',
    is_default: true,
    status: 'paid',
    payment: { type: 'payment_intent', payment_intent: paymentIntent },
    created: now() - 30,
    livemode: false,
  };
}

export function charge(options: { paymentIntent: string; amount?: number; amountRefunded?: number; refunded?: boolean }) {
  const amount = options.amount ?? 500;
  const amountRefunded = options.amountRefunded ?? amount;
  return {
    id: stripeId('ch'),
    object: 'charge',
    amount,
    amount_captured: amount,
    amount_refunded: amountRefunded,
    refunded: options.refunded ?? amountRefunded >= amount,
    currency: 'gbp',
    paid: true,
    status: 'succeeded',
    payment_intent: options.paymentIntent,
    created: now() - 60,
    livemode: false,
  };
}

export function dispute(options: { id?: string; paymentIntent: string; amount?: number; status: string }) {
  return {
    id: options.id ?? stripeId('dp'),
    object: 'dispute',
    amount: options.amount ?? 500,
    currency: 'gbp',
    charge: stripeId('ch'),
    payment_intent: options.paymentIntent,
    reason: 'fraudulent',
    status: options.status,
    created: now() - 60,
    livemode: false,
  };
}

export interface StripeTestEvent {
  id: string;
  type: string;
  created: number;
  data: { object: unknown };
}

export function stripeEvent(type: string, object: unknown, options: { id?: string; created?: number } = {}) {
  return {
    id: options.id ?? stripeId('evt'),
    object: 'event',
    api_version: STRIPE_API_VERSION,
    created: options.created ?? now() - 1,
    data: { object },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
  };
}

/** The exact bytes Stripe would send, and their `Stripe-Signature` header. */
export function signedDelivery(event: unknown, secret = FAKE_WEBHOOK_SECRET): { payload: string; signature: string } {
  const payload = JSON.stringify(event);
  return { payload, signature: signer.webhooks.generateTestHeaderString({ payload, secret }) };
}
