import type Stripe from 'stripe';
import {
  checkoutIsPaid,
  disputeEffect,
  failedInvoiceKind,
  fromUnix,
  HANDLED_EVENT_TYPES,
  idOf,
  invoicePeriodEnd,
  isDonationId,
  isHandledEvent,
  paidInvoiceKind,
  periodEndOf,
  refundEffect,
  subscriptionEndsDonation,
  subscriptionRenews,
} from './stripe-event-rules';

// Contract (API.md, "Support appeals and donations"): the webhook handles exactly the listed event types; donation
// status ∈ pending, succeeded, failed, expired, refunded, disputed, canceled; a one-off gift counts for a number of
// days, a recurring one until its paid period ends; a refund or a lost dispute ends what that payment granted.

const T = 1_767_225_600; // 2026-01-01T00:00:00Z in seconds

function subscription(ends: number[]): Pick<Stripe.Subscription, 'items'> {
  return { items: { data: ends.map((end) => ({ current_period_end: end })) } } as unknown as Pick<Stripe.Subscription, 'items'>;
}

function invoiceLines(ends: number[]): Pick<Stripe.Invoice, 'lines'> {
  return { lines: { data: ends.map((end) => ({ period: { start: end - 100, end } })) } } as unknown as Pick<Stripe.Invoice, 'lines'>;
}

