import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { CLOSE_DUE_JOB } from '../../src/articles/article-closing.job';
import { DomainEventMap, DomainEvents } from '../../src/common/events/domain-events';
import { JobQueue } from '../../src/notifications/jobs/job-queue';
import { createArticle, TEST_CMS_API_KEY } from '../factories/articles.factory';
import { postComment, reportComment } from '../factories/moderation.factory';
import { registerReader, registerStaff, RegisteredReader, uniqueSuffix } from '../factories/users.factory';
import { createIsolatedTestApp } from '../support/isolated-test-app';
import { expectProblem } from '../support/problem';
import { TestApp } from '../support/test-app';

const HOOK_SECRET = 'whsec_test_0123456789';
const DAY_MS = 24 * 60 * 60 * 1000;

interface Received {
  path: string;
  body: {
    comment: { body: string; parentId: string | null };
    author: { id: string; displayName: string; createdAt: string };
    article: { id: string; url: string };
  };
  signatureValid: boolean;
}

/**
 * The external moderation hook's side: a classifier in the test process, one path per behaviour. It checks each
 * request's X-Margin-Signature as a newsroom would (HMAC-SHA256 of "<t>.<raw body>" with the shared secret).
 */
class Classifier {
  readonly received: Received[] = [];
  private readonly held: (() => void)[] = [];
  private heldArrived: (() => void) | null = null;
  private server!: http.Server;

