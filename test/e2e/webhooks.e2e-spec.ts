import { Client } from 'pg';
import { ArticlesService } from '../../src/articles/articles.service';
import { DomainEvents } from '../../src/common/events/domain-events';
import { JobQueue } from '../../src/notifications/jobs/job-queue';
import { DELIVER_JOB, SWEEP_JOB } from '../../src/webhooks/webhook-dispatcher';
import { createArticle } from '../factories/articles.factory';
import { postComment } from '../factories/moderation.factory';
import { registerReader, registerStaff, RegisteredReader } from '../factories/users.factory';
import { createIsolatedTestApp } from '../support/isolated-test-app';
import { expectProblem } from '../support/problem';
import { createTestApp, TestApp } from '../support/test-app';
import { signatureIsValid, WebhookReceiver } from '../support/webhook-receiver';

const BASE_MS = 100;
/** Loopback receivers, quick retries, a short retry window and attempt timeout, so the whole life of a delivery fits a test. */
const WEBHOOK_ENV = {
  WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
  WEBHOOK_RETRY_BASE_MS: String(BASE_MS),
  WEBHOOK_RETRY_WINDOW_SECONDS: '3',
  WEBHOOK_TIMEOUT_MS: '1000',
};
const SECRET = 'whsec-test-0123456789abcdef';

