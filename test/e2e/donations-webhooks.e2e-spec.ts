import { createArticle } from '../factories/articles.factory';
import { createStripeTestApp, deliverEvent, expectDelivered, startDonation, StripeTestApp } from '../factories/donations.factory';
import { registerReader, registerStaff, RegisteredReader } from '../factories/users.factory';
import { expectProblem } from '../support/problem';
import { charge, checkoutSession, dispute, invoice, invoicePayment, signedDelivery, stripeEvent, stripeId, subscription } from '../support/stripe-fixtures';

const DAY = 24 * 3600;
const now = () => Math.floor(Date.now() / 1000);

describe('donations: Stripe webhooks (e2e)', () => {
  let s: StripeTestApp;

  beforeAll(async () => {
    s = await createStripeTestApp();
  });
  afterAll(() => s.close());

  const donationRow = async (id: string) =>
    (await s.t.db.query('SELECT * FROM donations WHERE id = $1', [id]))[0] as Record<string, unknown>;
  const entitlementsOf = (userId: string) =>
    s.t.db.query('SELECT * FROM supporter_entitlements WHERE user_id = $1 ORDER BY created_at', [userId]) as Promise<Record<string, unknown>[]>;
  const supporterOnMe = async (reader: RegisteredReader) => (await s.t.http.get('/api/v1/me').set(reader.auth).expect(200)).body.supporter;
  const isSupporterOnProfile = async (reader: RegisteredReader) =>
    (await s.t.http.get(`/api/v1/users/${reader.id}`).expect(200)).body.isSupporter as boolean;

  /** A one-off gift paid through Checkout. */
  async function paidOneOff(reader?: RegisteredReader, input: { amount?: number; articleId?: string } = {}) {
    const started = await startDonation(s.t.http, { amount: input.amount ?? 500, articleId: input.articleId }, reader?.auth ?? {});
    const paymentIntent = stripeId('pi');
    const session = checkoutSession(started, { paymentIntent, amount: input.amount });
    await expectDelivered(s.t.http, stripeEvent('checkout.session.completed', session));
    return { ...started, paymentIntent };
  }

  /** A monthly gift: Checkout completed and its first invoice paid. */
  async function paidMonthly(reader?: RegisteredReader, input: { amount?: number; articleId?: string } = {}) {
    const started = await startDonation(s.t.http, { frequency: 'monthly', amount: input.amount ?? 700, articleId: input.articleId }, reader?.auth ?? {});
    const subscriptionId = stripeId('sub');
    const periodEnd = now() + 30 * DAY;
    s.fake.setSubscription(subscription(started, { id: subscriptionId, periodEnd, amount: input.amount }));
    const paymentIntent = stripeId('pi');
    await expectDelivered(s.t.http, stripeEvent('checkout.session.completed', checkoutSession(started, { mode: 'subscription', subscription: subscriptionId })));
    await expectDelivered(
      s.t.http,
      stripeEvent('invoice.paid', invoice(started, { subscription: subscriptionId, billingReason: 'subscription_create', amount: input.amount ?? 700, periodEnd, paymentIntent })),
    );
    return { ...started, subscriptionId, periodEnd, paymentIntent };
  }

  describe('signature', () => {
    it('rejects a missing, a wrong and a tampered signature with 400 INVALID_SIGNATURE', async () => {
      const event = stripeEvent('checkout.session.completed', checkoutSession({ donationId: stripeId('x'), articleId: 'a' }));
      const { payload, signature } = signedDelivery(event);
      const post = () => s.t.http.post('/api/v1/webhooks/stripe').set('Content-Type', 'application/json');
      expectProblem(await post().send(payload), 400, 'INVALID_SIGNATURE');
      expectProblem(await post().set('Stripe-Signature', signedDelivery(event, 'whsec_someone_else').signature).send(payload), 400, 'INVALID_SIGNATURE');
      expectProblem(await post().set('Stripe-Signature', signature).send(payload.replace('"livemode":false', '"livemode":true')), 400, 'INVALID_SIGNATURE');
      expectProblem(await post().set('Stripe-Signature', 't=1,v1=deadbeef').send(payload), 400, 'INVALID_SIGNATURE');
      const [{ count }] = await s.t.db.query('SELECT count(*)::int AS count FROM stripe_events WHERE id = $1', [event.id]);
      expect(count).toBe(0);
    });
  });

  describe('one-off gifts', () => {
    it('checkout.session.completed (paid) records the gift and makes the donor a supporter for SUPPORTER_ONE_OFF_DAYS', async () => {
      const reader = await registerReader(s.t.http);
      expect(await isSupporterOnProfile(reader)).toBe(false);
      const { donationId, paymentIntent } = await paidOneOff(reader);
      expect(await donationRow(donationId)).toEqual(
        expect.objectContaining({ status: 'succeeded', stripe_payment_intent_id: paymentIntent, paid_at: expect.any(Date) }),
      );
      const supporter = await supporterOnMe(reader);
      expect(supporter).toEqual({ active: true, since: expect.any(String), until: expect.any(String), recurring: false });
      const days = (Date.parse(supporter.until) - Date.parse(supporter.since)) / (DAY * 1000);
      expect(days).toBeCloseTo(90, 3);
      expect(await isSupporterOnProfile(reader)).toBe(true);
      expect((await s.t.http.get(`/api/v1/donations/${donationId}`).expect(200)).body.status).toBe('succeeded');
    });

    it('an unpaid completion waits for async_payment_succeeded; async_payment_failed fails it', async () => {
      const reader = await registerReader(s.t.http);
      const slow = await startDonation(s.t.http, {}, reader.auth);
      const session = checkoutSession(slow, { paymentStatus: 'unpaid' });
      await expectDelivered(s.t.http, stripeEvent('checkout.session.completed', session));
      expect((await donationRow(slow.donationId)).status).toBe('pending');
      expect(await entitlementsOf(reader.id)).toHaveLength(0);
      await expectDelivered(s.t.http, stripeEvent('checkout.session.async_payment_succeeded', { ...session, payment_status: 'paid' }));
      expect((await donationRow(slow.donationId)).status).toBe('succeeded');
      expect(await entitlementsOf(reader.id)).toHaveLength(1);

      const failing = await startDonation(s.t.http, {}, reader.auth);
      const failingSession = checkoutSession(failing, { paymentStatus: 'unpaid' });
      await expectDelivered(s.t.http, stripeEvent('checkout.session.completed', failingSession));
      await expectDelivered(s.t.http, stripeEvent('checkout.session.async_payment_failed', failingSession));
      expect((await donationRow(failing.donationId)).status).toBe('failed');
      expect(await entitlementsOf(reader.id)).toHaveLength(1);
    });

    it('checkout.session.expired expires a pending donation but never a paid one', async () => {
      const abandoned = await startDonation(s.t.http);
      await expectDelivered(s.t.http, stripeEvent('checkout.session.expired', checkoutSession(abandoned, { status: 'expired', paymentStatus: 'unpaid' })));
      expect((await donationRow(abandoned.donationId)).status).toBe('expired');
      const paid = await paidOneOff();
      await expectDelivered(s.t.http, stripeEvent('checkout.session.expired', checkoutSession(paid, { status: 'expired', paymentStatus: 'unpaid' })));
      expect((await donationRow(paid.donationId)).status).toBe('succeeded');
    });

    it('answers 200 to an event about an unknown donation and logs the miss', async () => {
      const event = stripeEvent('checkout.session.completed', checkoutSession({ donationId: '00000000-0000-4000-8000-000000000000', articleId: 'x' }));
      await deliverEvent(s.t.http, event).then((response) => expect(response.status).toBe(200));
      const [row] = await s.t.db.query('SELECT outcome, processed_at FROM stripe_events WHERE id = $1', [event.id]);
      expect(row).toEqual({ outcome: expect.stringMatching(/^ignored: /), processed_at: expect.any(Date) });
    });

    it('applies the same event delivered 5 times concurrently exactly once', async () => {
      const reader = await registerReader(s.t.http);
      const started = await startDonation(s.t.http, {}, reader.auth);
      const event = stripeEvent('checkout.session.completed', checkoutSession(started, { paymentIntent: stripeId('pi') }));
      const responses = await Promise.all(Array.from({ length: 5 }, () => deliverEvent(s.t.http, event)));
      expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200, 200]);
      expect(await entitlementsOf(reader.id)).toHaveLength(1);
      const donations = await s.t.db.query(`SELECT status FROM donations WHERE user_id = $1`, [reader.id]);
      expect(donations).toEqual([{ status: 'succeeded' }]);
      const [{ count }] = await s.t.db.query('SELECT count(*)::int AS count FROM stripe_events WHERE id = $1', [event.id]);
      expect(count).toBe(1);
      await expectDelivered(s.t.http, event);
      expect(await entitlementsOf(reader.id)).toHaveLength(1);
    });
  });

  describe('recurring gifts', () => {
    it('records the first invoice on the Checkout donation, with supporter status until the paid period ends', async () => {
      const reader = await registerReader(s.t.http);
      const { donationId, subscriptionId, periodEnd, paymentIntent } = await paidMonthly(reader);
      expect(await donationRow(donationId)).toEqual(
        expect.objectContaining({ status: 'succeeded', stripe_subscription_id: subscriptionId, stripe_payment_intent_id: paymentIntent }),
      );
      const [stored] = await s.t.db.query('SELECT status, donation_id, user_id, current_period_end FROM stripe_subscriptions WHERE id = $1', [subscriptionId]);
      expect(stored).toEqual({ status: 'active', donation_id: donationId, user_id: reader.id, current_period_end: new Date(periodEnd * 1000) });
      expect(await supporterOnMe(reader)).toEqual({
        active: true,
        since: expect.any(String),
        until: new Date(periodEnd * 1000).toISOString(),
        recurring: true,
      });
      expect(s.fake.requestsTo('GET', `/v1/subscriptions/${subscriptionId}`)).toHaveLength(1);
    });

    it('handles invoice.paid before checkout.session.completed: one payment, one entitlement', async () => {
      const reader = await registerReader(s.t.http);
      const started = await startDonation(s.t.http, { frequency: 'annual', amount: 6000 }, reader.auth);
      const subscriptionId = stripeId('sub');
      const periodEnd = now() + 365 * DAY;
      s.fake.setSubscription(subscription(started, { id: subscriptionId, periodEnd, interval: 'year', amount: 6000 }));
      const paymentIntent = stripeId('pi');
      s.fake.setInvoicePayments('unused', []);
      const firstInvoice = invoice(started, { subscription: subscriptionId, billingReason: 'subscription_create', amount: 6000, periodEnd });
      s.fake.setInvoicePayments(firstInvoice.id, [invoicePayment(firstInvoice.id, paymentIntent, 6000)]);
      await expectDelivered(s.t.http, stripeEvent('invoice.paid', firstInvoice));
      expect(await donationRow(started.donationId)).toEqual(
        expect.objectContaining({ status: 'succeeded', stripe_invoice_id: firstInvoice.id, stripe_payment_intent_id: paymentIntent }),
      );
      await expectDelivered(s.t.http, stripeEvent('checkout.session.completed', checkoutSession(started, { mode: 'subscription', subscription: subscriptionId, amount: 6000 })));
      const rows = await s.t.db.query('SELECT id, status, amount FROM donations WHERE user_id = $1', [reader.id]);
      expect(rows).toEqual([{ id: started.donationId, status: 'succeeded', amount: 6000 }]);
      const entitlements = await entitlementsOf(reader.id);
      expect(entitlements).toHaveLength(1);
      expect(entitlements[0]).toEqual(expect.objectContaining({ recurring: true, valid_until: new Date(periodEnd * 1000) }));
      expect((await s.t.db.query('SELECT status FROM stripe_subscriptions WHERE id = $1', [subscriptionId]))[0].status).toBe('active');
    });

    it('records each renewal as its own donation attributed to the original article, once', async () => {
      const reader = await registerReader(s.t.http);
      const original = await paidMonthly(reader);
      const renewalEnd = original.periodEnd + 30 * DAY;
      const renewalInvoice = invoice(original, {
        subscription: original.subscriptionId,
        periodStart: original.periodEnd,
        periodEnd: renewalEnd,
        amount: 700,
        paymentIntent: stripeId('pi'),
      });
      const event = stripeEvent('invoice.paid', renewalInvoice);
      await Promise.all(Array.from({ length: 5 }, () => deliverEvent(s.t.http, event)));
      const renewals = await s.t.db.query('SELECT * FROM donations WHERE renewal_of = $1', [original.donationId]);
      expect(renewals).toEqual([
        expect.objectContaining({
          status: 'succeeded',
          amount: 700,
          frequency: 'monthly',
          article_id: original.articleId,
          user_id: reader.id,
          stripe_invoice_id: renewalInvoice.id,
          stripe_subscription_id: original.subscriptionId,
        }),
      ]);
      expect(await entitlementsOf(reader.id)).toHaveLength(2);
      expect((await supporterOnMe(reader)).until).toBe(new Date(renewalEnd * 1000).toISOString());
      const mine = await s.t.http.get('/api/v1/me/donations').set(reader.auth).expect(200);
      expect(mine.body.items).toHaveLength(2);
    });

    it('keeps a failed renewal and turns the same row paid when a retry succeeds', async () => {
      const original = await paidMonthly();
      const failed = invoice(original, { subscription: original.subscriptionId, status: 'open' });
      await expectDelivered(s.t.http, stripeEvent('invoice.payment_failed', failed));
      let renewals = await s.t.db.query('SELECT status, paid_at FROM donations WHERE renewal_of = $1', [original.donationId]);
      expect(renewals).toEqual([{ status: 'failed', paid_at: null }]);
      await expectDelivered(s.t.http, stripeEvent('invoice.paid', { ...failed, status: 'paid', amount_paid: 500 }));
      renewals = await s.t.db.query('SELECT status, paid_at FROM donations WHERE renewal_of = $1', [original.donationId]);
      expect(renewals).toEqual([{ status: 'succeeded', paid_at: expect.any(Date) }]);
    });

    it('fails the Checkout donation when its first invoice fails', async () => {
      const started = await startDonation(s.t.http, { frequency: 'monthly' });
      await expectDelivered(
        s.t.http,
        stripeEvent('invoice.payment_failed', invoice(started, { subscription: stripeId('sub'), billingReason: 'subscription_create', status: 'open' })),
      );
      expect((await donationRow(started.donationId)).status).toBe('failed');
    });

    it('re-reads subscriptions from Stripe, so events in reverse order leave the newest state', async () => {
      const reader = await registerReader(s.t.http);
      const original = await paidMonthly(reader);
      const older = subscription(original, { id: original.subscriptionId, status: 'active', cancelAtPeriodEnd: true });
      const newest = subscription(original, { id: original.subscriptionId, status: 'canceled' });
      s.fake.setSubscription(newest);
      await expectDelivered(s.t.http, stripeEvent('customer.subscription.deleted', newest, { created: now() - 1 }));
      await expectDelivered(s.t.http, stripeEvent('customer.subscription.updated', older, { created: now() - 100 }));
      const [stored] = await s.t.db.query('SELECT status, canceled_at FROM stripe_subscriptions WHERE id = $1', [original.subscriptionId]);
      expect(stored).toEqual({ status: 'canceled', canceled_at: expect.any(Date) });
      expect((await donationRow(original.donationId)).status).toBe('canceled');
      const supporter = await supporterOnMe(reader);
      expect(supporter).toEqual(expect.objectContaining({ active: true, recurring: false }));
    });

    it('never lets a slower, older read of a subscription overwrite a newer one', async () => {
      const original = await paidMonthly();
      const path = `/v1/subscriptions/${original.subscriptionId}`;
      s.fake.setSubscription(subscription(original, { id: original.subscriptionId, status: 'past_due' }));
      s.fake.delayNext('GET', '/v1/subscriptions/:id', 700);
      const slow = deliverEvent(s.t.http, stripeEvent('customer.subscription.updated', { id: original.subscriptionId, object: 'subscription' }));
      await waitFor(() => s.fake.requestsTo('GET', path).length === 2);
      s.fake.setSubscription(subscription(original, { id: original.subscriptionId, status: 'active', cancelAtPeriodEnd: true }));
      await expectDelivered(s.t.http, stripeEvent('customer.subscription.updated', { id: original.subscriptionId, object: 'subscription' }));
      expect((await slow).status).toBe(200);
      const [stored] = await s.t.db.query('SELECT status, cancel_at_period_end FROM stripe_subscriptions WHERE id = $1', [original.subscriptionId]);
      expect(stored).toEqual({ status: 'active', cancel_at_period_end: true });
    });

    it('answers 503 while Stripe cannot be read, so Stripe retries; the retry applies', async () => {
      const original = await paidMonthly();
      s.fake.setSubscription(subscription(original, { id: original.subscriptionId, status: 'active', cancelAtPeriodEnd: true }));
      s.fake.failNext('GET', '/v1/subscriptions/:id', 500);
      const event = stripeEvent('customer.subscription.updated', { id: original.subscriptionId, object: 'subscription' });
      expectProblem(await deliverEvent(s.t.http, event), 503, 'PAYMENT_PROVIDER_UNAVAILABLE');
      await expectDelivered(s.t.http, event);
      const [stored] = await s.t.db.query('SELECT cancel_at_period_end FROM stripe_subscriptions WHERE id = $1', [original.subscriptionId]);
      expect(stored.cancel_at_period_end).toBe(true);
    });
  });

  describe('refunds and disputes', () => {
    it('a full refund ends supporter status (on /me and the public profile); a partial one does not', async () => {
      const reader = await registerReader(s.t.http);
      const { donationId, paymentIntent } = await paidOneOff(reader, { amount: 1000 });
      await expectDelivered(s.t.http, stripeEvent('charge.refunded', charge({ paymentIntent, amount: 1000, amountRefunded: 300 })));
      expect(await donationRow(donationId)).toEqual(expect.objectContaining({ status: 'succeeded', refunded_amount: 300 }));
      expect(await isSupporterOnProfile(reader)).toBe(true);

      await expectDelivered(s.t.http, stripeEvent('charge.refunded', charge({ paymentIntent, amount: 1000, amountRefunded: 1000 })));
      expect(await donationRow(donationId)).toEqual(expect.objectContaining({ status: 'refunded', refunded_amount: 1000 }));
      expect(await supporterOnMe(reader)).toEqual({ active: false, since: null, until: null, recurring: false });
      expect(await isSupporterOnProfile(reader)).toBe(false);
      expect((await entitlementsOf(reader.id))[0].revoked_at).toEqual(expect.any(Date));
    });

    it('a refund of a recurring payment revokes what that payment granted', async () => {
      const reader = await registerReader(s.t.http);
      const { paymentIntent } = await paidMonthly(reader);
      await expectDelivered(s.t.http, stripeEvent('charge.refunded', charge({ paymentIntent, amount: 700 })));
      expect(await isSupporterOnProfile(reader)).toBe(false);
    });

    it('a lost dispute ends supporter status; a won one restores the payment', async () => {
      const reader = await registerReader(s.t.http);
      const lost = await paidOneOff(reader);
      const disputeId = stripeId('dp');
      await expectDelivered(s.t.http, stripeEvent('charge.dispute.created', dispute({ id: disputeId, paymentIntent: lost.paymentIntent, status: 'needs_response' })));
      expect(await donationRow(lost.donationId)).toEqual(expect.objectContaining({ status: 'disputed', dispute_status: 'open', stripe_dispute_id: disputeId }));
      expect(await isSupporterOnProfile(reader)).toBe(true);
      await expectDelivered(s.t.http, stripeEvent('charge.dispute.closed', dispute({ id: disputeId, paymentIntent: lost.paymentIntent, status: 'lost' })));
      expect(await donationRow(lost.donationId)).toEqual(expect.objectContaining({ status: 'disputed', dispute_status: 'lost' }));
      expect((await supporterOnMe(reader)).active).toBe(false);
      expect(await isSupporterOnProfile(reader)).toBe(false);

      const other = await registerReader(s.t.http);
      const won = await paidOneOff(other);
      const wonDispute = stripeId('dp');
      await expectDelivered(s.t.http, stripeEvent('charge.dispute.closed', dispute({ id: wonDispute, paymentIntent: won.paymentIntent, status: 'won' })));
      await expectDelivered(s.t.http, stripeEvent('charge.dispute.created', dispute({ id: wonDispute, paymentIntent: won.paymentIntent, status: 'needs_response' })));
      expect(await donationRow(won.donationId)).toEqual(expect.objectContaining({ status: 'succeeded', dispute_status: 'won', disputed_amount: 0 }));
      expect(await isSupporterOnProfile(other)).toBe(true);
    });
  });

  describe('GET /admin/donations/summary', () => {
    it('totals by article, appeal, currency and frequency, net of refunds and disputes', async () => {
      const admin = await registerStaff(s.t.http, s.t.db, 'admin');
      const article = await createArticle(s.t.http);
      const articleId = article.id;
      await paidOneOff(undefined, { articleId, amount: 500 });
      const refunded = await paidOneOff(undefined, { articleId, amount: 1000 });
      await expectDelivered(s.t.http, stripeEvent('charge.refunded', charge({ paymentIntent: refunded.paymentIntent, amount: 1000, amountRefunded: 1000 })));
      const partlyRefunded = await paidOneOff(undefined, { articleId, amount: 2000 });
      await expectDelivered(s.t.http, stripeEvent('charge.refunded', charge({ paymentIntent: partlyRefunded.paymentIntent, amount: 2000, amountRefunded: 500 })));
      const disputed = await paidOneOff(undefined, { articleId, amount: 300 });
      await expectDelivered(s.t.http, stripeEvent('charge.dispute.closed', dispute({ paymentIntent: disputed.paymentIntent, amount: 300, status: 'lost' })));
      const monthly = await paidMonthly(undefined, { articleId, amount: 700 });
      await expectDelivered(
        s.t.http,
        stripeEvent('invoice.paid', invoice(monthly, { subscription: monthly.subscriptionId, amount: 700, paymentIntent: stripeId('pi') })),
      );
      await startDonation(s.t.http, { articleId, amount: 900 });

      const response = await s.t.http.get(`/api/v1/admin/donations/summary?articleId=${articleId}`).set(admin.auth).expect(200);
      expect(response.body).toEqual({
        totals: [
          { articleId, appealId: 'default', currency: 'gbp', frequency: 'monthly', count: 2, gross: 1400, refunded: 0, disputed: 0, net: 1400 },
          { articleId, appealId: 'default', currency: 'gbp', frequency: 'one_off', count: 4, gross: 3800, refunded: 1500, disputed: 300, net: 2000 },
        ],
      });
      const future = new Date(Date.now() + DAY * 1000).toISOString();
      const empty = await s.t.http.get(`/api/v1/admin/donations/summary?articleId=${articleId}&from=${future}`).set(admin.auth).expect(200);
      expect(empty.body).toEqual({ totals: [] });
      const past = new Date(Date.now() - DAY * 1000).toISOString();
      const windowed = await s.t.http.get(`/api/v1/admin/donations/summary?articleId=${articleId}&from=${past}&to=${future}`).set(admin.auth).expect(200);
      expect(windowed.body.totals).toHaveLength(2);
    });

    it('is for admins only and validates its query', async () => {
      const reader = await registerReader(s.t.http);
      const admin = await registerStaff(s.t.http, s.t.db, 'admin');
      expectProblem(await s.t.http.get('/api/v1/admin/donations/summary').set(reader.auth), 403, 'FORBIDDEN');
      expectProblem(await s.t.http.get('/api/v1/admin/donations/summary?from=yesterday').set(admin.auth), 400, 'VALIDATION_FAILED');
      expectProblem(
        await s.t.http.get('/api/v1/admin/donations/summary?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z').set(admin.auth),
        400,
        'VALIDATION_FAILED',
      );
    });
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
