import { createStripeTestApp, expectDelivered, startDonation, StripeTestApp } from '../factories/donations.factory';
import { registerReader, RegisteredReader } from '../factories/users.factory';
import { checkoutSession, invoice, stripeEvent, stripeId, subscription } from '../support/stripe-fixtures';

// Supporter status as the contract sets it: a one-off gift counts SUPPORTER_ONE_OFF_DAYS
// days (here 10, not the default, so the setting is what counts), a recurring one until
// its paid period ends, and when Stripe does not say when that is, one month (31 days)
// or one year (366 days) from the payment.
const DAY_MS = 24 * 3600 * 1000;

describe('supporter status rules (e2e)', () => {
  let s: StripeTestApp;

  beforeAll(async () => {
    s = await createStripeTestApp({ SUPPORTER_ONE_OFF_DAYS: '10' });
  });
  afterAll(() => s.close());

  const supporterOnMe = async (reader: RegisteredReader) => (await s.t.http.get('/api/v1/me').set(reader.auth).expect(200)).body.supporter;
  const daysOf = (supporter: { since: string; until: string }) => (Date.parse(supporter.until) - Date.parse(supporter.since)) / DAY_MS;

  it('counts a one-off gift SUPPORTER_ONE_OFF_DAYS days from its payment', async () => {
    const reader = await registerReader(s.t.http);
    const started = await startDonation(s.t.http, { amount: 500 }, reader.auth);
    await expectDelivered(s.t.http, stripeEvent('checkout.session.completed', checkoutSession(started, { paymentIntent: stripeId('pi') })));
    const supporter = await supporterOnMe(reader);
    expect(supporter).toEqual(expect.objectContaining({ active: true, recurring: false }));
    expect(daysOf(supporter)).toBeCloseTo(10, 5);
  });

  it.each([
    ['monthly', 'month', 31],
    ['annual', 'year', 366],
  ] as const)('counts a %s gift (interval %s) whose paid period Stripe leaves out as %i days', async (frequency, interval, days) => {
    const reader = await registerReader(s.t.http);
    const started = await startDonation(s.t.http, { frequency, amount: 700 }, reader.auth);
    const subscriptionId = stripeId('sub');
    s.fake.setSubscription(subscription(started, { id: subscriptionId, interval, amount: 700, periodEnd: 0 }));
    await expectDelivered(s.t.http, stripeEvent('checkout.session.completed', checkoutSession(started, { mode: 'subscription', subscription: subscriptionId })));
    await expectDelivered(
      s.t.http,
      stripeEvent('invoice.paid', invoice(started, { subscription: subscriptionId, billingReason: 'subscription_create', amount: 700, periodEnd: 0, paymentIntent: stripeId('pi') })),
    );
    const supporter = await supporterOnMe(reader);
    expect(supporter).toEqual(expect.objectContaining({ active: true, recurring: true }));
    expect(daysOf(supporter)).toBeCloseTo(days, 5);
  });
});
