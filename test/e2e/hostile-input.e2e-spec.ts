import { createArticle, TEST_CMS_API_KEY } from '../factories/articles.factory';
import { deliverEvent, startDonation } from '../factories/donations.factory';
import { registerReader, RegisteredReader, uniqueSuffix } from '../factories/users.factory';
import { FakeStripe } from '../support/fake-stripe';
import { createIsolatedTestApp } from '../support/isolated-test-app';
import { expectProblem } from '../support/problem';
import { charge, checkoutSession, invoice, stripeEvent, stripeId } from '../support/stripe-fixtures';
import { TestApp } from '../support/test-app';
import { runWriteEndpointFuzz } from '../support/write-endpoint-fuzz';

/**
 * Issue 10 items 4, 14 and 18: whatever a client sends (text PostgreSQL cannot
 * store, control characters, deep JSON, dates that pass a pattern but do not
 * parse, look-alike names, malformed but signed Stripe events) is answered
 * with a 4xx problem or, for Stripe, an acknowledgement — never a 500.
 * It runs on a database of its own: it changes the site-wide moderation settings.
 */
describe('hostile input at the edge (e2e)', () => {
  let t: TestApp;
  let fake: FakeStripe;
  let admin: RegisteredReader;

  beforeAll(async () => {
    fake = await FakeStripe.start();
    t = await createIsolatedTestApp(fake.environment());
    admin = await registerReader(t.http);
    await t.db.query(`UPDATE users SET role = 'admin' WHERE id = $1`, [admin.id]);
  });
  afterAll(async () => {
    await t.close();
    await fake.stop();
  });

  const patchMe = (reader: RegisteredReader, body: unknown) => t.http.patch('/api/v1/me').set(reader.auth).send(body as object);

  describe('text PostgreSQL cannot store, or no reader should see', () => {
    it('a NUL byte in a bio is a 400 VALIDATION_FAILED, not a 500', async () => {
      const reader = await registerReader(t.http);
      const response = await patchMe(reader, { bio: 'hello\u0000world' });
      expectProblem(response, 400, 'VALIDATION_FAILED');
      expect(response.body.errors).toEqual([expect.objectContaining({ field: 'bio' })]);
    });

    it('refuses NUL wherever it hides: a login e-mail, a password, a key of a free-form object', async () => {
      expectProblem(await t.http.post('/api/v1/auth/login').send({ email: 'a\u0000@example.test', password: 'x' }), 400, 'VALIDATION_FAILED');
      expectProblem(await t.http.post('/api/v1/auth/login').send({ email: 'a@example.test', password: 'pass\u0000word' }), 400, 'VALIDATION_FAILED');
      const appeal = {
        headline: 'Support us',
        body: 'Please',
        frequencies: ['one_off'],
        currencies: { 'g\u0000bp': { amounts: [500], defaultAmount: 500, min: 100, max: 1000 } },
      };
      expectProblem(await t.http.put('/api/v1/admin/appeals/default').set(admin.auth).send(appeal), 400, 'VALIDATION_FAILED');
    });

    it('refuses unpaired surrogates, which would silently turn into U+FFFD on the way to the database', async () => {
      const reader = await registerReader(t.http);
      expectProblem(await patchMe(reader, { bio: 'broken \uD83D half' }), 400, 'VALIDATION_FAILED');
      const article = await createArticle(t.http);
      const posted = await t.http.post(`/api/v1/articles/${article.id}/comments`).set(reader.auth).send({ body: 'tail \uDE00' });
      expectProblem(posted, 400, 'VALIDATION_FAILED');
      expect((await patchMe(reader, { bio: 'a whole one 😀' }).expect(200)).body.bio).toBe('a whole one 😀');
    });

    it('refuses C0 controls, but keeps newline and tab in bios, comment bodies and report notes', async () => {
      const reader = await registerReader(t.http);
      const author = await registerReader(t.http);
      const article = await createArticle(t.http);
      expectProblem(await patchMe(reader, { bio: 'bell\u0007' }), 400, 'VALIDATION_FAILED');
      expectProblem(await patchMe(reader, { bio: 'escape \u001B[31mred' }), 400, 'VALIDATION_FAILED');
      expect((await patchMe(reader, { bio: 'line one\n\tline two' }).expect(200)).body.bio).toBe('line one\n\tline two');

      const post = (body: string) => t.http.post(`/api/v1/articles/${article.id}/comments`).set(author.auth).send({ body });
      expectProblem(await post('back\u0008space'), 400, 'VALIDATION_FAILED');
      const comment = (await post('first line\n\tsecond line').expect(201)).body;
      expect(comment.body).toBe('first line\n\tsecond line');

      const report = (note: string) => t.http.post(`/api/v1/comments/${comment.id}/reports`).set(reader.auth).send({ reason: 'other', note });
      expectProblem(await report('form\u000Cfeed'), 400, 'VALIDATION_FAILED');
      await report('see\nbelow').expect(202);

      // A title is a single line: even a newline is refused there.
      const title = await t.http.put(`/api/v1/articles/${article.id}`).set('X-Api-Key', TEST_CMS_API_KEY).send({ title: 'a\nb', url: 'https://news.example/x' });
      expectProblem(title, 400, 'VALIDATION_FAILED');
    });
  });

  describe('JSON nested deeper than 32 levels', () => {
    const nested = (depth: number) => `{"email":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)},"password":"x"}`;
    const sendRaw = (path: string, body: string) => t.http.post(path).set('Content-Type', 'application/json').send(body);

    it.each(['/api/v1/auth/register', '/api/v1/auth/login'])('is a 400 problem on %s, however deep', async (path) => {
      for (const depth of [33, 100, 20_000]) {
        const response = await sendRaw(path, nested(depth));
        expectProblem(response, 400, 'VALIDATION_FAILED');
        expect(response.body.detail).toMatch(/nested deeper than 32 levels/);
      }
    });

    it('lets 32 levels through to ordinary validation', async () => {
      const response = await sendRaw('/api/v1/auth/login', nested(32));
      expectProblem(response, 400, 'VALIDATION_FAILED');
      expect(response.body.detail).not.toMatch(/nested/);
    });
  });

  describe('one validation per field: display names', () => {
    it.each([
      ['a zero-width space', 'Administrator\u200B'],
      ['a right-to-left override', '\u202EAdministrator'],
      ['a soft hyphen', 'Admini\u00ADstrator'],
      ['a bidi isolate', 'Admin\u2067istrator\u2069'],
      ['a zero-width joiner', 'Admin\u200Distrator'],
    ])('refuses %s on registration and on PATCH /me alike', async (_, displayName) => {
      const registered = await t.http.post('/api/v1/auth/register').send({ email: `n-${uniqueSuffix()}@example.test`, password: 'correct horse battery', displayName });
      expectProblem(registered, 400, 'VALIDATION_FAILED');
      const reader = await registerReader(t.http);
      const patched = await patchMe(reader, { displayName });
      expectProblem(patched, 400, 'VALIDATION_FAILED');
      expect(patched.body.errors).toEqual([expect.objectContaining({ field: 'displayName' })]);
    });

    it('stores names in NFKC, so a full-width copy of a taken name is taken too', async () => {
      const name = `Editor ${uniqueSuffix()}`;
      const owner = await registerReader(t.http, { displayName: name });
      const fullWidth = [...name].map((letter) => (letter === ' ' ? '\u3000' : String.fromCodePoint(letter.codePointAt(0)! + 0xfee0))).join('');
      const copycat = await registerReader(t.http);
      expectProblem(await patchMe(copycat, { displayName: fullWidth }), 409, 'DISPLAY_NAME_TAKEN');
      const registered = await t.http.post('/api/v1/auth/register').send({ email: `c-${uniqueSuffix()}@example.test`, password: 'correct horse battery', displayName: fullWidth });
      expectProblem(registered, 409, 'DISPLAY_NAME_TAKEN');
      const other = `ﬁxer ${uniqueSuffix()}`;
      expect((await patchMe(owner, { displayName: other }).expect(200)).body.displayName).toBe(other.normalize('NFKC'));
    });
  });

  describe('banned words cannot be dodged with invisible or look-alike characters', () => {
    it('holds each disguised comment for review and stores its body as written', async () => {
      await t.http.put('/api/v1/admin/settings/moderation').set(admin.auth).send({ bannedWords: ['zorglub'], premoderateNewReaders: false }).expect(200);
      const article = await createArticle(t.http);
      const author = await registerReader(t.http);
      const disguises = ['so zorg\u200Blub', 'so zorg\u00ADlub', 'so zоrglub' /* Cyrillic о */, 'so zorglu\u0301b', 'so ZОRGLUB'];
      for (const body of disguises) {
        const posted = (await t.http.post(`/api/v1/articles/${article.id}/comments`).set(author.auth).send({ body }).expect(201)).body;
        expect({ body: posted.body, status: posted.status }).toEqual({ body, status: 'pending' });
      }
      const clean = (await t.http.post(`/api/v1/articles/${article.id}/comments`).set(author.auth).send({ body: 'a zorgluboid thought' }).expect(201)).body;
      expect(clean.status).toBe('visible');
      await t.http.put('/api/v1/admin/settings/moderation').set(admin.auth).send({ bannedWords: [], premoderateNewReaders: false }).expect(200);
    });
  });

  describe('dates, numbers and enums', () => {
    it.each(['2026-W01', '20270101', '2026-001', '2026-02-30', '2026-01-31T12:00:00'])('refuses publishedAt %s with a 400', async (publishedAt) => {
      const response = await t.http
        .put(`/api/v1/articles/article-${uniqueSuffix()}`)
        .set('X-Api-Key', TEST_CMS_API_KEY)
        .send({ title: 'A story', url: 'https://news.example/story', publishedAt });
      expectProblem(response, 400, 'VALIDATION_FAILED');
    });

    it('refuses week and basic-format dates in a suspension and in the donations summary query', async () => {
      const reader = await registerReader(t.http);
      for (const until of ['2026-W01', '20270101']) {
        expectProblem(await t.http.post(`/api/v1/admin/users/${reader.id}/suspend`).set(admin.auth).send({ reason: 'spam', until }), 400, 'VALIDATION_FAILED');
      }
      for (const query of ['from=2026-W01', 'to=20270101', 'from=2026-02-30']) {
        expectProblem(await t.http.get(`/api/v1/admin/donations/summary?${query}`).set(admin.auth), 400, 'VALIDATION_FAILED');
      }
      await t.http.get('/api/v1/admin/donations/summary?from=2026-01-01&to=2026-12-31T23:59:59Z').set(admin.auth).expect(200);
    });

    it('refuses huge, fractional and non-numeric numbers and unknown enum values', async () => {
      const article = await createArticle(t.http);
      const checkout = (body: Record<string, unknown>) =>
        t.http.post('/api/v1/donations/checkout').send({ articleId: article.id, amount: 500, currency: 'gbp', frequency: 'one_off', ...body });
      for (const amount of [1e308, 2 ** 53, 5.5, '500', -1]) expectProblem(await checkout({ amount }), 400, 'VALIDATION_FAILED');
      expectProblem(await t.http.post('/api/v1/donations/checkout').set('Content-Type', 'application/json').send(`{"articleId":"${article.id}","amount":1e400,"currency":"gbp","frequency":"one_off"}`), 400, 'VALIDATION_FAILED');
      expectProblem(await checkout({ frequency: 'weekly' }), 400, 'VALIDATION_FAILED');
      expectProblem(await t.http.get(`/api/v1/articles/${article.id}/comments?limit=1e400&sort=sideways`), 400, 'VALIDATION_FAILED');
    });
  });

  describe('correctly signed but malformed Stripe events', () => {
    const outcomeOf = async (id: string) =>
      ((await t.db.query('SELECT outcome FROM stripe_events WHERE id = $1', [id])) as { outcome: string }[])[0]?.outcome;

    it('acknowledges an event that can never be processed with a 200, records it, and answers a redelivery the same way', async () => {
      const started = await startDonation(t.http);
      const malformed = [
        stripeEvent('checkout.session.completed', 'not an object'),
        stripeEvent('checkout.session.completed', { ...checkoutSession(started), subscription: { nested: ['no id'] } }),
        stripeEvent('invoice.paid', { ...invoice(started, { subscription: stripeId('sub') }), lines: null }),
        stripeEvent('customer.subscription.updated', { id: 42 }),
        { ...stripeEvent('charge.refunded', {}), created: 'yesterday' },
      ];
      for (const event of malformed) {
        const response = await deliverEvent(t.http, event);
        expect({ status: response.status, body: response.body }).toEqual({ status: 200, body: { received: true } });
        expect(await outcomeOf(event.id)).toMatch(/^ignored: malformed event/);
        expect((await deliverEvent(t.http, event)).status).toBe(200);
      }
      expect((await t.http.get(`/api/v1/donations/${started.donationId}`).expect(200)).body.status).toBe('pending');
    });

    it('acknowledges events whose values the database refuses (a NUL, an id too long, an amount that is not a number)', async () => {
      const started = await startDonation(t.http);
      const expectAcknowledgedUnprocessable = async (event: { id: string }) => {
        const response = await deliverEvent(t.http, event);
        expect(response.status).toBe(200);
        expect(await outcomeOf(event.id)).toMatch(/^ignored: malformed event/);
      };
      await expectAcknowledgedUnprocessable(stripeEvent('checkout.session.completed', { ...checkoutSession(started), payment_intent: 'pi_\u0000' }));
      await expectAcknowledgedUnprocessable(stripeEvent('checkout.session.completed', { ...checkoutSession(started), payment_intent: `pi_${'x'.repeat(300)}` }));
      const paymentIntent = stripeId('pi');
      expect((await deliverEvent(t.http, stripeEvent('checkout.session.completed', checkoutSession(started, { paymentIntent })))).status).toBe(200);
      await expectAcknowledgedUnprocessable(stripeEvent('charge.refunded', { ...charge({ paymentIntent }), amount_refunded: 'lots' }));
      expect((await t.http.get(`/api/v1/donations/${started.donationId}`).expect(200)).body.status).toBe('succeeded');
      const withoutId = { ...stripeEvent('checkout.session.completed', checkoutSession(started)), id: null };
      expect((await deliverEvent(t.http, withoutId)).status).toBe(200);
    });
  });

  describe('property: generated hostile requests to every write endpoint', () => {
    it('never answer 5xx, always answer errors as problem+json, and never leak internals', async () => {
      await runWriteEndpointFuzz(t, admin);
    }, 120_000);
  });
});
