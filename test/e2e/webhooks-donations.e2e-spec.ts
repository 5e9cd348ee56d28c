import { JobQueue } from '../../src/notifications/jobs/job-queue';
import { DELIVER_JOB } from '../../src/webhooks/webhook-dispatcher';
import { expectDelivered, startDonation } from '../factories/donations.factory';
import { registerReader, registerStaff, RegisteredReader } from '../factories/users.factory';
import { FakeStripe } from '../support/fake-stripe';
import { createIsolatedTestApp } from '../support/isolated-test-app';
import { charge, checkoutSession, stripeEvent, stripeId } from '../support/stripe-fixtures';
import { TestApp } from '../support/test-app';
import { signatureIsValid, WebhookReceiver } from '../support/webhook-receiver';

const SECRET = 'whsec-donations-0123456789';

/** donation.succeeded and donation.refunded, from verified Stripe events to the newsroom's receiver (own database). */
describe('outbound webhooks for donations (e2e, own database)', () => {
  let t: TestApp;
  let fake: FakeStripe;
  let receiver: WebhookReceiver;
  let admin: RegisteredReader;

  beforeAll(async () => {
    fake = await FakeStripe.start();
    receiver = await WebhookReceiver.start();
    t = await createIsolatedTestApp({ ...fake.environment(), WEBHOOK_ALLOW_PRIVATE_URLS: 'true' });
    admin = await registerStaff(t.http, t.db, 'admin');
    await t.http.put('/api/v1/admin/webhooks/money').set(admin.auth)
      .send({ url: receiver.url, secret: SECRET, events: ['donation.succeeded', 'donation.refunded'] }).expect(201);
  });
  afterAll(async () => {
    await t.close();
    await receiver.stop();
    await fake.stop();
  });

  it('announces a paid one-off gift once, and its full refund once (a partial refund is not a refund)', async () => {
    const reader = await registerReader(t.http);
    const started = await startDonation(t.http, { amount: 1000 }, reader.auth);
    const paymentIntent = stripeId('pi');
    const completed = stripeEvent('checkout.session.completed', checkoutSession(started, { paymentIntent, amount: 1000 }));
    await expectDelivered(t.http, completed);
    await expectDelivered(t.http, completed);
    await expectDelivered(t.http, stripeEvent('charge.refunded', charge({ paymentIntent, amount: 1000, amountRefunded: 400 })));
    await expectDelivered(t.http, stripeEvent('charge.refunded', charge({ paymentIntent, amount: 1000, amountRefunded: 1000 })));
    await expectDelivered(t.http, stripeEvent('charge.refunded', charge({ paymentIntent, amount: 1000, amountRefunded: 1000 })));
    await t.app.get(JobQueue).drain([DELIVER_JOB]);

    const common = { donationId: started.donationId, articleId: started.articleId, userId: reader.id, currency: 'gbp', frequency: 'one_off' };
    expect(receiver.accepted.map((webhook) => webhook.body)).toEqual([
      expect.objectContaining({ type: 'donation.succeeded', data: { ...common, amount: 1000, occurredAt: expect.any(String) } }),
      expect.objectContaining({ type: 'donation.refunded', data: { ...common, amount: 1000, occurredAt: expect.any(String) } }),
    ]);
    expect(receiver.accepted.every((webhook) => signatureIsValid(webhook.headers['x-margin-signature'], webhook.rawBody, SECRET))).toBe(true);
  });

  it('announces nothing for a Checkout that was not paid', async () => {
    const before = receiver.received.length;
    const started = await startDonation(t.http, { amount: 500 });
    await expectDelivered(t.http, stripeEvent('checkout.session.completed', checkoutSession(started, { paymentIntent: stripeId('pi'), paymentStatus: 'unpaid' })));
    await t.app.get(JobQueue).drain([DELIVER_JOB]);
    expect(receiver.received.slice(before)).toEqual([]);
  });
});
