import { JobQueue } from '../../src/notifications/jobs/job-queue';
import { createArticle } from '../factories/articles.factory';
import { deliverEvent, startDonation } from '../factories/donations.factory';
import { registerReader, RegisteredReader } from '../factories/users.factory';
import { FakeStripe } from '../support/fake-stripe';
import { createIsolatedTestApp } from '../support/isolated-test-app';
import { SmtpSink } from '../support/smtp-sink';
import { checkoutSession, invoice, stripeEvent, stripeId, subscription } from '../support/stripe-fixtures';
import { TestApp } from '../support/test-app';

const DAY = 24 * 3600;
const now = () => Math.floor(Date.now() / 1000);

describe('supporter e-mails from Stripe webhooks (e2e)', () => {
  const sink = new SmtpSink();
  let fake: FakeStripe;
  let t: TestApp;

  beforeAll(async () => {
    await sink.start();
    fake = await FakeStripe.start();
    t = await createIsolatedTestApp({ ...fake.environment(), SMTP_URL: sink.url });
  });
  afterAll(async () => {
    await t.close();
    await fake.stop();
    await sink.stop();
  });

  const deliver = () => t.app.get(JobQueue).drain();
  const supporterMails = (reader: RegisteredReader) => sink.to(reader.email).filter((mail) => mail.subject !== 'Confirm your e-mail address');
  /** Posts the event twice, as Stripe may; both are answered 200. */
  async function deliverTwice(event: unknown): Promise<void> {
    for (let i = 0; i < 2; i += 1) expect((await deliverEvent(t.http, event)).status).toBe(200);
  }

  it('thanks a one-off gift once, with amount, currency, frequency, date and the article, whatever Stripe redelivers', async () => {
    const reader = await registerReader(t.http);
    const article = await createArticle(t.http, { title: 'The harbour fire' });
    const started = await startDonation(t.http, { amount: 1250, articleId: article.id }, reader.auth);
    const event = stripeEvent('checkout.session.completed', checkoutSession(started, { paymentIntent: stripeId('pi'), amount: 1250 }));
    await deliverTwice(event);
    // A second event for the same payment (a new event id) thanks no one twice either.
    await deliverTwice(stripeEvent('checkout.session.async_payment_succeeded', checkoutSession(started, { paymentIntent: stripeId('pi'), amount: 1250 })));
    await deliver();
    const mails = supporterMails(reader);
    expect(mails.map((mail) => mail.subject)).toEqual(['Thank you for your one-off gift of £12.50']);
    expect(mails[0].text).toContain('Amount: £12.50 (GBP)');
    expect(mails[0].text).toContain('Frequency: one-off gift');
    expect(mails[0].text).toMatch(/Date: \w{3}, \d\d \w{3} \d{4} \d\d:\d\d UTC/);
    expect(mails[0].text).toContain(`Given from: The harbour fire (${article.url})`);
  });

  it('thanks the first payment of a monthly donation, not its renewals; a failed renewal sends one notice with the billing link', async () => {
    const reader = await registerReader(t.http);
    const started = await startDonation(t.http, { frequency: 'monthly', amount: 700 }, reader.auth);
    const subscriptionId = stripeId('sub');
    const periodEnd = now() + 30 * DAY;
    fake.setSubscription(subscription(started, { id: subscriptionId, periodEnd, amount: 700 }));
    await deliverTwice(stripeEvent('checkout.session.completed', checkoutSession(started, { mode: 'subscription', subscription: subscriptionId })));
    await deliverTwice(stripeEvent('invoice.paid', invoice(started, { subscription: subscriptionId, billingReason: 'subscription_create', amount: 700, periodEnd, paymentIntent: stripeId('pi') })));
    await deliverTwice(stripeEvent('invoice.paid', invoice(started, { subscription: subscriptionId, amount: 700, paymentIntent: stripeId('pi') })));
    const failing = invoice(started, { subscription: subscriptionId, status: 'open', amount: 700 });
    await deliverTwice(stripeEvent('invoice.payment_failed', failing));
    // Stripe's next attempt at the same invoice is a new event: still one notice for the invoice.
    await deliverTwice(stripeEvent('invoice.payment_failed', failing));
    await deliver();
    const subjects = supporterMails(reader).map((mail) => mail.subject);
    expect(subjects.sort()).toEqual(['Thank you for your monthly donation of £7.00', 'We could not renew your donation']);
    const notice = supporterMails(reader).find((mail) => mail.subject === 'We could not renew your donation');
    expect(notice?.text).toContain('Your monthly donation of £7.00 could not be charged');
    expect(notice?.text).toContain('https://news.example/account/donations');
  });

  it('an anonymous gift is thanked by Stripe only (Margin has no address for the donor)', async () => {
    const before = sink.received.length;
    const started = await startDonation(t.http, { amount: 300, email: 'anonymous@example.test' });
    await deliverTwice(stripeEvent('checkout.session.completed', checkoutSession(started, { paymentIntent: stripeId('pi'), amount: 300 })));
    await deliver();
    expect(sink.received.length).toBe(before);
  });
});
