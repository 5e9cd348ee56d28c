import { createArticle } from '../factories/articles.factory';
import { createStripeTestApp, startDonation, StripeTestApp } from '../factories/donations.factory';
import { registerReader, registerStaff, uniqueSuffix } from '../factories/users.factory';
import { STRIPE_API_VERSION } from '../../src/donations/stripe-connection';
import { expectProblem } from '../support/problem';
import { createTestApp } from '../support/test-app';

const appealBody = (overrides: Record<string, unknown> = {}) => ({
  headline: 'Fund our climate desk',
  body: 'Reporting on the climate crisis, paid for by readers.',
  currencies: { gbp: { amounts: [1000, 2000], defaultAmount: 1000, min: 500, max: 5000 } },
  frequencies: ['one_off', 'monthly'],
  ...overrides,
});

describe('donations: appeals and checkout (e2e)', () => {
  let s: StripeTestApp;

  beforeAll(async () => {
    s = await createStripeTestApp();
  });
  afterAll(() => s.close());

  describe('appeals', () => {
    it('shows the seeded default appeal under an article without its own', async () => {
      const article = await createArticle(s.t.http);
      const response = await s.t.http.get(`/api/v1/articles/${article.id}/appeal`).expect(200);
      expect(response.body).toEqual({
        id: 'default',
        headline: expect.any(String),
        body: expect.any(String),
        currencies: {
          gbp: { amounts: [300, 500, 1000], defaultAmount: 500, min: expect.any(Number), max: expect.any(Number) },
        },
        frequencies: ['one_off', 'monthly', 'annual'],
        donationsEnabled: true,
      });
    });

    it('404s for an unknown article', async () => {
      expectProblem(await s.t.http.get(`/api/v1/articles/nope-${uniqueSuffix()}/appeal`), 404, 'ARTICLE_NOT_FOUND');
    });

    it('lets an admin create (201) and replace (200) an appeal; the article shows it while active', async () => {
      const admin = await registerStaff(s.t.http, s.t.db, 'admin');
      const appealId = `climate-${uniqueSuffix()}`;
      const created = await s.t.http.put(`/api/v1/admin/appeals/${appealId}`).set(admin.auth).send(appealBody()).expect(201);
      expect(created.body).toEqual(expect.objectContaining({ id: appealId, active: true, frequencies: ['one_off', 'monthly'] }));
      const article = await createArticle(s.t.http, { appealId });
      const shown = await s.t.http.get(`/api/v1/articles/${article.id}/appeal`).expect(200);
      expect(shown.body).toEqual(expect.objectContaining({ id: appealId, headline: 'Fund our climate desk' }));
      expect(shown.body).not.toHaveProperty('active');

      await s.t.http.put(`/api/v1/admin/appeals/${appealId}`).set(admin.auth).send(appealBody({ active: false })).expect(200);
      const fallback = await s.t.http.get(`/api/v1/articles/${article.id}/appeal`).expect(200);
      expect(fallback.body.id).toBe('default');
    });

    it('refuses readers (403) and anonymous callers (401)', async () => {
      const reader = await registerReader(s.t.http);
      expectProblem(await s.t.http.put('/api/v1/admin/appeals/x').set(reader.auth).send(appealBody()), 403, 'FORBIDDEN');
      expectProblem(await s.t.http.put('/api/v1/admin/appeals/x').send(appealBody()), 401, 'UNAUTHENTICATED');
    });

    it.each([
      ['defaultAmount outside min..max', { currencies: { gbp: { amounts: [1000], defaultAmount: 100, min: 500, max: 5000 } } }, 'currencies.gbp.defaultAmount'],
      ['a suggested amount outside min..max', { currencies: { gbp: { amounts: [1000, 9000], defaultAmount: 1000, min: 500, max: 5000 } } }, 'currencies.gbp.amounts'],
      ['min above max', { currencies: { gbp: { amounts: [1000], defaultAmount: 1000, min: 6000, max: 5000 } } }, 'currencies.gbp.min'],
      ['an uppercase currency code', { currencies: { GBP: { amounts: [1000], defaultAmount: 1000, min: 500, max: 5000 } } }, 'currencies.GBP'],
      ['no currency', { currencies: {} }, 'currencies'],
      ['an unknown frequency', { frequencies: ['weekly'] }, 'frequencies'],
      ['no frequency', { frequencies: [] }, 'frequencies'],
      ['a missing headline', { headline: undefined }, 'headline'],
    ])('rejects %s (400)', async (_, overrides, field) => {
      const admin = await registerStaff(s.t.http, s.t.db, 'admin');
      const response = await s.t.http.put(`/api/v1/admin/appeals/bad-${uniqueSuffix()}`).set(admin.auth).send(appealBody(overrides));
      expectProblem(response, 400, 'VALIDATION_FAILED');
      expect(response.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    });
  });

  describe('POST /donations/checkout', () => {
    it('never leaves a donation or a customer link on a donor erased while their checkout runs', async () => {
      const article = await createArticle(s.t.http);
      const statuses: number[] = [];
      for (let round = 0; round < 8; round += 1) {
        const reader = await registerReader(s.t.http);
        const checkout = async () => {
          // Spread the start so the checkout lands before, during and after the erasure's transaction.
          await new Promise((resolve) => setTimeout(resolve, (round % 4) * 20));
          return s.t.http.post('/api/v1/donations/checkout').set(reader.auth).send({ articleId: article.id, amount: 500, currency: 'gbp', frequency: 'one_off' });
        };
        const [erased, started] = await Promise.all([
          s.t.http.delete('/api/v1/me').set(reader.auth).send({ password: reader.password }),
          checkout(),
        ]);
        expect(erased.status).toBe(204);
        statuses.push(started.status);
        const [{ n: donations }] = await s.t.db.query('SELECT count(*)::int AS n FROM donations WHERE user_id = $1', [reader.id]);
        const [{ n: customers }] = await s.t.db.query('SELECT count(*)::int AS n FROM stripe_customers WHERE user_id = $1', [reader.id]);
        expect({ donations, customers }).toEqual({ donations: 0, customers: 0 });
      }
      expect(statuses.filter((status) => status !== 201 && status !== 401)).toEqual([]);
    }, 60_000);

    it('opens a one-off gift in payment mode with the exact Checkout parameters', async () => {
      const article = await createArticle(s.t.http);
      const response = await s.t.http
        .post('/api/v1/donations/checkout')
        .set('Host', 'evil.example')
        .send({ articleId: article.id, amount: 750, currency: 'gbp', frequency: 'one_off', email: 'anon@example.test' })
        .expect(201);
      const { donationId, checkoutUrl } = response.body;
      expect(checkoutUrl).toMatch(/^https:\/\/checkout\.stripe\.com\/c\/pay\/cs_test_/);
      const sent = s.fake.checkoutRequestFor(donationId);
      const metadata = { donationId, articleId: article.id, appealId: 'default' };
      expect(sent?.body).toEqual({
        mode: 'payment',
        submit_type: 'donate',
        client_reference_id: donationId,
        customer_email: 'anon@example.test',
        metadata,
        payment_intent_data: { metadata },
        line_items: [{ quantity: '1', price_data: { currency: 'gbp', unit_amount: '750', product_data: { name: 'One-off donation' } } }],
        success_url: `https://news.example/support/thank-you?donation=${donationId}`,
        cancel_url: `https://news.example/support/cancelled?donation=${donationId}`,
      });
      expect(sent?.idempotencyKey).toBe(`donation-checkout-${donationId}`);
      expect(sent?.stripeVersion).toBe(STRIPE_API_VERSION);
      const [row] = await s.t.db.query('SELECT status, stripe_checkout_session_id FROM donations WHERE id = $1', [donationId]);
      expect(row).toEqual({ status: 'pending', stripe_checkout_session_id: expect.stringMatching(/^cs_test_/) });
    });

    it.each([
      ['monthly', 'month'],
      ['annual', 'year'],
    ])('opens a %s gift in subscription mode with an inline recurring price', async (frequency, interval) => {
      const { donationId, articleId } = await startDonation(s.t.http, { frequency, currency: 'gbp', amount: 1500 });
      const sent = s.fake.checkoutRequestFor(donationId);
      const metadata = { donationId, articleId, appealId: 'default' };
      expect(sent?.body).toEqual({
        mode: 'subscription',
        client_reference_id: donationId,
        metadata,
        subscription_data: { metadata },
        line_items: [
          {
            quantity: '1',
            price_data: {
              currency: 'gbp',
              unit_amount: '1500',
              product_data: { name: frequency === 'monthly' ? 'Monthly donation' : 'Annual donation' },
              recurring: { interval },
            },
          },
        ],
        success_url: `https://news.example/support/thank-you?donation=${donationId}`,
        cancel_url: `https://news.example/support/cancelled?donation=${donationId}`,
      });
      expect(sent?.idempotencyKey).toBe(`donation-checkout-${donationId}`);
    });

    it('links a signed-in donor to their account and to one Stripe customer, created once', async () => {
      const reader = await registerReader(s.t.http);
      const first = await startDonation(s.t.http, { email: 'ignored@example.test' }, reader.auth);
      const second = await startDonation(s.t.http, { frequency: 'monthly' }, reader.auth);
      const customerRequests = s.fake.requestsTo('POST', '/v1/customers').filter((request) => (request.body.metadata as Record<string, string>)?.userId === reader.id);
      expect(customerRequests).toHaveLength(1);
      expect(customerRequests[0].body.email).toBe(reader.email);
      expect(customerRequests[0].idempotencyKey).toBe(`reader-customer-${reader.id}`);
      const [{ stripe_customer_id: customerId }] = await s.t.db.query('SELECT stripe_customer_id FROM stripe_customers WHERE user_id = $1', [reader.id]);
      for (const donation of [first, second]) {
        const body = s.fake.checkoutRequestFor(donation.donationId)?.body;
        expect(body?.customer).toBe(customerId);
        expect(body).not.toHaveProperty('customer_email');
      }
      const rows = await s.t.db.query('SELECT user_id FROM donations WHERE id = ANY($1)', [[first.donationId, second.donationId]]);
      expect(rows).toEqual([{ user_id: reader.id }, { user_id: reader.id }]);
    });

    it('validates against the article appeal, naming each field', async () => {
      const admin = await registerStaff(s.t.http, s.t.db, 'admin');
      const appealId = `narrow-${uniqueSuffix()}`;
      await s.t.http.put(`/api/v1/admin/appeals/${appealId}`).set(admin.auth).send(appealBody()).expect(201);
      const article = await createArticle(s.t.http, { appealId });
      const attempt = (body: Record<string, unknown>) =>
        s.t.http.post('/api/v1/donations/checkout').send({ articleId: article.id, amount: 1000, currency: 'gbp', frequency: 'one_off', ...body });
      const cases: [Record<string, unknown>, string][] = [
        [{ amount: 499 }, 'amount'],
        [{ amount: 5001 }, 'amount'],
        [{ currency: 'usd' }, 'currency'],
        [{ frequency: 'annual' }, 'frequency'],
        [{ amount: 0 }, 'amount'],
        [{ amount: 10.5 }, 'amount'],
        [{ currency: 'GBP' }, 'currency'],
        [{ frequency: 'weekly' }, 'frequency'],
        [{ email: 'not-an-email' }, 'email'],
        [{ articleId: 'bad id!' }, 'articleId'],
        [{ extra: true }, 'extra'],
      ];
      for (const [body, field] of cases) {
        const response = await attempt(body);
        expectProblem(response, 400, 'VALIDATION_FAILED');
        expect(response.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
      }
      const [{ count }] = await s.t.db.query('SELECT count(*)::int AS count FROM donations WHERE article_id = $1', [article.id]);
      expect(count).toBe(0);
      await attempt({ amount: 500 }).expect(201);
    });

    it('404s for an unknown article', async () => {
      const response = await s.t.http
        .post('/api/v1/donations/checkout')
        .send({ articleId: `missing-${uniqueSuffix()}`, amount: 500, currency: 'gbp', frequency: 'one_off' });
      expectProblem(response, 404, 'ARTICLE_NOT_FOUND');
    });

    it('marks the donation failed and answers 502 when Stripe refuses, 503 when it is down (never Stripe text)', async () => {
      const article = await createArticle(s.t.http);
      s.fake.failNext('POST', '/v1/checkout/sessions', 400, 'invalid_request_error', 'parameter_invalid_integer');
      const refused = await s.t.http.post('/api/v1/donations/checkout').send({ articleId: article.id, amount: 500, currency: 'gbp', frequency: 'one_off' });
      expectProblem(refused, 502, 'PAYMENT_PROVIDER_ERROR');
      expect(JSON.stringify(refused.body)).not.toContain('Planned failure');

      s.fake.failNext('POST', '/v1/checkout/sessions', 500);
      const down = await s.t.http.post('/api/v1/donations/checkout').send({ articleId: article.id, amount: 500, currency: 'gbp', frequency: 'one_off' });
      expectProblem(down, 503, 'PAYMENT_PROVIDER_UNAVAILABLE');

      const rows = await s.t.db.query('SELECT status FROM donations WHERE article_id = $1', [article.id]);
      expect(rows).toEqual([{ status: 'failed' }, { status: 'failed' }]);
    });
  });

  describe('views', () => {
    it('shows a donation by id on the success page while it is still pending', async () => {
      const { donationId, articleId } = await startDonation(s.t.http, { amount: 1000, currency: 'gbp' });
      const response = await s.t.http.get(`/api/v1/donations/${donationId}`).expect(200);
      expect(response.body).toEqual({
        id: donationId,
        status: 'pending',
        amount: 1000,
        currency: 'gbp',
        frequency: 'one_off',
        articleId,
        createdAt: expect.stringMatching(/Z$/),
      });
    });

    it('404s DONATION_NOT_FOUND for unknown and malformed ids', async () => {
      expectProblem(await s.t.http.get('/api/v1/donations/00000000-0000-4000-8000-000000000000'), 404, 'DONATION_NOT_FOUND');
      expectProblem(await s.t.http.get('/api/v1/donations/not-a-uuid'), 404, 'DONATION_NOT_FOUND');
    });

    it("pages the reader's own donations, newest first", async () => {
      const reader = await registerReader(s.t.http);
      const other = await registerReader(s.t.http);
      const mine = [];
      for (let index = 0; index < 3; index += 1) mine.push((await startDonation(s.t.http, { amount: 500 + index }, reader.auth)).donationId);
      await startDonation(s.t.http, {}, other.auth);
      const first = await s.t.http.get('/api/v1/me/donations?limit=2').set(reader.auth).expect(200);
      expect(first.body.items.map((item: { id: string }) => item.id)).toEqual([mine[2], mine[1]]);
      const second = await s.t.http.get(`/api/v1/me/donations?limit=2&cursor=${first.body.nextCursor}`).set(reader.auth).expect(200);
      expect(second.body).toEqual({ items: [expect.objectContaining({ id: mine[0], amount: 500 })], nextCursor: null });
      expectProblem(await s.t.http.get('/api/v1/me/donations?cursor=garbage!').set(reader.auth), 400, 'INVALID_CURSOR');
      expectProblem(await s.t.http.get('/api/v1/me/donations'), 401, 'UNAUTHENTICATED');
    });

    it('opens a billing portal session for a donor with a Stripe customer, 409 otherwise', async () => {
      const reader = await registerReader(s.t.http);
      expectProblem(await s.t.http.post('/api/v1/me/billing-portal').set(reader.auth), 409, 'NO_BILLING_ACCOUNT');
      await startDonation(s.t.http, { frequency: 'monthly' }, reader.auth);
      const response = await s.t.http.post('/api/v1/me/billing-portal').set(reader.auth).expect(201);
      expect(response.body).toEqual({ url: expect.stringMatching(/^https:\/\/billing\.stripe\.com\/p\/session\//) });
      const sent = s.fake.requestsTo('POST', '/v1/billing_portal/sessions').at(-1);
      const [{ stripe_customer_id: customerId }] = await s.t.db.query('SELECT stripe_customer_id FROM stripe_customers WHERE user_id = $1', [reader.id]);
      expect(sent?.body).toEqual({ customer: customerId, return_url: 'https://news.example/account/donations' });
    });
  });
});

describe('donations: rate limit and missing configuration (e2e)', () => {
  it('limits checkouts per client address (card testing)', async () => {
    const s = await createStripeTestApp({ CHECKOUT_RATE_LIMIT_MAX: '2' });
    try {
      const article = await createArticle(s.t.http);
      const body = { articleId: article.id, amount: 500, currency: 'gbp', frequency: 'one_off' };
      await s.t.http.post('/api/v1/donations/checkout').send(body).expect(201);
      await s.t.http.post('/api/v1/donations/checkout').send(body).expect(201);
      const limited = await s.t.http.post('/api/v1/donations/checkout').send(body);
      expectProblem(limited, 429, 'RATE_LIMITED');
      expect(limited.headers['retry-after']).toBeDefined();
    } finally {
      await s.close();
    }
  });

  it('without a Stripe key answers 503 PAYMENTS_NOT_CONFIGURED (naming STRIPE_SECRET_KEY) only where Stripe is needed; appeals and the rest work', async () => {
    const t = await createTestApp();
    try {
      const article = await createArticle(t.http);
      const reader = await registerReader(t.http);
      const admin = await registerStaff(t.http, t.db, 'admin');
      const needStripe = [
        t.http.post('/api/v1/donations/checkout').send({ articleId: article.id, amount: 500, currency: 'gbp', frequency: 'one_off' }),
        t.http.post('/api/v1/webhooks/stripe').set('Content-Type', 'application/json').send('{}'),
        t.http.post('/api/v1/me/billing-portal').set(reader.auth),
      ];
      for (const response of await Promise.all(needStripe)) {
        expectProblem(response, 503, 'PAYMENTS_NOT_CONFIGURED');
        expect(response.body.detail).toContain('STRIPE_SECRET_KEY');
      }
      const appeal = await t.http.get(`/api/v1/articles/${article.id}/appeal`).expect(200);
      expect(appeal.body).toMatchObject({ id: 'default', donationsEnabled: false });
      // Not the shared default appeal: other tests rely on its amounts.
      const appealId = `no-stripe-${uniqueSuffix()}`;
      const created = await t.http.put(`/api/v1/admin/appeals/${appealId}`).set(admin.auth).send(appealBody()).expect(201);
      expect(created.body).toMatchObject({ id: appealId, headline: 'Fund our climate desk', donationsEnabled: false });
      await t.http.put(`/api/v1/admin/appeals/${appealId}`).set(admin.auth).send(appealBody({ headline: 'Edited' })).expect(200);
      expectProblem(await t.http.get('/api/v1/donations/00000000-0000-4000-8000-000000000000'), 404, 'DONATION_NOT_FOUND');
      expect((await t.http.get('/api/v1/me/donations').set(reader.auth).expect(200)).body.items).toEqual([]);
      await t.http.get('/api/v1/admin/donations/summary').set(admin.auth).expect(200);
      await t.http.get(`/api/v1/articles/${article.id}`).expect(200);
      const me = await t.http.get('/api/v1/me').set(reader.auth).expect(200);
      expect(me.body.supporter).toEqual({ active: false, since: null, until: null, recurring: false });
    } finally {
      await t.close();
    }
  });

  it('without a webhook signing secret the webhook answers 503 naming STRIPE_WEBHOOK_SECRET', async () => {
    const t = await createTestApp({ STRIPE_SECRET_KEY: 'sk_test_no_webhook_secret' });
    try {
      const response = await t.http.post('/api/v1/webhooks/stripe').set('Content-Type', 'application/json').send('{}');
      expectProblem(response, 503, 'PAYMENTS_NOT_CONFIGURED');
      expect(response.body.detail).toContain('STRIPE_WEBHOOK_SECRET');
    } finally {
      await t.close();
    }
  });
});
