import { createArticle } from '../factories/articles.factory';
import { createStripeTestApp, deliverEvent, expectDelivered, startDonation, StripeTestApp } from '../factories/donations.factory';
import { registerReader, registerStaff, RegisteredReader, uniqueSuffix } from '../factories/users.factory';
import { expectProblem } from '../support/problem';
import { checkoutSession, stripeEvent } from '../support/stripe-fixtures';
import { createTestApp } from '../support/test-app';

const appealBody = {
  headline: 'Keep local news alive',
  body: 'Readers pay for this reporting.',
  currencies: { gbp: { amounts: [300, 500, 1000], defaultAmount: 500, min: 200, max: 10000 } },
  frequencies: ['one_off', 'monthly'],
};

/** The contract's "Support appeals and donations (Stripe)" section, line by line, over HTTP only. */
describe('contract: support appeals and donations (e2e)', () => {
  let s: StripeTestApp;
  let admin: RegisteredReader;

  beforeAll(async () => {
    s = await createStripeTestApp();
    admin = await registerStaff(s.t.http, s.t.db, 'admin');
  });
  afterAll(() => s.close());

  it('"GET /articles/:articleId/appeal → 200 appeal = {id, headline, body, currencies: {gbp: {amounts, defaultAmount, min, max}}, frequencies}"; donationsEnabled true', async () => {
    const article = await createArticle(s.t.http);
    const response = await s.t.http.get(`/api/v1/articles/${article.id}/appeal`).expect(200);
    expect(Object.keys(response.body).sort()).toEqual(['body', 'currencies', 'donationsEnabled', 'frequencies', 'headline', 'id']);
    expect(response.body).toEqual(expect.objectContaining({ id: 'default', donationsEnabled: true }));
    expect(response.body.currencies).toEqual({ gbp: { amounts: [300, 500, 1000], defaultAmount: 500, min: expect.any(Number), max: expect.any(Number) } });
    expect(response.body.frequencies).toEqual(['one_off', 'monthly', 'annual']);
  });

  it('"PUT /admin/appeals/:id | admin | upsert an appeal (same fields, plus active)"; "the article\'s own appeal, else the default one"', async () => {
    const id = `local-${uniqueSuffix()}`;
    const moderator = await registerStaff(s.t.http, s.t.db, 'moderator');
    expectProblem(await s.t.http.put(`/api/v1/admin/appeals/${id}`).set(moderator.auth).send(appealBody), 403, 'FORBIDDEN');
    await s.t.http.put(`/api/v1/admin/appeals/${id}`).set(admin.auth).send({ ...appealBody, active: true }).expect(201);
    await s.t.http.put(`/api/v1/admin/appeals/${id}`).set(admin.auth).send({ ...appealBody, headline: 'Back us', active: true }).expect(200);
    const article = await createArticle(s.t.http, { appealId: id });
    const shown = await s.t.http.get(`/api/v1/articles/${article.id}/appeal`).expect(200);
    expect(shown.body).toEqual(expect.objectContaining({ id, headline: 'Back us', frequencies: ['one_off', 'monthly'] }));
    const plain = await createArticle(s.t.http);
    expect((await s.t.http.get(`/api/v1/articles/${plain.id}/appeal`).expect(200)).body.id).toBe('default');
  });

  describe('POST /donations/checkout', () => {
    it('"public (reader optional) ... → 201 {donationId, checkoutUrl}: payment mode for one_off, subscription otherwise, carrying the donation id, article id and appeal id"', async () => {
      const article = await createArticle(s.t.http);
      const response = await s.t.http
        .post('/api/v1/donations/checkout')
        .send({ articleId: article.id, amount: 500, currency: 'gbp', frequency: 'one_off', email: 'donor@example.test' })
        .expect(201);
      expect(response.body).toEqual({ donationId: expect.any(String), checkoutUrl: expect.stringMatching(/^https?:\/\//) });
      const oneOff = s.fake.checkoutRequestFor(response.body.donationId);
      expect(oneOff?.body).toEqual(expect.objectContaining({ mode: 'payment', metadata: expect.objectContaining({ donationId: response.body.donationId, articleId: article.id, appealId: 'default' }) }));
      const reader = await registerReader(s.t.http);
      const monthly = await startDonation(s.t.http, { articleId: article.id, frequency: 'monthly' }, reader.auth);
      expect(s.fake.checkoutRequestFor(monthly.donationId)?.body).toEqual(expect.objectContaining({ mode: 'subscription' }));
    });

    it('"400 when the amount, currency or frequency is outside the appeal; 404 unknown article"', async () => {
      const id = `narrow-${uniqueSuffix()}`;
      await s.t.http.put(`/api/v1/admin/appeals/${id}`).set(admin.auth).send(appealBody).expect(201);
      const article = await createArticle(s.t.http, { appealId: id });
      const checkout = (body: Record<string, unknown>) =>
        s.t.http.post('/api/v1/donations/checkout').send({ articleId: article.id, amount: 500, currency: 'gbp', frequency: 'one_off', ...body });
      await checkout({}).expect(201);
      for (const body of [{ amount: 100 }, { amount: 10001 }, { currency: 'usd' }, { frequency: 'annual' }]) {
        expectProblem(await checkout(body), 400, 'VALIDATION_FAILED');
      }
      expectProblem(await checkout({ articleId: `nope-${uniqueSuffix()}` }), 404, 'ARTICLE_NOT_FOUND');
    });
  });

  it('"GET /donations/:id | public (by id) | 200 {id, status, amount, currency, frequency, articleId, createdAt}"', async () => {
    const started = await startDonation(s.t.http, { amount: 1000 });
    const response = await s.t.http.get(`/api/v1/donations/${started.donationId}`).expect(200);
    expect(response.body).toEqual({
      id: started.donationId,
      status: 'pending',
      amount: 1000,
      currency: 'gbp',
      frequency: 'one_off',
      articleId: started.articleId,
      createdAt: expect.any(String),
    });
    expectProblem(await s.t.http.get('/api/v1/donations/00000000-0000-4000-8000-000000000000'), 404, 'DONATION_NOT_FOUND');
  });

  it('"POST /webhooks/stripe | Stripe-Signature verified (bad or missing → 400); each event id is handled once"', async () => {
    const started = await startDonation(s.t.http);
    const event = stripeEvent('checkout.session.completed', checkoutSession(started));
    const missing = await s.t.http.post('/api/v1/webhooks/stripe').set('Content-Type', 'application/json').send(JSON.stringify(event));
    expectProblem(missing, 400, 'INVALID_SIGNATURE');
    const bad = await s.t.http.post('/api/v1/webhooks/stripe').set('Content-Type', 'application/json').set('Stripe-Signature', 't=1,v1=00').send(JSON.stringify(event));
    expectProblem(bad, 400, 'INVALID_SIGNATURE');
    await expectDelivered(s.t.http, event);
    expect((await deliverEvent(s.t.http, event)).status).toBe(200);
    expect((await s.t.http.get(`/api/v1/donations/${started.donationId}`).expect(200)).body.status).toBe('succeeded');
  });

  it('"A signed-in donor becomes a supporter: supporter = {active, since, until, recurring}, and isSupporter on their profile and on every comment they wrote"; GET /me/donations', async () => {
    const donor = await registerReader(s.t.http);
    const article = await createArticle(s.t.http);
    const comment = await s.t.http.post(`/api/v1/articles/${article.id}/comments`).set(donor.auth).send({ body: 'I support this' }).expect(201);
    const started = await startDonation(s.t.http, { articleId: article.id }, donor.auth);
    await expectDelivered(s.t.http, stripeEvent('checkout.session.completed', checkoutSession(started)));
    const me = await s.t.http.get('/api/v1/me').set(donor.auth).expect(200);
    expect(me.body.supporter).toEqual({ active: true, since: expect.any(String), until: expect.any(String), recurring: false });
    const days = (Date.parse(me.body.supporter.until) - Date.now()) / 86400_000;
    expect(days).toBeGreaterThan(89);
    expect(days).toBeLessThanOrEqual(90);
    expect((await s.t.http.get(`/api/v1/users/${donor.id}`).expect(200)).body.isSupporter).toBe(true);
    expect((await s.t.http.get(`/api/v1/comments/${comment.body.id}`).expect(200)).body.author.isSupporter).toBe(true);
    const mine = await s.t.http.get('/api/v1/me/donations').set(donor.auth).expect(200);
    expect(mine.body).toEqual({ items: [expect.objectContaining({ id: started.donationId, status: 'succeeded' })], nextCursor: null });
    expectProblem(await s.t.http.get('/api/v1/me/donations'), 401, 'UNAUTHENTICATED');
  });

  it('"GET /admin/donations/summary | admin | ?articleId=&from=&to= → totals by article, appeal, currency and frequency"', async () => {
    const started = await startDonation(s.t.http, { amount: 700 });
    await expectDelivered(s.t.http, stripeEvent('checkout.session.completed', checkoutSession(started, { amount: 700 })));
    const response = await s.t.http.get('/api/v1/admin/donations/summary').query({ articleId: started.articleId }).set(admin.auth).expect(200);
    expect(response.body.totals).toEqual([
      expect.objectContaining({ articleId: started.articleId, appealId: 'default', currency: 'gbp', frequency: 'one_off', net: 700 }),
    ]);
    const future = new Date(Date.now() + 86400_000).toISOString();
    const none = await s.t.http.get('/api/v1/admin/donations/summary').query({ articleId: started.articleId, from: future }).set(admin.auth).expect(200);
    expect(none.body.totals).toEqual([]);
    const moderator = await registerStaff(s.t.http, s.t.db, 'moderator');
    expectProblem(await s.t.http.get('/api/v1/admin/donations/summary').set(moderator.auth), 403, 'FORBIDDEN');
  });

  it('"Without a secret key, checkout, billing-portal and the webhook answer 503 PAYMENTS_NOT_CONFIGURED; ... the appeal then carries donationsEnabled: false"', async () => {
    const t = await createTestApp({ STRIPE_SECRET_KEY: '', STRIPE_WEBHOOK_SECRET: '' });
    try {
      const article = await createArticle(t.http);
      const reader = await registerReader(t.http);
      expectProblem(
        await t.http.post('/api/v1/donations/checkout').send({ articleId: article.id, amount: 500, currency: 'gbp', frequency: 'one_off' }),
        503,
        'PAYMENTS_NOT_CONFIGURED',
      );
      expectProblem(await t.http.post('/api/v1/me/billing-portal').set(reader.auth), 503, 'PAYMENTS_NOT_CONFIGURED');
      expectProblem(await t.http.post('/api/v1/webhooks/stripe').set('Content-Type', 'application/json').send('{}'), 503, 'PAYMENTS_NOT_CONFIGURED');
      expect((await t.http.get(`/api/v1/articles/${article.id}/appeal`).expect(200)).body.donationsEnabled).toBe(false);
      const staff = await registerStaff(t.http, t.db, 'admin');
      await t.http.put(`/api/v1/admin/appeals/offline-${uniqueSuffix()}`).set(staff.auth).send(appealBody).expect(201);
    } finally {
      await t.close();
    }
  });
});