describe('Stripe event rules', () => {
  describe('handled event types', () => {
    const contractTypes = [
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

    it.each(contractTypes)('handles %s', (type) => {
      expect(isHandledEvent(type)).toBe(true);
    });

    it('handles exactly the contract’s list', () => {
      expect([...HANDLED_EVENT_TYPES].sort()).toEqual([...contractTypes].sort());
    });

    it.each(['customer.created', 'payment_intent.succeeded', 'invoice.created', 'charge.succeeded', 'charge.dispute.updated', ''])(
      'acknowledges %p without handling it',
      (type) => {
        expect(isHandledEvent(type)).toBe(false);
      },
    );
  });

  describe('ids and times', () => {
    it('reads an expandable field as an id', () => {
      expect(idOf('sub_1')).toBe('sub_1');
      expect(idOf({ id: 'sub_2' })).toBe('sub_2');
      expect(idOf(null)).toBeNull();
      expect(idOf(undefined)).toBeNull();
      expect(idOf('')).toBeNull();
    });

    it('reads Stripe seconds as an instant; none for 0 or null', () => {
      expect(fromUnix(T)?.toISOString()).toBe('2026-01-01T00:00:00.000Z');
      expect(fromUnix(0)).toBeNull();
      expect(fromUnix(null)).toBeNull();
      expect(fromUnix(undefined)).toBeNull();
    });

    it('ends a subscription’s paid period at its latest item’s end', () => {
      expect(periodEndOf(subscription([T + 10, T + 30, T + 20]))?.getTime()).toBe((T + 30) * 1000);
      expect(periodEndOf(subscription([T, Number.NaN]))?.getTime()).toBe(T * 1000);
      expect(periodEndOf(subscription([]))).toBeNull();
      expect(periodEndOf(subscription([Number.NaN]))).toBeNull();
    });

    it('ends an invoice’s paid period at its latest line’s end', () => {
      expect(invoicePeriodEnd(invoiceLines([T + 5, T + 50]))?.getTime()).toBe((T + 50) * 1000);
      expect(invoicePeriodEnd(invoiceLines([T + 50, T + 5]))?.getTime()).toBe((T + 50) * 1000);
      expect(invoicePeriodEnd(invoiceLines([]))).toBeNull();
    });

    it('takes only a UUID as a donation id', () => {
      expect(isDonationId('3f2b8a3c-5d7e-4c1a-9b2d-0e6f7a8b9c0d')).toBe(true);
      expect(isDonationId('3F2B8A3C-5D7E-4C1A-9B2D-0E6F7A8B9C0D')).toBe(true);
      expect(isDonationId('3f2b8a3c-5d7e-4c1a-9b2d-0e6f7a8b9c0')).toBe(false);
      expect(isDonationId('x3f2b8a3c-5d7e-4c1a-9b2d-0e6f7a8b9c0d')).toBe(false);
      expect(isDonationId('3f2b8a3c-5d7e-4c1a-9b2d-0e6f7a8b9c0dx')).toBe(false);
      expect(isDonationId("3f2b8a3c-5d7e-4c1a-9b2d-0e6f7a8b9c0'")).toBe(false);
      expect(isDonationId('zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz')).toBe(false);
      expect(isDonationId('')).toBe(false);
      expect(isDonationId(null)).toBe(false);
      expect(isDonationId(undefined)).toBe(false);
    });
  });

  describe('Checkout', () => {
    it('settles a completed session only when paid', () => {
      expect(checkoutIsPaid('paid')).toBe(true);
      expect(checkoutIsPaid('unpaid')).toBe(false);
      expect(checkoutIsPaid('no_payment_required')).toBe(false);
    });
  });

  describe('invoices', () => {
    it('treats the subscription’s first invoice as the original donation’s payment', () => {
      expect(paidInvoiceKind({ id: 'in_1', billing_reason: 'subscription_create', amount_paid: 500 }, { stripeInvoiceId: null })).toBe('first');
      expect(paidInvoiceKind({ id: 'in_1', billing_reason: 'subscription_create', amount_paid: 0 }, { stripeInvoiceId: null })).toBe('first');
    });

    it('treats the invoice the donation already names as the first one again (a redelivery is not a renewal)', () => {
      expect(paidInvoiceKind({ id: 'in_1', billing_reason: 'subscription_cycle', amount_paid: 500 }, { stripeInvoiceId: 'in_1' })).toBe('first');
    });

    it('treats a later paid invoice as a renewal, and one with nothing paid as nothing', () => {
      expect(paidInvoiceKind({ id: 'in_2', billing_reason: 'subscription_cycle', amount_paid: 500 }, { stripeInvoiceId: 'in_1' })).toBe('renewal');
      expect(paidInvoiceKind({ id: 'in_2', billing_reason: 'subscription_cycle', amount_paid: 1 }, { stripeInvoiceId: null })).toBe('renewal');
      expect(paidInvoiceKind({ id: 'in_2', billing_reason: 'subscription_cycle', amount_paid: 0 }, { stripeInvoiceId: 'in_1' })).toBe('nothing paid');
      expect(paidInvoiceKind({ id: 'in_2', billing_reason: 'subscription_update', amount_paid: -1 }, { stripeInvoiceId: 'in_1' })).toBe('nothing paid');
    });

    it('fails the original donation on a failed first invoice; a later one is a failed renewal unless nothing was due', () => {
      expect(failedInvoiceKind({ billing_reason: 'subscription_create', amount_due: 500 })).toBe('first');
      expect(failedInvoiceKind({ billing_reason: 'subscription_create', amount_due: 0 })).toBe('first');
      expect(failedInvoiceKind({ billing_reason: 'subscription_cycle', amount_due: 500 })).toBe('renewal');
      expect(failedInvoiceKind({ billing_reason: 'subscription_cycle', amount_due: 1 })).toBe('renewal');
      expect(failedInvoiceKind({ billing_reason: 'subscription_cycle', amount_due: 0 })).toBe('nothing due');
    });
  });

  describe('subscriptions', () => {
    it.each(['active', 'trialing', 'past_due'] as const)('renews while %s and not cancelled at the period’s end', (status) => {
      expect(subscriptionRenews(status, false)).toBe(true);
      expect(subscriptionRenews(status, true)).toBe(false);
    });

    it.each(['canceled', 'incomplete', 'incomplete_expired', 'unpaid', 'paused'] as const)('does not renew while %s', (status) => {
      expect(subscriptionRenews(status, false)).toBe(false);
    });

    it.each(['canceled', 'incomplete_expired'] as const)('cancels a succeeded donation when %s', (status) => {
      expect(subscriptionEndsDonation(status, 'succeeded')).toBe(true);
    });

    it('keeps a refunded, disputed or pending donation’s status when the subscription ends', () => {
      for (const donationStatus of ['refunded', 'disputed', 'pending', 'failed', 'canceled'] as const) {
        expect(subscriptionEndsDonation('canceled', donationStatus)).toBe(false);
      }
    });

    it.each(['active', 'trialing', 'past_due', 'unpaid', 'incomplete', 'paused'] as const)('keeps a succeeded donation while %s', (status) => {
      expect(subscriptionEndsDonation(status, 'succeeded')).toBe(false);
    });
  });

  describe('refunds', () => {
    it('ends what the payment granted on a full refund, and announces it once', () => {
      expect(refundEffect(true, 'succeeded')).toEqual({ revoke: true, announce: true });
      expect(refundEffect(true, 'disputed')).toEqual({ revoke: true, announce: true });
      expect(refundEffect(true, 'refunded')).toEqual({ revoke: true, announce: false });
    });

    it('keeps the grant and announces nothing on a partial refund', () => {
      expect(refundEffect(false, 'succeeded')).toEqual({ revoke: false, announce: false });
      expect(refundEffect(false, 'refunded')).toEqual({ revoke: false, announce: false });
    });
  });

  describe('disputes', () => {
    it('ends what the payment granted when the dispute is lost', () => {
      expect(disputeEffect('lost', 'open')).toEqual({ record: 'lost', revoke: true });
      expect(disputeEffect('lost', null)).toEqual({ record: 'lost', revoke: true });
      expect(disputeEffect('lost', 'won')).toEqual({ record: 'lost', revoke: true });
    });

    it.each(['won', 'warning_closed'] as const)('closes the dispute as won on %s, keeping the grant', (status) => {
      expect(disputeEffect(status, 'open')).toEqual({ record: 'won', revoke: false });
      expect(disputeEffect(status, 'lost')).toEqual({ record: 'won', revoke: false });
    });

    it.each(['needs_response', 'under_review', 'warning_needs_response', 'warning_under_review'] as const)(
      'records an open dispute on %s',
      (status) => {
        expect(disputeEffect(status, null)).toEqual({ record: 'open', revoke: false });
        expect(disputeEffect(status, 'open')).toEqual({ record: 'open', revoke: false });
      },
    );

    it('ignores an open-dispute event that arrives after the dispute closed', () => {
      expect(disputeEffect('needs_response', 'won')).toBeNull();
      expect(disputeEffect('under_review', 'lost')).toBeNull();
    });
  });
});