  async start(): Promise<void> {
    this.server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const path = request.url ?? '/';
        this.received.push({ path, body: JSON.parse(raw), signatureValid: verify(String(request.headers['x-margin-signature'] ?? ''), raw) });
        const answer = (status: number, text: string) => response.writeHead(status, { 'Content-Type': 'application/json' }).end(text);
        switch (path) {
          case '/visible':
            return answer(200, JSON.stringify({ decision: 'visible' }));
          case '/pending':
            return answer(200, JSON.stringify({ decision: 'pending', reason: 'needs a look' }));
          case '/rejected':
            return answer(200, JSON.stringify({ decision: 'rejected', reason: 'Personal attack on another reader' }));
          case '/failing':
            return answer(500, JSON.stringify({ error: 'classifier down' }));
          case '/bad-json':
            return answer(200, '{"decision": "visible"');
          case '/unknown-decision':
            return answer(200, JSON.stringify({ decision: 'maybe' }));
          case '/slow':
            // Answers "rejected" long after the configured timeout: a post that waited for it would be refused.
            setTimeout(() => answer(200, JSON.stringify({ decision: 'rejected', reason: 'too late' })), 1500).unref();
            return;
          case '/held':
            this.held.push(() => answer(200, JSON.stringify({ decision: 'visible' })));
            this.heldArrived?.();
            return;
          default:
            return answer(404, '{}');
        }
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  url(path: string): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  /** Resolves once a request is being held at `/held`. */
  nextHeld(): Promise<void> {
    return new Promise((resolve) => {
      this.heldArrived = resolve;
    });
  }

  releaseHeld(): void {
    for (const release of this.held.splice(0)) release();
  }

  async stop(): Promise<void> {
    this.releaseHeld();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function verify(header: string, raw: string): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (!match) return false;
  const expected = createHmac('sha256', HOOK_SECRET).update(`${match[1]}.${raw}`).digest();
  const ageSeconds = Math.abs(Date.now() / 1000 - Number(match[1]));
  return ageSeconds < 300 && timingSafeEqual(expected, Buffer.from(match[2], 'hex'));
}

function metricValue(text: string, name: string, outcome: string): number {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name}{outcome="${outcome}"}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

/** Issue 17 item 4: automated rules. Settings are site-wide, so this file runs on a database of its own. */
describe('automated moderation rules (e2e, own database)', () => {
  let t: TestApp;
  let admin: RegisteredReader;
  let moderator: RegisteredReader;
  const classifier = new Classifier();
  const closedEvents: DomainEventMap['article.commentsClosed'][] = [];

  beforeAll(async () => {
    t = await createIsolatedTestApp();
    await classifier.start();
    [admin, moderator] = await Promise.all([registerStaff(t.http, t.db, 'admin'), registerStaff(t.http, t.db, 'moderator')]);
    t.app.get(DomainEvents).onInTransaction('article.commentsClosed', async (event) => {
      closedEvents.push(event);
    });
  });
  afterAll(async () => {
    await classifier.stop();
    await t.close();
  });

  const putSettings = (body: Record<string, unknown>) =>
    t.http.put('/api/v1/admin/settings/moderation').set(admin.auth).send({ bannedWords: [], premoderateNewReaders: false, ...body });
  const resetSettings = () =>
    putSettings({ suspectWords: [], premoderateLinks: false, closeAfterDays: null, externalModeration: null }).expect(200);
  const hook = (path: string, timeoutMs?: number) => ({ url: classifier.url(path), secret: HOOK_SECRET, ...(timeoutMs ? { timeoutMs } : {}) });
  const metrics = async () => (await t.http.get('/metrics').expect(200)).text;
  const post = (author: RegisteredReader, articleId: string, body: string, parentId?: string) =>
    t.http.post(`/api/v1/articles/${articleId}/comments`).set(author.auth).send({ body, ...(parentId ? { parentId } : {}) });
  const upsertArticle = (id: string, fields: Record<string, unknown>) =>
    t.http.put(`/api/v1/articles/${id}`).set('X-Api-Key', TEST_CMS_API_KEY).send({ title: `Story ${id}`, url: `https://news.example/${id}`, ...fields });
  const getArticle = async (id: string) => (await t.http.get(`/api/v1/articles/${id}`).expect(200)).body;
  const runClosingJob = async () => {
    await t.app.get(JobQueue).send(CLOSE_DUE_JOB, {});
    await t.app.get(JobQueue).drain([CLOSE_DUE_JOB]);
  };
  const eventsFor = (articleId: string) => closedEvents.filter((event) => event.articleId === articleId);

  afterEach(() => resetSettings());

  describe('settings', () => {
    it('stores and returns every rule, defaults timeoutMs to 800, and keeps fields a PUT leaves out', async () => {
      const saved = await putSettings({
        suspectWords: ['scam', ' Scam ', 'crypto deal'],
        premoderateLinks: true,
        closeAfterDays: 14,
        externalModeration: { url: classifier.url('/visible'), secret: HOOK_SECRET },
      }).expect(200);
      expect(saved.body).toEqual({
        bannedWords: [],
        premoderateNewReaders: false,
        suspectWords: ['scam', 'crypto deal'],
        premoderateLinks: true,
        closeAfterDays: 14,
        externalModeration: { url: classifier.url('/visible'), secret: HOOK_SECRET, timeoutMs: 800 },
        updatedAt: expect.any(String),
      });
      expect((await t.http.get('/api/v1/admin/settings/moderation').set(admin.auth).expect(200)).body).toEqual(saved.body);
      const kept = await putSettings({ bannedWords: ['idiot'] }).expect(200);
      expect(kept.body).toEqual({ ...saved.body, bannedWords: ['idiot'], updatedAt: expect.any(String) });
      const audit = await t.db.query(`SELECT metadata FROM moderation_actions WHERE target_id = 'moderation' ORDER BY created_at DESC LIMIT 2`);
      expect(JSON.stringify(audit)).not.toContain(HOOK_SECRET);
      expect(audit[1].metadata).toEqual(expect.objectContaining({ suspectWordCount: 2, closeAfterDays: 14, premoderateLinks: true }));
      const cleared = await putSettings({ externalModeration: null, closeAfterDays: null }).expect(200);
      expect(cleared.body).toEqual(expect.objectContaining({ externalModeration: null, closeAfterDays: null }));
    });

    it('is for admins only', async () => {
      expectProblem(await t.http.get('/api/v1/admin/settings/moderation').set(moderator.auth), 403, 'FORBIDDEN');
      expectProblem(await t.http.put('/api/v1/admin/settings/moderation').set(moderator.auth).send({ bannedWords: [], premoderateNewReaders: false }), 403, 'FORBIDDEN');
    });

    it.each([
      ['a suspect word that is not a string', { suspectWords: [7] }],
      ['a blank suspect word', { suspectWords: ['   '] }],
      ['a suspect word over 100 characters', { suspectWords: ['x'.repeat(101)] }],
      ['more than 10,000 suspect words', { suspectWords: Array.from({ length: 10_001 }, (_, index) => `w${index}`) }],
      ['premoderateLinks that is not a boolean', { premoderateLinks: 'yes' }],
      ['closeAfterDays of 0', { closeAfterDays: 0 }],
      ['a fractional closeAfterDays', { closeAfterDays: 1.5 }],
      ['closeAfterDays over ten years', { closeAfterDays: 3651 }],
      ['closeAfterDays as text', { closeAfterDays: '7' }],
      ['externalModeration that is not an object', { externalModeration: 'https://x.example' }],
      ['a hook URL that is not http(s)', { externalModeration: { url: 'ftp://classifier.example/x', secret: HOOK_SECRET } }],
      ['a hook URL that is not a URL', { externalModeration: { url: 'not a url', secret: HOOK_SECRET } }],
      ['an empty secret', { externalModeration: { url: 'https://classifier.example/x', secret: '' } }],
      ['no secret', { externalModeration: { url: 'https://classifier.example/x' } }],
      ['a timeout over 3000 ms', { externalModeration: { url: 'https://classifier.example/x', secret: HOOK_SECRET, timeoutMs: 3001 } }],
      ['a timeout of 0', { externalModeration: { url: 'https://classifier.example/x', secret: HOOK_SECRET, timeoutMs: 0 } }],
      ['an unknown field of the hook', { externalModeration: { url: 'https://classifier.example/x', secret: HOOK_SECRET, retries: 3 } }],
    ])('refuses %s with 400', async (_, body) => {
      expectProblem(await putSettings(body), 400, 'VALIDATION_FAILED');
    });
  });

  describe('suspect words', () => {
    it('publish the comment and put it in the reported queue with a system report (reason other, no reporter)', async () => {
      await putSettings({ suspectWords: ['scam', 'crypto deal'] }).expect(200);
      const [reader, other] = [await registerReader(t.http), await registerReader(t.http)];
      const article = await createArticle(t.http);
      const suspect = await postComment(t.http, reader, article.id, { body: 'This looks like a SCAM to me' });
      const phrase = await postComment(t.http, reader, article.id, { body: 'Another crypto   deal, really?' });
      const clean = await postComment(t.http, reader, article.id, { body: 'Scammers aside, a fair point' });
      expect([suspect.status, phrase.status, clean.status]).toEqual(['visible', 'visible', 'visible']);
      const thread = (await t.http.get(`/api/v1/articles/${article.id}/comments`).expect(200)).body.items.map((item: { id: string }) => item.id);
      expect(thread).toEqual(expect.arrayContaining([suspect.id, phrase.id]));

      await reportComment(t.http, other, suspect.id, 'spam');
      const queue = (await t.http.get('/api/v1/admin/queue?state=reported').set(moderator.auth).expect(200)).body.items;
      const byId = new Map(queue.map((item: { id: string }) => [item.id, item]));
      expect(byId.has(clean.id)).toBe(false);
      expect(byId.get(phrase.id)).toEqual(
        expect.objectContaining({ reportCount: 1, reports: [{ reason: 'other', note: expect.stringContaining('crypto deal'), createdAt: expect.any(String) }] }),
      );
      expect(byId.get(suspect.id)).toEqual(expect.objectContaining({ reportCount: 2 }));
      const rows = await t.db.query('SELECT reporter_id, reason FROM comment_reports WHERE comment_id = $1 ORDER BY created_at', [suspect.id]);
      expect(rows).toEqual([
        { reporter_id: null, reason: 'other' },
        { reporter_id: other.id, reason: 'spam' },
      ]);

      // Approving clears the reports, system ones included.
      await t.http.post(`/api/v1/admin/comments/${phrase.id}/approve`).set(moderator.auth).expect(200);
      const after = (await t.http.get('/api/v1/admin/queue?state=reported').set(moderator.auth).expect(200)).body.items;
      expect(after.map((item: { id: string }) => item.id)).not.toContain(phrase.id);
    });

    it('file no report for a comment held as pending, nor for staff', async () => {
      await putSettings({ bannedWords: ['idiot'], suspectWords: ['scam'] }).expect(200);
      const reader = await registerReader(t.http);
      const article = await createArticle(t.http);
      const held = await postComment(t.http, reader, article.id, { body: 'idiot, this is a scam' });
      const staff = await postComment(t.http, moderator, article.id, { body: 'Beware of this scam' });
      expect([held.status, staff.status]).toEqual(['pending', 'visible']);
      const reports = await t.db.query('SELECT count(*)::int AS n FROM comment_reports WHERE comment_id = ANY($1::uuid[])', [[held.id, staff.id]]);
      expect(reports[0].n).toBe(0);
    });
  });

  describe('settings changed by another instance', () => {
    it('are followed on the next comment: the posting statement sees the new version and the comment is screened again', async () => {
      const reader = await registerReader(t.http);
      const article = await createArticle(t.http);
      expect((await postComment(t.http, reader, article.id, { body: 'zebra crossing one' })).status).toBe('visible');
      // Another instance's change, as this one would only learn of it from the database.
      await t.db.query(`UPDATE moderation_settings SET suspect_words = '{zebra}', version = version + 1 WHERE id = 1`);
      const flagged = await postComment(t.http, reader, article.id, { body: 'zebra crossing two' });
      expect(flagged.status).toBe('visible');
      expect((await t.db.query('SELECT count(*)::int AS n FROM comment_reports WHERE comment_id = $1', [flagged.id]))[0].n).toBe(1);
      await t.db.query(
        `UPDATE moderation_settings SET external_moderation_url = $1, external_moderation_secret = $2, external_moderation_timeout_ms = 800,
                version = version + 1 WHERE id = 1`,
        [classifier.url('/rejected'), HOOK_SECRET],
      );
      expectProblem(await post(reader, article.id, 'zebra crossing three'), 422, 'COMMENT_REJECTED');
      await t.db.query(`UPDATE moderation_settings SET external_moderation_url = $1, version = version + 1 WHERE id = 1`, [classifier.url('/visible')]);
      expect((await post(reader, article.id, 'zebra crossing four').expect(201)).body.status).toBe('visible');
    });
  });

  describe('links', () => {
    it('hold comments with a link as pending while premoderateLinks is on', async () => {
      const reader = await registerReader(t.http);
      const article = await createArticle(t.http);
      const texts = ['Read https://evil.example/page first', 'see www.spam-site.net', 'go to cheap-pills.com now', 'ｗｗｗ.example.org'];
      expect((await postComment(t.http, reader, article.id, { body: 'Before the rule: https://evil.example/page' })).status).toBe('visible');
      await putSettings({ premoderateLinks: true }).expect(200);
      for (const body of texts) expect([body, (await postComment(t.http, reader, article.id, { body })).status]).toEqual([body, 'pending']);
      for (const body of ['No link here. Really.', 'e.g. this, i.e. that', 'version 2.0 is out']) {
        expect([body, (await postComment(t.http, reader, article.id, { body })).status]).toEqual([body, 'visible']);
      }
      expect((await postComment(t.http, moderator, article.id, { body: 'Staff may link https://news.example/x' })).status).toBe('visible');
    });
  });

  describe('articles that close by themselves', () => {
    it('close at their own commentsCloseAt: commentsOpen false on read and 409 COMMENTS_CLOSED on posting', async () => {
      const reader = await registerReader(t.http);
      const id = `close-${uniqueSuffix()}`;
      const past = new Date(Date.now() - 60_000).toISOString();
      const future = new Date(Date.now() + DAY_MS).toISOString();
      expect((await upsertArticle(id, { commentsCloseAt: future }).expect(201)).body).toEqual(
        expect.objectContaining({ commentsOpen: true, commentsCloseAt: future }),
      );
      expect((await post(reader, id, 'Still open').expect(201)).body.status).toBe('visible');
      expect((await upsertArticle(id, { commentsCloseAt: past }).expect(200)).body).toEqual(expect.objectContaining({ commentsOpen: false, commentsCloseAt: past }));
      expect(await getArticle(id)).toEqual(expect.objectContaining({ commentsOpen: false, commentsCloseAt: past }));
      expectProblem(await post(reader, id, 'Too late'), 409, 'COMMENTS_CLOSED');
      // The CMS closed it: announced once, at once; the job does not announce it again.
      expect(eventsFor(id)).toHaveLength(1);
      await runClosingJob();
      expect(eventsFor(id)).toHaveLength(1);
      // A PUT that leaves commentsCloseAt out keeps it; null removes it.
      expect((await upsertArticle(id, { title: 'Renamed' }).expect(200)).body).toEqual(expect.objectContaining({ commentsOpen: false, commentsCloseAt: past }));
      expect((await upsertArticle(id, { commentsCloseAt: null }).expect(200)).body).toEqual(expect.objectContaining({ commentsOpen: true, commentsCloseAt: null }));
      expectProblem(await upsertArticle(id, { commentsCloseAt: 'tomorrow' }), 400, 'VALIDATION_FAILED');
    });

    it('close closeAfterDays after publishedAt when they have no close time of their own; null: never', async () => {
      const reader = await registerReader(t.http);
      const id = `aged-${uniqueSuffix()}`;
      const published = new Date(Date.now() - 10 * DAY_MS);
      await upsertArticle(id, { publishedAt: published.toISOString() }).expect(201);
      expect(await getArticle(id)).toEqual(expect.objectContaining({ commentsOpen: true, commentsCloseAt: null }));

      await putSettings({ closeAfterDays: 7 }).expect(200);
      expect(await getArticle(id)).toEqual(
        expect.objectContaining({ commentsOpen: false, commentsCloseAt: new Date(published.getTime() + 7 * DAY_MS).toISOString() }),
      );
      expectProblem(await post(reader, id, 'After a week'), 409, 'COMMENTS_CLOSED');
      await putSettings({ closeAfterDays: 30 }).expect(200);
      expect(await getArticle(id)).toEqual(expect.objectContaining({ commentsOpen: true }));
      // Its own close time wins over the setting.
      const own = new Date(Date.now() + DAY_MS).toISOString();
      await putSettings({ closeAfterDays: 7 }).expect(200);
      expect((await upsertArticle(id, { commentsCloseAt: own }).expect(200)).body).toEqual(expect.objectContaining({ commentsOpen: true, commentsCloseAt: own }));
      await upsertArticle(id, { commentsCloseAt: null }).expect(200);
      await putSettings({ closeAfterDays: null }).expect(200);
      expect(await getArticle(id)).toEqual(expect.objectContaining({ commentsOpen: true, commentsCloseAt: null }));
      expect((await post(reader, id, 'Never closes').expect(201)).body.status).toBe('visible');
    });

    it('are closed by the job when their time comes, announced once with that time, without a request noticing', async () => {
      const own = `job-own-${uniqueSuffix()}`;
      const aged = `job-aged-${uniqueSuffix()}`;
      const open = `job-open-${uniqueSuffix()}`;
      await upsertArticle(own, { commentsCloseAt: new Date(Date.now() + DAY_MS).toISOString() }).expect(201);
      const published = new Date(Date.now() - 3 * DAY_MS);
      await upsertArticle(aged, { publishedAt: published.toISOString() }).expect(201);
      await upsertArticle(open, { publishedAt: new Date().toISOString() }).expect(201);
      await runClosingJob();
      expect([...eventsFor(own), ...eventsFor(aged), ...eventsFor(open)]).toEqual([]);

      // Time passes: the close time is now behind us (moved in the database, as no request would notice it).
      const closeAt = new Date(Date.now() - 5_000);
      await t.db.query('UPDATE articles SET comments_close_at = $2 WHERE id = $1', [own, closeAt]);
      await putSettings({ closeAfterDays: 2 }).expect(200);
      await runClosingJob();
      expect(eventsFor(own)).toEqual([{ articleId: own, closedAt: closeAt.toISOString() }]);
      expect(eventsFor(aged)).toEqual([{ articleId: aged, closedAt: new Date(published.getTime() + 2 * DAY_MS).toISOString() }]);
      expect(eventsFor(open)).toEqual([]);
      expect((await getArticle(own)).commentsOpen).toBe(false);

      // Idempotent: running again (or on another instance) announces nothing new.
      await runClosingJob();
      expect(eventsFor(own)).toHaveLength(1);
      expect(eventsFor(aged)).toHaveLength(1);

      // A moderator may open it again after its close time; it stays open, and nothing is announced for it.
      await t.http.patch(`/api/v1/admin/articles/${own}`).set(moderator.auth).send({ commentsOpen: true }).expect(200);
      expect((await getArticle(own)).commentsOpen).toBe(true);
      const reader = await registerReader(t.http);
      await post(reader, own, 'Reopened by a moderator').expect(201);
      await runClosingJob();
      expect(eventsFor(own)).toHaveLength(1);

      // A longer close-after setting opens the aged article again, and its new close is announced when it comes.
      await putSettings({ closeAfterDays: 10 }).expect(200);
      expect((await getArticle(aged)).commentsOpen).toBe(true);
      await t.db.query('UPDATE articles SET published_at = $2 WHERE id = $1', [aged, new Date(Date.now() - 11 * DAY_MS)]);
      await runClosingJob();
      expect(eventsFor(aged)).toHaveLength(2);
    });

    it('announce a close by a moderator or the CMS at once', async () => {
      const byModerator = (await createArticle(t.http)).id;
      const byCms = (await createArticle(t.http)).id;
      await t.http.patch(`/api/v1/admin/articles/${byModerator}`).set(moderator.auth).send({ commentsOpen: false }).expect(200);
      await t.http.patch(`/api/v1/admin/articles/${byModerator}`).set(moderator.auth).send({ commentsOpen: false }).expect(200);
      await upsertArticle(byCms, { commentsOpen: false }).expect(200);
      await upsertArticle(byCms, { commentsOpen: false }).expect(200);
      expect(eventsFor(byModerator)).toEqual([{ articleId: byModerator, closedAt: expect.any(String) }]);
      expect(eventsFor(byCms)).toEqual([{ articleId: byCms, closedAt: expect.any(String) }]);
      expect((await getArticle(byCms)).commentsOpen).toBe(false);
    });
  });

  describe('external moderation', () => {
    it('sends the comment, its author and article, signed; "visible" publishes it', async () => {
      await putSettings({ externalModeration: hook('/visible') }).expect(200);
      const reader = await registerReader(t.http);
      const article = await createArticle(t.http);
      const before = classifier.received.length;
      const root = (await post(reader, article.id, 'A fine thought').expect(201)).body;
      const reply = (await post(reader, article.id, 'And a reply', root.id).expect(201)).body;
      expect([root.status, reply.status]).toEqual(['visible', 'visible']);
      const sent = classifier.received.slice(before);
      expect(sent).toHaveLength(2);
      const profile = (await t.http.get('/api/v1/me').set(reader.auth).expect(200)).body;
      expect(sent[0]).toEqual({
        path: '/visible',
        signatureValid: true,
        body: {
          comment: { body: 'A fine thought', parentId: null },
          author: { id: reader.id, displayName: reader.displayName, createdAt: profile.createdAt },
          article: { id: article.id, url: article.url },
        },
      });
      expect(sent[1].body.comment).toEqual({ body: 'And a reply', parentId: root.id });
      expect(sent[1].signatureValid).toBe(true);
    });

    it('"pending" holds the comment; "rejected" is a 422 COMMENT_REJECTED with the reason, and nothing is stored', async () => {
      const reader = await registerReader(t.http);
      const article = await createArticle(t.http);
      await putSettings({ externalModeration: hook('/pending') }).expect(200);
      expect((await post(reader, article.id, 'Borderline remark').expect(201)).body.status).toBe('pending');

      await putSettings({ externalModeration: hook('/rejected') }).expect(200);
      const rejected = await post(reader, article.id, 'You are a fool');
      expectProblem(rejected, 422, 'COMMENT_REJECTED');
      expect(rejected.body.detail).toContain('Personal attack on another reader');
      const stored = await t.db.query('SELECT body FROM comments WHERE author_id = $1', [reader.id]);
      expect(stored.map((row: { body: string }) => row.body)).toEqual(['Borderline remark']);
      expect(metricValue(await metrics(), 'margin_external_moderation_requests_total', 'rejected')).toBeGreaterThanOrEqual(1);
    });

    it.each([
      ['no answer within timeoutMs', '/slow', 'timeout'],
      ['a 500', '/failing', 'bad_status'],
      ['an answer that is not JSON', '/bad-json', 'bad_answer'],
      ['a decision it does not know', '/unknown-decision', 'bad_answer'],
    ])('leaves the comment to the local rules on %s, counted in a metric', async (_, path, outcome) => {
      await putSettings({ externalModeration: hook(path, 200), suspectWords: ['scam'], premoderateNewReaders: false }).expect(200);
      const reader = await registerReader(t.http);
      const article = await createArticle(t.http);
      const before = metricValue(await metrics(), 'margin_external_moderation_requests_total', outcome);
      expect((await post(reader, article.id, 'Published by the local rules').expect(201)).body.status).toBe('visible');
      // The local rules still apply in full: a suspect word files its report.
      const suspect = (await post(reader, article.id, 'A scam, say the local rules').expect(201)).body;
      expect(suspect.status).toBe('visible');
      expect((await t.db.query('SELECT count(*)::int AS n FROM comment_reports WHERE comment_id = $1', [suspect.id]))[0].n).toBe(1);
      expect(metricValue(await metrics(), 'margin_external_moderation_requests_total', outcome)).toBe(before + 2);
      // Under premoderation of new readers, the fallback still holds a new reader's comment.
      await putSettings({ externalModeration: hook(path, 200), premoderateNewReaders: true }).expect(200);
      expect((await post(await registerReader(t.http), article.id, 'A newcomer').expect(201)).body.status).toBe('pending');
    });

    it('leaves the comment to the local rules when the classifier cannot be reached', async () => {
      await putSettings({ externalModeration: { url: 'http://127.0.0.1:1/moderate', secret: HOOK_SECRET, timeoutMs: 500 } }).expect(200);
      const reader = await registerReader(t.http);
      const article = await createArticle(t.http);
      const before = metricValue(await metrics(), 'margin_external_moderation_requests_total', 'error');
      expect((await post(reader, article.id, 'Nobody is listening').expect(201)).body.status).toBe('visible');
      expect(metricValue(await metrics(), 'margin_external_moderation_requests_total', 'error')).toBe(before + 1);
    });

    it('is asked only after the banned-word and link rules, and never for staff', async () => {
      await putSettings({ bannedWords: ['idiot'], premoderateLinks: true, externalModeration: hook('/rejected') }).expect(200);
      const reader = await registerReader(t.http);
      const article = await createArticle(t.http);
      const before = classifier.received.length;
      expect((await post(reader, article.id, 'What an idiot').expect(201)).body.status).toBe('pending');
      expect((await post(reader, article.id, 'See https://x.example/y').expect(201)).body.status).toBe('pending');
      expect((await post(admin, article.id, 'Staff are not screened').expect(201)).body.status).toBe('visible');
      expect(classifier.received.length).toBe(before);
    });

    it('is waited on with no transaction open and no lock held', async () => {
      await putSettings({ externalModeration: hook('/held', 3000) }).expect(200);
      const reader = await registerReader(t.http);
      const article = await createArticle(t.http);
      const arrived = classifier.nextHeld();
      const waiting = post(reader, article.id, 'Waiting on the classifier').then((response) => response);
      await arrived;
      const database = (await t.db.query('SELECT current_database() AS name'))[0].name;
      const open = await t.db.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND state LIKE 'idle in transaction%'`,
        [database],
      );
      expect(open[0].n).toBe(0);
      // The same reader's other writes (which take their account lock) and others' posts on the article go through.
      await t.http.patch('/api/v1/me').set(reader.auth).send({ bio: 'Still waiting' }).expect(200);
      await t.http.patch(`/api/v1/admin/articles/${article.id}`).set(moderator.auth).send({ commentsOpen: true }).expect(200);
      expect((await post(admin, article.id, 'Posted meanwhile').expect(201)).body.status).toBe('visible');
      classifier.releaseHeld();
      expect((await waiting).status).toBe(201);
    });
  });
});
