import { Client } from 'pg';
import { createArticle } from '../factories/articles.factory';
import { createStripeTestApp, startDonation, StripeTestApp } from '../factories/donations.factory';
import { postComment, reportComment } from '../factories/moderation.factory';
import { runJobs } from '../factories/notifications.factory';
import { registerReader, registerStaff } from '../factories/users.factory';

describe('account erasure is complete (e2e)', () => {
  let s: StripeTestApp;
  beforeAll(async () => {
    s = await createStripeTestApp();
  });
  afterAll(() => s.close());

  it("removes the reader's report notes and reporter id from the queue, keeping the report for the counts", async () => {
    const article = await createArticle(s.t.http);
    const author = await registerReader(s.t.http);
    const reporter = await registerReader(s.t.http);
    const moderator = await registerStaff(s.t.http, s.t.db, 'moderator');
    const comment = await postComment(s.t.http, author, article.id);
    await reportComment(s.t.http, reporter, comment.id, 'harassment', 'He lives on my street, at number 12');

    await s.t.http.delete('/api/v1/me').set(reporter.auth).send({ password: reporter.password }).expect(204);

    const rows = await s.t.db.query('SELECT reporter_id, note, reason FROM comment_reports WHERE comment_id = $1', [comment.id]);
    expect(rows).toEqual([{ reporter_id: null, note: null, reason: 'harassment' }]);
    const queue = await s.t.http.get('/api/v1/admin/queue?state=reported&limit=100').set(moderator.auth).expect(200);
    const item = queue.body.items.find((entry: { id: string }) => entry.id === comment.id);
    expect(item).toMatchObject({ reportCount: 1, reports: [{ reason: 'harassment', note: null }] });
  });

  it("redacts the Stripe customer (after commit, as a job) and keeps the donations as records without the donor", async () => {
    const reader = await registerReader(s.t.http);
    const { donationId } = await startDonation(s.t.http, { amount: 700 }, reader.auth);
    const [{ stripe_customer_id: customerId }] = await s.t.db.query('SELECT stripe_customer_id FROM stripe_customers WHERE user_id = $1', [reader.id]);
    s.fake.failNext('POST', `/v1/customers/${customerId}`, 500);

    await s.t.http.delete('/api/v1/me').set(reader.auth).send({ password: reader.password }).expect(204);

    const [donation] = await s.t.db.query('SELECT user_id, amount, currency, created_at FROM donations WHERE id = $1', [donationId]);
    expect(donation).toEqual({ user_id: null, amount: 700, currency: 'gbp', created_at: expect.any(Date) });
    expect(await s.t.db.query('SELECT 1 FROM stripe_customers WHERE user_id = $1', [reader.id])).toEqual([]);
    expect(await s.t.db.query('SELECT 1 FROM supporter_entitlements WHERE user_id = $1', [reader.id])).toEqual([]);

    // A Stripe outage does not block the erasure: the redaction waits in the queue and is retried.
    await runJobs(s.t);
    await s.t.db.query(`UPDATE pgboss.job SET start_after = now() WHERE name = 'stripe.redact-customer' AND state = 'retry'`);
    await runJobs(s.t);
    const updates = s.fake.requestsTo('POST', `/v1/customers/${customerId}`);
    expect(updates).toHaveLength(2);
    expect(updates[1].body).toEqual(expect.objectContaining({ email: '', name: '', metadata: { userId: '' } }));
  });
  it("locks the articles it will change before the reader's row (the one lock order), whatever order modules registered in", async () => {
    const article = await createArticle(s.t.http);
    const reader = await registerReader(s.t.http);
    await postComment(s.t.http, reader, article.id);
    // Connections of their own, outside the app's pool (which CI also runs with a single connection).
    const holder = new Client({ connectionString: s.t.config.databaseUrl });
    const prober = new Client({ connectionString: s.t.config.databaseUrl });
    await holder.connect();
    await prober.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM articles WHERE id = $1 FOR UPDATE', [article.id]);
      const { rows: [{ pid }] } = await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      const erasure = s.t.http.delete('/api/v1/me').set(reader.auth).send({ password: reader.password }).then((response) => response);

      // Wait (boundedly) until the erasure is blocked on the article row this test holds.
      let blocked = 0;
      for (let attempt = 0; attempt < 400 && blocked === 0; attempt += 1) {
        const { rows: [row] } = await prober.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))', [pid]);
        blocked = row.n;
        if (blocked === 0) await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(blocked).toBeGreaterThan(0);

      // While it waits for the article, it holds nothing on the reader's row yet.
      await prober.query('BEGIN');
      const rowLock = await prober.query('SELECT 1 FROM users WHERE id = $1 FOR UPDATE NOWAIT', [reader.id]).then(
        () => 'free',
        (error: { code?: string }) => error.code,
      );
      await prober.query('ROLLBACK');
      expect(rowLock).toBe('free');

      await holder.query('ROLLBACK');
      expect((await erasure).status).toBe(204);
    } finally {
      await holder.end();
      await prober.end();
    }
  });
});