/** Endpoints are site-wide (every event of the database goes to them), so this file runs on a database of its own. */
describe('outbound webhooks (e2e, own database)', () => {
  let t: TestApp;
  let admin: RegisteredReader;
  let moderator: RegisteredReader;
  let author: RegisteredReader;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    t = await createIsolatedTestApp(WEBHOOK_ENV);
    [admin, moderator, author] = await Promise.all([registerStaff(t.http, t.db, 'admin'), registerStaff(t.http, t.db, 'moderator'), registerReader(t.http)]);
  });
  afterAll(() => t.close());

  beforeEach(async () => {
    receiver = await WebhookReceiver.start();
  });
  afterEach(async () => {
    await receiver.stop();
    await t.db.query(`DELETE FROM webhook_endpoints`);
  });

  const put = (id: string, body: Record<string, unknown>, as = admin) => t.http.put(`/api/v1/admin/webhooks/${id}`).set(as.auth).send(body);
  const subscribe = async (id: string, events: string[], app = t) => {
    const response = await app.http.put(`/api/v1/admin/webhooks/${id}`).set(admin.auth).send({ url: receiver.url, secret: SECRET, events });
    expect(response.status).toBe(201);
  };
  const deliveries = async (id: string, app = t) => (await app.http.get(`/api/v1/admin/webhooks/${id}/deliveries?limit=100`).set(admin.auth).expect(200)).body.items;
  const drain = (app = t) => app.app.get(JobQueue).drain([DELIVER_JOB]);
  /** Runs the delivery jobs (retries become due as time passes) until `done` holds. */
  async function deliverUntil(done: () => boolean | Promise<boolean>, app = t): Promise<void> {
    for (let round = 0; round < 1500; round += 1) {
      await drain(app);
      if (await done()) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error('the deliveries never got there');
  }
  const types = () => receiver.accepted.map((webhook) => webhook.body.type);

  describe('admin CRUD', () => {
    it('creates (201), reads, replaces (200, the secret kept unless given), lists by id and deletes (204)', async () => {
      const created = await put('newsroom-main', { url: receiver.url, secret: SECRET, events: ['comment.created', 'comment.created'] }).expect(201);
      expect(created.body).toEqual({
        id: 'newsroom-main',
        url: receiver.url,
        events: ['comment.created'],
        secretHint: '…cdef',
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      expect(JSON.stringify(created.body)).not.toContain(SECRET);
      expect((await t.http.get('/api/v1/admin/webhooks/newsroom-main').set(admin.auth).expect(200)).body).toEqual(created.body);

      const replaced = await put('newsroom-main', { url: `${receiver.url}?v=2`, events: ['comment.moderated', 'donation.succeeded'] }).expect(200);
      expect(replaced.body).toEqual(expect.objectContaining({ url: `${receiver.url}?v=2`, events: ['comment.moderated', 'donation.succeeded'], secretHint: '…cdef' }));
      const rotated = await put('newsroom-main', { url: receiver.url, secret: 'another-secret-0123456789-beef', events: ['comment.created'] }).expect(200);
      expect(rotated.body.secretHint).toBe('…beef');

      await put('audit.feed', { url: receiver.url, secret: SECRET, events: ['article.commentsClosed'] }).expect(201);
      const first = await t.http.get('/api/v1/admin/webhooks?limit=1').set(admin.auth).expect(200);
      expect(first.body.items.map((item: { id: string }) => item.id)).toEqual(['audit.feed']);
      const second = await t.http.get(`/api/v1/admin/webhooks?limit=1&cursor=${first.body.nextCursor}`).set(admin.auth).expect(200);
      expect(second.body).toEqual({ items: [expect.objectContaining({ id: 'newsroom-main' })], nextCursor: null });

      await t.http.delete('/api/v1/admin/webhooks/newsroom-main').set(admin.auth).expect(204);
      expectProblem(await t.http.get('/api/v1/admin/webhooks/newsroom-main').set(admin.auth), 404, 'WEBHOOK_NOT_FOUND');
      expectProblem(await t.http.delete('/api/v1/admin/webhooks/newsroom-main').set(admin.auth), 404, 'WEBHOOK_NOT_FOUND');
      expectProblem(await t.http.get('/api/v1/admin/webhooks/newsroom-main/deliveries').set(admin.auth), 404, 'WEBHOOK_NOT_FOUND');
    });

    it('refuses bad endpoints with 400 and names the field', async () => {
      const valid = { url: receiver.url, secret: SECRET, events: ['comment.created'] };
      const refusals: [string, Record<string, unknown>, string][] = [
        ['hook', { ...valid, url: 'ftp://hooks.news.example/x' }, 'url'],
        ['hook', { ...valid, url: 'not a url' }, 'url'],
        ['hook', { ...valid, url: 'https://user:pw@hooks.news.example/x' }, 'url'],
        ['hook', { ...valid, events: [] }, 'events'],
        ['hook', { ...valid, events: ['comment.edited'] }, 'events'],
        ['hook', { ...valid, events: 'comment.created' }, 'events'],
        ['hook', { url: valid.url, events: valid.events }, 'secret'],
        ['hook', { ...valid, secret: 'short' }, 'secret'],
        ['hook', { ...valid, secret: `bad\u0000secret-0123456789` }, 'secret'],
        ['hook', { ...valid, extra: true }, 'extra'],
        ['bad%20id', valid, 'id'],
        ['x'.repeat(129), valid, 'id'],
      ];
      for (const [id, body, field] of refusals) {
        const response = await put(id, body);
        expectProblem(response, 400, 'VALIDATION_FAILED');
        expect(response.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: expect.stringContaining(field) })]));
      }
      expect((await t.http.get('/api/v1/admin/webhooks').set(admin.auth).expect(200)).body.items).toEqual([]);
    });

    it('is for admins only: moderators and readers get 403, anonymous callers 401', async () => {
      await put('hook', { url: receiver.url, secret: SECRET, events: ['comment.created'] }).expect(201);
      expectProblem(await put('hook', { url: receiver.url, secret: SECRET, events: ['comment.created'] }, moderator), 403, 'FORBIDDEN');
      expectProblem(await t.http.get('/api/v1/admin/webhooks/hook').set(moderator.auth), 403, 'FORBIDDEN');
      expectProblem(await t.http.get('/api/v1/admin/webhooks/hook/deliveries').set(moderator.auth), 403, 'FORBIDDEN');
      expectProblem(await t.http.delete('/api/v1/admin/webhooks/hook').set(author.auth), 403, 'FORBIDDEN');
      expectProblem(await t.http.get('/api/v1/admin/webhooks'), 401, 'UNAUTHENTICATED');
      expect((await t.http.get('/api/v1/admin/webhooks/hook').set(admin.auth).expect(200)).body.url).toBe(receiver.url);
    });
  });

  describe('delivery', () => {
    it('POSTs {id, type, createdAt, data} signed with the secret, once per event, and logs the delivery', async () => {
      await subscribe('signed', ['comment.created']);
      const article = await createArticle(t.http);
      const comment = await postComment(t.http, author, article.id);
      expect(receiver.received).toEqual([]);
      await drain();

      expect(receiver.received).toHaveLength(1);
      const [webhook] = receiver.received;
      expect(webhook.headers['content-type']).toBe('application/json');
      expect(signatureIsValid(webhook.headers['x-margin-signature'], webhook.rawBody, SECRET)).toBe(true);
      expect(signatureIsValid(webhook.headers['x-margin-signature'], webhook.rawBody, 'some-other-secret-0123')).toBe(false);
      expect(signatureIsValid(webhook.headers['x-margin-signature'], `${webhook.rawBody} `, SECRET)).toBe(false);
      const t0 = Number(/t=(\d+)/.exec(String(webhook.headers['x-margin-signature']))?.[1]);
      expect(Math.abs(t0 - Date.now() / 1000)).toBeLessThan(300);
      expect(webhook.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        type: 'comment.created',
        createdAt: expect.any(String),
        data: { commentId: comment.id, articleId: article.id, parentId: null, rootId: null, authorId: author.id, status: 'visible' },
      });
      expect(webhook.headers['x-margin-event-id']).toBe(webhook.body.id);

      const log = await deliveries('signed');
      expect(log).toEqual([
        {
          id: webhook.headers['x-margin-delivery-id'],
          event: 'comment.created',
          eventId: webhook.body.id,
          status: 'succeeded',
          attempts: 1,
          lastStatusCode: 200,
          lastError: null,
          nextAttemptAt: null,
          createdAt: expect.any(String),
          completedAt: expect.any(String),
        },
      ]);
      await drain();
      expect(receiver.received).toHaveLength(1);
    });

    it('sends only the subscribed types, to every subscribed endpoint, with one event id for all of them', async () => {
      await subscribe('comments', ['comment.created']);
      await subscribe('closures', ['article.commentsClosed']);
      await subscribe('both', ['comment.created', 'article.commentsClosed']);
      const article = await createArticle(t.http);
      await postComment(t.http, author, article.id);
      await drain();
      expect(types()).toEqual(['comment.created', 'comment.created']);
      expect(new Set(receiver.accepted.map((webhook) => webhook.body.id)).size).toBe(1);
      expect((await deliveries('closures'))).toEqual([]);
      expect((await deliveries('comments'))).toHaveLength(1);
      expect((await deliveries('both'))).toHaveLength(1);
    });

    it('announces moderators\' hide, unhide, approve and delete as comment.moderated, and nothing for an author\'s own delete', async () => {
      await subscribe('moderation', ['comment.moderated']);
      const article = await createArticle(t.http);
      const comment = await postComment(t.http, author, article.id);
      const own = await postComment(t.http, author, article.id);
      await t.http.post(`/api/v1/admin/comments/${comment.id}/hide`).set(moderator.auth).send({ reason: 'abuse' }).expect(200);
      await t.http.post(`/api/v1/admin/comments/${comment.id}/hide`).set(moderator.auth).send({ reason: 'abuse' }).expect(200);
      await t.http.post(`/api/v1/admin/comments/${comment.id}/unhide`).set(moderator.auth).expect(200);
      await t.db.query(`UPDATE comments SET status = 'pending' WHERE id = $1`, [comment.id]);
      await t.http.post(`/api/v1/admin/comments/${comment.id}/approve`).set(moderator.auth).expect(200);
      await t.http.delete(`/api/v1/comments/${comment.id}`).set(moderator.auth).expect(204);
      await t.http.delete(`/api/v1/comments/${own.id}`).set(author.auth).expect(204);
      await drain();

      const data = receiver.accepted.map((webhook) => webhook.body.data);
      const base = { commentId: comment.id, articleId: article.id, moderatorId: moderator.id };
      expect(types()).toEqual(['comment.moderated', 'comment.moderated', 'comment.moderated', 'comment.moderated']);
      expect(data).toEqual([
        { ...base, action: 'hide', status: 'hidden' },
        { ...base, action: 'unhide', status: 'visible' },
        { ...base, action: 'approve', status: 'visible' },
        { ...base, action: 'delete', status: 'deleted' },
      ]);
    });

    it('announces article.commentsClosed when a moderator or the CMS closes comments, once per closing', async () => {
      await subscribe('closures', ['article.commentsClosed']);
      const article = await createArticle(t.http);
      await t.http.patch(`/api/v1/admin/articles/${article.id}`).set(moderator.auth).send({ commentsOpen: false }).expect(200);
      await t.http.patch(`/api/v1/admin/articles/${article.id}`).set(moderator.auth).send({ commentsOpen: false }).expect(200);
      await createArticle(t.http, { id: article.id, commentsOpen: true });
      await createArticle(t.http, { id: article.id, commentsOpen: false });
      await createArticle(t.http, { id: article.id, commentsOpen: false });
      await createArticle(t.http, { commentsOpen: false });
      await drain();
      expect(receiver.accepted.map((webhook) => webhook.body)).toEqual([
        expect.objectContaining({ type: 'article.commentsClosed', data: { articleId: article.id, closedAt: expect.any(String) } }),
        expect.objectContaining({ type: 'article.commentsClosed', data: { articleId: article.id, closedAt: expect.any(String) } }),
      ]);
    });

    it('records nothing for a write that is rolled back', async () => {
      await subscribe('closures', ['article.commentsClosed']);
      const article = await createArticle(t.http);
      const [before] = await t.db.query(`SELECT count(*)::int AS n FROM webhook_events`);
      const articles = t.app.get(ArticlesService);
      await expect(
        t.transactions.run(async () => {
          await articles.upsert(article.id, { title: 'Closed', url: article.url, commentsOpen: false });
          throw new Error('the rest of the unit of work failed');
        }),
      ).rejects.toThrow('the rest of the unit of work failed');
      await drain();
      expect(receiver.received).toEqual([]);
      expect(await deliveries('closures')).toEqual([]);
      const [after] = await t.db.query(`SELECT count(*)::int AS n FROM webhook_events`);
      expect(after.n).toBe(before.n);
      expect((await t.http.get(`/api/v1/articles/${article.id}`).expect(200)).body.commentsOpen).toBe(true);
    });
  });

  describe('retries and order', () => {
    it('retries a failing receiver with growing, recorded waits, keeping each article\'s events in order; other articles do not wait', async () => {
      await subscribe('ordered', ['comment.created']);
      const [slow, other] = [await createArticle(t.http), await createArticle(t.http)];
      const scheduled: { attempt: number; nextAttemptAt: Date; failedAt: Date | null }[] = [];
      let failures = 0;
      let lastFailureAt: Date | null = null;
      receiver.respond = async (webhook) => {
        if (webhook.body.data.articleId !== slow.id) return 200;
        // What the previous failure scheduled, read while this (retried) attempt is in flight.
        const [row] = await t.db.query(`SELECT attempts, next_attempt_at FROM webhook_deliveries WHERE id = $1`, [webhook.headers['x-margin-delivery-id']]);
        if (row.attempts > 1) scheduled.push({ attempt: row.attempts, nextAttemptAt: row.next_attempt_at, failedAt: lastFailureAt });
        if (failures < 2) {
          failures += 1;
          lastFailureAt = new Date();
          return 500;
        }
        return 200;
      };
      const posted: { id: string }[] = [];
      for (let index = 0; index < 3; index += 1) posted.push(await postComment(t.http, author, slow.id));
      const elsewhere = await postComment(t.http, author, other.id);

      await deliverUntil(async () => (await deliveries('ordered')).every((delivery: { status: string }) => delivery.status === 'succeeded'));

      const arrivals = receiver.received.map((webhook) => ({ comment: webhook.body.data.commentId, answered: webhook.answered }));
      expect(arrivals.filter((arrival) => arrival.comment !== elsewhere.id)).toEqual([
        { comment: posted[0].id, answered: 500 },
        { comment: posted[0].id, answered: 500 },
        { comment: posted[0].id, answered: 200 },
        { comment: posted[1].id, answered: 200 },
        { comment: posted[2].id, answered: 200 },
      ]);
      // The other article's event went out on its first attempt, before the first article's retries were over.
      const elsewhereAt = arrivals.findIndex((arrival) => arrival.comment === elsewhere.id);
      expect(elsewhereAt).toBeLessThan(arrivals.findIndex((arrival) => arrival.answered === 200 && arrival.comment === posted[0].id));
      // Exponential backoff with equal jitter: the n-th retry waits at least base·2^(n−1)/2 after the failure before it.
      expect(scheduled.map((entry) => entry.attempt)).toEqual([2, 3]);
      scheduled.forEach((entry, index) => {
        expect(entry.nextAttemptAt.getTime() - (entry.failedAt as Date).getTime()).toBeGreaterThanOrEqual((BASE_MS * 2 ** index) / 2 - 5);
      });
      const log = await deliveries('ordered');
      expect(log.find((delivery: { eventId: string }) => delivery.eventId === receiver.accepted.find((w) => w.body.data.commentId === posted[0].id)?.body.id))
        .toEqual(expect.objectContaining({ status: 'succeeded', attempts: 3, lastStatusCode: 200, nextAttemptAt: null }));
    });

    it('gives up after the retry window: the delivery is failed, and the next event of the article goes out', async () => {
      await subscribe('doomed', ['comment.created']);
      const article = await createArticle(t.http);
      receiver.respond = () => 503;
      const first = await postComment(t.http, author, article.id);
      await deliverUntil(async () => (await deliveries('doomed'))[0].status === 'failed');
      const [failed] = await deliveries('doomed');
      expect(failed).toEqual(expect.objectContaining({ status: 'failed', lastStatusCode: 503, lastError: 'answered 503', nextAttemptAt: null }));
      expect(failed.attempts).toBeGreaterThan(2);
      expect(receiver.received.every((webhook) => webhook.body.data.commentId === first.id)).toBe(true);

      receiver.respond = () => 200;
      const second = await postComment(t.http, author, article.id);
      await deliverUntil(() => receiver.accepted.length === 1);
      expect(receiver.accepted[0].body.data.commentId).toBe(second.id);
      const metrics = (await t.http.get('/metrics').expect(200)).text;
      expect(metrics).toMatch(/margin_webhook_attempts_total\{outcome="failed"\} [1-9]/);
      expect(metrics).toMatch(/margin_webhook_attempts_total\{outcome="retrying"\} [1-9]/);
      expect(metrics).toMatch(/margin_webhook_attempts_total\{outcome="succeeded"\} [1-9]/);
      expect(metrics).toMatch(/margin_webhook_pending_deliveries 0/);
      expect(metrics).toMatch(/margin_job_queue_depth\{queue="webhooks.deliver"\}/);
    });

    it('never slows posting: comments post while the receiver holds a delivery unanswered; the timeout counts as a failure', async () => {
      await subscribe('hanging', ['comment.created']);
      const article = await createArticle(t.http);
      receiver.respond = () => 'hang';
      const first = await postComment(t.http, author, article.id);
      const delivering = drain();
      await receiver.untilHanging();

      const during = await t.http.post(`/api/v1/articles/${article.id}/comments`).set(author.auth).send({ body: 'Posted while the receiver hangs' });
      expect(during.status).toBe(201);
      expect(receiver.received.filter((webhook) => webhook.answered === null)).toHaveLength(1);

      await delivering;
      const [, stuck] = await deliveries('hanging');
      // (A loaded machine may have let the drain make a retry too: it hung the same way.)
      expect(stuck).toEqual(expect.objectContaining({ status: 'pending', lastStatusCode: null, lastError: 'no answer within 1000 ms' }));
      expect(stuck.attempts).toBeGreaterThanOrEqual(1);
      receiver.respond = () => 200;
      await deliverUntil(() => receiver.accepted.length === 2);
      expect(receiver.accepted.map((webhook) => webhook.body.data.commentId)).toEqual([first.id, during.body.id]);
    });
  });

  it('takes over a delivery whose worker died mid-attempt once its lease runs out, and re-queues lanes whose job was lost', async () => {
    await subscribe('crashes', ['comment.created']);
    const article = await createArticle(t.http);
    const comment = await postComment(t.http, author, article.id);
    // A worker claimed it (lease, attempt counted) and died; its job is gone too.
    await t.db.query(`UPDATE webhook_deliveries SET attempts = 1, lease_until = now() + interval '1 hour'`);
    await t.db.query(`DELETE FROM pgboss.job WHERE name = $1`, [DELIVER_JOB]);
    await t.app.get(JobQueue).send(SWEEP_JOB, {});
    await t.app.get(JobQueue).drain([SWEEP_JOB, DELIVER_JOB]);
    expect(receiver.received).toEqual([]);

    await t.db.query(`UPDATE webhook_deliveries SET lease_until = now() - interval '1 second', next_attempt_at = now() - interval '2 minutes'`);
    await t.app.get(JobQueue).send(SWEEP_JOB, {});
    await t.app.get(JobQueue).drain([SWEEP_JOB, DELIVER_JOB]);
    expect(receiver.accepted.map((webhook) => webhook.body.data.commentId)).toEqual([comment.id]);
    expect((await deliveries('crashes'))[0]).toEqual(expect.objectContaining({ status: 'succeeded', attempts: 2 }));
  });

  it('delivers at least once across a restart: what was recorded before the app stopped goes out from the next one', async () => {
    const first = await createIsolatedTestApp(WEBHOOK_ENV);
    const databaseUrl = first.config.databaseUrl as string;
    let restarted: TestApp | undefined;
    try {
      const firstAdmin = await registerStaff(first.http, first.db, 'admin');
      await first.http.put('/api/v1/admin/webhooks/restart').set(firstAdmin.auth).send({ url: receiver.url, secret: SECRET, events: ['comment.created'] }).expect(201);
      const article = await createArticle(first.http);
      const reader = await registerReader(first.http);
      const comment = await postComment(first.http, reader, article.id);
      await first.app.close();

      restarted = await createTestApp({ ...WEBHOOK_ENV, DATABASE_URL: databaseUrl });
      await deliverUntil(() => receiver.accepted.length === 1, restarted);
      expect(receiver.accepted[0].body.data).toEqual(expect.objectContaining({ commentId: comment.id }));
      expect(signatureIsValid(receiver.accepted[0].headers['x-margin-signature'], receiver.accepted[0].rawBody, SECRET)).toBe(true);
    } finally {
      await restarted?.close();
      const dropper = new Client({ connectionString: process.env.TEST_DATABASE_URL });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS "${new URL(databaseUrl).pathname.slice(1)}" WITH (FORCE)`);
      await dropper.end();
    }
  });

  // Last: the second app it starts replaces the metrics that an earlier test reads.
  it('numbers an article\'s events in commit order: a later transaction waits for an earlier one on the same article', async () => {
    // Two transactions open at once: an app with a pool of its own (the suite may run with a pool of one).
    const own = await createTestApp({ ...WEBHOOK_ENV, DATABASE_URL: t.config.databaseUrl as string, DATABASE_POOL_SIZE: '4' });
    try {
      await subscribe('commit-order', ['article.commentsClosed'], own);
      const article = await createArticle(own.http);
      const events = own.app.get(DomainEvents);
      let release!: () => void;
      let recorded!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const earlierRecorded = new Promise<void>((resolve) => (recorded = resolve));
      const earlier = own.transactions.run(async () => {
        await events.publish('article.commentsClosed', { articleId: article.id, closedAt: 'earlier' });
        recorded();
        await gate;
      });
      await earlierRecorded;
      const later = own.transactions.run(() => events.publish('article.commentsClosed', { articleId: article.id, closedAt: 'later' }));
      // The later transaction waits on the article's lane lock while the earlier one is open.
      await deliverUntil(async () => {
        const waiting = await own.db.query(`SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`);
        return waiting.length > 0;
      }, own);
      expect(receiver.received).toEqual([]);
      release();
      await Promise.all([earlier, later]);
      await drain(own);
      expect(receiver.accepted.map((webhook) => webhook.body.data.closedAt)).toEqual(['earlier', 'later']);
    } finally {
      await own.close();
    }
  });
});
