import { createArticle } from '../factories/articles.factory';
import { registerReader, registerStaff, RegisteredReader, uniqueSuffix } from '../factories/users.factory';
import { expectProblem } from '../support/problem';
import { createIsolatedTestApp } from '../support/isolated-test-app';
import { TestApp } from '../support/test-app';

const SETTINGS = { bannedWords: [], premoderateNewReaders: false, suspectWords: [], premoderateLinks: false, closeAfterDays: null, externalModeration: null };

/**
 * The contract's "Moderation (admin endpoints)" section, line by line, over HTTP only. On a database of its own:
 * it changes the site-wide moderation settings.
 */
describe('contract: moderation (e2e)', () => {
  let t: TestApp;
  let moderator: RegisteredReader;
  let admin: RegisteredReader;

  beforeAll(async () => {
    t = await createIsolatedTestApp({ WEBHOOK_ALLOW_PRIVATE_URLS: 'true' });
    moderator = await registerStaff(t.http, t.db, 'moderator');
    admin = await registerStaff(t.http, t.db, 'admin');
  });
  afterAll(() => t.close());

  const postOk = async (reader: RegisteredReader, articleId: string, body: Record<string, unknown> = {}) =>
    (await t.http.post(`/api/v1/articles/${articleId}/comments`).set(reader.auth).send({ body: `words ${uniqueSuffix()}`, ...body }).expect(201)).body;
  const report = (reader: RegisteredReader, commentId: string, reason = 'spam', note?: string) =>
    t.http.post(`/api/v1/comments/${commentId}/reports`).set(reader.auth).send({ reason, ...(note ? { note } : {}) }).expect(202);
  const queue = async (state?: string) =>
    (await t.http.get('/api/v1/admin/queue').query(state ? { state } : {}).set(moderator.auth).expect(200)).body;
  const putSettings = (changes: Record<string, unknown>) =>
    t.http.put('/api/v1/admin/settings/moderation').set(admin.auth).send({ ...SETTINGS, ...changes }).expect(200);

  describe('GET /admin/queue', () => {
    it('"?state=reported ... page of comments with reports: [{reason, note, createdAt}] and reportCount; most reported first"', async () => {
      const article = await createArticle(t.http);
      const author = await registerReader(t.http);
      const reporters = [await registerReader(t.http), await registerReader(t.http), await registerReader(t.http)];
      const once = await postOk(author, article.id);
      const thrice = await postOk(author, article.id);
      await report(reporters[0], once.id, 'abuse', 'nasty');
      for (const reporter of reporters) await report(reporter, thrice.id);
      const page = await queue('reported');
      const ours = page.items.filter((item: { id: string }) => [once.id, thrice.id].includes(item.id));
      expect(ours.map((item: { id: string }) => item.id)).toEqual([thrice.id, once.id]);
      expect(ours[0].reportCount).toBe(3);
      expect(ours[1]).toEqual(
        expect.objectContaining({
          id: once.id,
          articleId: article.id,
          status: 'visible',
          body: once.body,
          reportCount: 1,
          reports: [{ reason: 'abuse', note: 'nasty', createdAt: expect.any(String) }],
        }),
      );
      expect(page).toHaveProperty('nextCursor');
      expectProblem(await t.http.get('/api/v1/admin/queue?state=everything').set(moderator.auth), 400, 'VALIDATION_FAILED');
      expectProblem(await t.http.get('/api/v1/admin/queue').set(author.auth), 403, 'FORBIDDEN');
      expectProblem(await t.http.get('/api/v1/admin/queue'), 401, 'UNAUTHENTICATED');
    });

    it('"?state=pending|hidden"; "approve: pending → visible, and clears open reports → 200 comment"', async () => {
      const article = await createArticle(t.http);
      const [author, reporter] = [await registerReader(t.http), await registerReader(t.http)];
      await putSettings({ premoderateNewReaders: true });
      const held = await postOk(author, article.id);
      await putSettings({});
      expect(held.status).toBe('pending');
      expect((await queue('pending')).items.map((item: { id: string }) => item.id)).toContain(held.id);
      const approved = await t.http.post(`/api/v1/admin/comments/${held.id}/approve`).set(moderator.auth).expect(200);
      expect(approved.body).toEqual(expect.objectContaining({ id: held.id, status: 'visible' }));

      const reported = await postOk(author, article.id);
      await report(reporter, reported.id);
      await t.http.post(`/api/v1/admin/comments/${reported.id}/approve`).set(moderator.auth).expect(200);
      expect((await queue('reported')).items.map((item: { id: string }) => item.id)).not.toContain(reported.id);

      const hidden = await postOk(author, article.id);
      await t.http.post(`/api/v1/admin/comments/${hidden.id}/hide`).set(moderator.auth).send({ reason: 'spam' }).expect(200);
      expect((await queue('hidden')).items.map((item: { id: string }) => item.id)).toContain(hidden.id);
    });
  });

  describe('comment actions', () => {
    it('"hide {reason, note?} → 200 comment (status hidden); reason ∈ the report reasons; note (≤ 1000 chars) ... kept on the audit log"', async () => {
      const article = await createArticle(t.http);
      const author = await registerReader(t.http);
      const comment = await postOk(author, article.id);
      expectProblem(await t.http.post(`/api/v1/admin/comments/${comment.id}/hide`).set(moderator.auth).send({ reason: 'ugly' }), 400, 'VALIDATION_FAILED');
      expectProblem(
        await t.http.post(`/api/v1/admin/comments/${comment.id}/hide`).set(moderator.auth).send({ reason: 'spam', note: 'n'.repeat(1001) }),
        400,
        'VALIDATION_FAILED',
      );
      const hidden = await t.http
        .post(`/api/v1/admin/comments/${comment.id}/hide`)
        .set(moderator.auth)
        .send({ reason: 'harassment', note: 'n'.repeat(1000) })
        .expect(200);
      expect(hidden.body).toEqual(expect.objectContaining({ id: comment.id, status: 'hidden' }));
      const log = await t.http.get('/api/v1/admin/audit-log').set(admin.auth).expect(200);
      const entry = log.body.items.find((item: { targetId: string }) => item.targetId === comment.id);
      expect(entry).toEqual(
        expect.objectContaining({
          id: expect.any(String),
          actor: expect.objectContaining({ id: moderator.id }),
          action: expect.any(String),
          targetType: 'comment',
          targetId: comment.id,
          reason: 'harassment',
          createdAt: expect.any(String),
        }),
      );
      expect(JSON.stringify(entry)).toContain('n'.repeat(1000));
      expectProblem(await t.http.post(`/api/v1/admin/comments/${comment.id}/hide`).set(author.auth).send({ reason: 'spam' }), 403, 'FORBIDDEN');
    });

    it('"unhide → 200 comment (status visible)"', async () => {
      const article = await createArticle(t.http);
      const comment = await postOk(await registerReader(t.http), article.id);
      await t.http.post(`/api/v1/admin/comments/${comment.id}/hide`).set(moderator.auth).send({ reason: 'spam' }).expect(200);
      const shown = await t.http.post(`/api/v1/admin/comments/${comment.id}/unhide`).set(moderator.auth).expect(200);
      expect(shown.body).toEqual(expect.objectContaining({ id: comment.id, status: 'visible', body: comment.body }));
    });

    it('"feature, …/unfeature → 200 comment"', async () => {
      const article = await createArticle(t.http);
      const comment = await postOk(await registerReader(t.http), article.id);
      const featured = await t.http.post(`/api/v1/admin/comments/${comment.id}/feature`).set(moderator.auth).expect(200);
      expect(featured.body).toEqual(expect.objectContaining({ id: comment.id, featured: true }));
      const unfeatured = await t.http.post(`/api/v1/admin/comments/${comment.id}/unfeature`).set(moderator.auth).expect(200);
      expect(unfeatured.body).toEqual(expect.objectContaining({ id: comment.id, featured: false }));
    });

    it('"GET /admin/comments/:id/history → body versions and moderation actions of one comment"', async () => {
      const article = await createArticle(t.http);
      const author = await registerReader(t.http);
      const comment = await postOk(author, article.id, { body: 'first version' });
      await t.http.patch(`/api/v1/comments/${comment.id}`).set(author.auth).send({ body: 'second version' }).expect(200);
      await t.http.post(`/api/v1/admin/comments/${comment.id}/hide`).set(moderator.auth).send({ reason: 'spam' }).expect(200);
      const history = await t.http.get(`/api/v1/admin/comments/${comment.id}/history`).set(moderator.auth).expect(200);
      expect(history.body.versions).toEqual([expect.objectContaining({ body: 'first version' })]);
      expect(history.body.actions).toEqual([expect.objectContaining({ targetId: comment.id, reason: 'spam', actor: expect.objectContaining({ id: moderator.id }) })]);
      expectProblem(await t.http.get('/api/v1/admin/comments/00000000-0000-4000-8000-000000000000/history').set(moderator.auth), 404, 'COMMENT_NOT_FOUND');
    });
  });

  describe('readers', () => {
    it('"POST /admin/users/:id/suspend | moderator | {until, reason} → 200"', async () => {
      const reader = await registerReader(t.http);
      const until = new Date(Date.now() + 86400_000).toISOString();
      const response = await t.http.post(`/api/v1/admin/users/${reader.id}/suspend`).set(moderator.auth).send({ until, reason: 'heated' }).expect(200);
      expect(response.body).toEqual(expect.objectContaining({ id: reader.id, suspendedUntil: until }));
      expectProblem(await t.http.post(`/api/v1/admin/users/${reader.id}/suspend`).set(moderator.auth).send({ until }), 400, 'VALIDATION_FAILED');
    });

    it('"POST /admin/users/:id/ban, …/unban | admin | {reason} → 200; a ban ends the reader\'s sessions"', async () => {
      const reader = await registerReader(t.http);
      expectProblem(await t.http.post(`/api/v1/admin/users/${reader.id}/ban`).set(moderator.auth).send({ reason: 'spam' }), 403, 'FORBIDDEN');
      const banned = await t.http.post(`/api/v1/admin/users/${reader.id}/ban`).set(admin.auth).send({ reason: 'spam' }).expect(200);
      expect(banned.body).toEqual(expect.objectContaining({ id: reader.id, bannedAt: expect.any(String) }));
      expect((await t.http.post('/api/v1/auth/refresh').send({ refreshToken: reader.refreshToken })).status).toBe(401);
      expectProblem(await t.http.post(`/api/v1/admin/users/${reader.id}/unban`).set(moderator.auth).send({ reason: 'appeal' }), 403, 'FORBIDDEN');
      const unbanned = await t.http.post(`/api/v1/admin/users/${reader.id}/unban`).set(admin.auth).send({ reason: 'appeal' }).expect(200);
      expect(unbanned.body).toEqual(expect.objectContaining({ id: reader.id, bannedAt: null }));
    });

    it('"PUT /admin/users/:id/role | admin | {role} → 200; roles reader, moderator, admin"', async () => {
      const reader = await registerReader(t.http);
      for (const role of ['moderator', 'admin', 'reader']) {
        const response = await t.http.put(`/api/v1/admin/users/${reader.id}/role`).set(admin.auth).send({ role }).expect(200);
        expect(response.body).toEqual(expect.objectContaining({ id: reader.id, role }));
      }
      expectProblem(await t.http.put(`/api/v1/admin/users/${reader.id}/role`).set(admin.auth).send({ role: 'owner' }), 400, 'VALIDATION_FAILED');
      expectProblem(await t.http.put(`/api/v1/admin/users/${reader.id}/role`).set(moderator.auth).send({ role: 'admin' }), 403, 'FORBIDDEN');
    });
  });

  it('"PATCH /admin/articles/:articleId | moderator | {commentsOpen} → 200 article"', async () => {
    const article = await createArticle(t.http);
    const closed = await t.http.patch(`/api/v1/admin/articles/${article.id}`).set(moderator.auth).send({ commentsOpen: false }).expect(200);
    expect(closed.body).toEqual(expect.objectContaining({ id: article.id, commentsOpen: false, commentCount: 0 }));
    expectProblem(
      await t.http.post(`/api/v1/articles/${article.id}/comments`).set((await registerReader(t.http)).auth).send({ body: 'closed?' }),
      409,
      'COMMENTS_CLOSED',
    );
    expectProblem(await t.http.patch(`/api/v1/admin/articles/nope-${uniqueSuffix()}`).set(moderator.auth).send({ commentsOpen: false }), 404, 'ARTICLE_NOT_FOUND');
  });

  it('"GET /admin/audit-log | admin | page of {id, actor, action, targetType, targetId, reason, createdAt}", newest first', async () => {
    const reader = await registerReader(t.http);
    await t.http.post(`/api/v1/admin/users/${reader.id}/suspend`).set(moderator.auth).send({ until: new Date(Date.now() + 3600_000).toISOString(), reason: 'one' }).expect(200);
    await t.http.post(`/api/v1/admin/users/${reader.id}/ban`).set(admin.auth).send({ reason: 'two' }).expect(200);
    const page = await t.http.get('/api/v1/admin/audit-log?limit=2').set(admin.auth).expect(200);
    expect(page.body.items).toEqual([
      expect.objectContaining({ actor: expect.objectContaining({ id: admin.id }), targetType: 'user', targetId: reader.id, reason: 'two', createdAt: expect.any(String) }),
      expect.objectContaining({ actor: expect.objectContaining({ id: moderator.id }), targetType: 'user', targetId: reader.id, reason: 'one' }),
    ]);
    for (const key of ['id', 'actor', 'action', 'targetType', 'targetId', 'reason', 'createdAt']) expect(page.body.items[0]).toHaveProperty(key);
    expect(typeof page.body.nextCursor).toBe('string');
    expectProblem(await t.http.get('/api/v1/admin/audit-log').set(moderator.auth), 403, 'FORBIDDEN');
  });

  describe('GET, PUT /admin/settings/moderation', () => {
    it('"{bannedWords, premoderateNewReaders, suspectWords, premoderateLinks, closeAfterDays, externalModeration}" (admin)', async () => {
      const response = await putSettings({ bannedWords: ['drivel'], closeAfterDays: 14 });
      expect(response.body).toEqual(expect.objectContaining({ ...SETTINGS, bannedWords: ['drivel'], closeAfterDays: 14 }));
      const read = await t.http.get('/api/v1/admin/settings/moderation').set(admin.auth).expect(200);
      expect(read.body).toEqual(expect.objectContaining({ ...SETTINGS, bannedWords: ['drivel'], closeAfterDays: 14 }));
      await putSettings({});
      expectProblem(await t.http.get('/api/v1/admin/settings/moderation').set(moderator.auth), 403, 'FORBIDDEN');
      expectProblem(await t.http.put('/api/v1/admin/settings/moderation').set(moderator.auth).send(SETTINGS), 403, 'FORBIDDEN');
    });

    it('"a comment with a banned word, with a link while premoderateLinks is on ... is created as pending"', async () => {
      const article = await createArticle(t.http);
      const author = await registerReader(t.http);
      await putSettings({ bannedWords: ['drivel'], premoderateLinks: true });
      try {
        expect((await postOk(author, article.id, { body: 'Utter drivel, this' })).status).toBe('pending');
        expect((await postOk(author, article.id, { body: 'Read https://elsewhere.example/story' })).status).toBe('pending');
        expect((await postOk(author, article.id, { body: 'A fine piece' })).status).toBe('visible');
      } finally {
        await putSettings({});
      }
    });

    it('"a comment with a suspect word is published and enters the reported queue with a system report (reason: "other", no reporter)"', async () => {
      const article = await createArticle(t.http);
      const author = await registerReader(t.http);
      await putSettings({ suspectWords: ['rigged'] });
      try {
        const comment = await postOk(author, article.id, { body: 'The vote was rigged' });
        expect(comment.status).toBe('visible');
        const item = (await queue('reported')).items.find((entry: { id: string }) => entry.id === comment.id);
        expect(item).toEqual(expect.objectContaining({ reportCount: 1, reports: [expect.objectContaining({ reason: 'other' })] }));
      } finally {
        await putSettings({});
      }
    });
  });

  it('"pending comments are seen only by their author and moderators"; "404 ... also for what the caller may not see"', async () => {
    const article = await createArticle(t.http);
    const [author, other] = [await registerReader(t.http), await registerReader(t.http)];
    await putSettings({ premoderateNewReaders: true });
    const held = await postOk(author, article.id);
    await putSettings({});
    expect(held.status).toBe('pending');
    const ids = async (auth: Record<string, string>) =>
      (await t.http.get(`/api/v1/articles/${article.id}/comments`).set(auth).expect(200)).body.items.map((c: { id: string }) => c.id);
    expect(await ids({})).toEqual([]);
    expect(await ids(other.auth)).toEqual([]);
    expect(await ids(author.auth)).toEqual([held.id]);
    expect(await ids(moderator.auth)).toEqual([held.id]);
    expectProblem(await t.http.get(`/api/v1/comments/${held.id}`), 404, 'COMMENT_NOT_FOUND');
    expectProblem(await t.http.get(`/api/v1/comments/${held.id}`).set(other.auth), 404, 'COMMENT_NOT_FOUND');
    expectProblem(await t.http.put(`/api/v1/comments/${held.id}/reaction`).set(other.auth), 404, 'COMMENT_NOT_FOUND');
    expectProblem(await t.http.post(`/api/v1/comments/${held.id}/reports`).set(other.auth).send({ reason: 'spam' }), 404, 'COMMENT_NOT_FOUND');
    await t.http.get(`/api/v1/comments/${held.id}`).set(author.auth).expect(200);
    expect((await t.http.get(`/api/v1/articles/${article.id}`).expect(200)).body.commentCount).toBe(0);
  });

  it('"Every action below is written to the audit log with who, when, what, and the reason"', async () => {
    const article = await createArticle(t.http);
    const reader = await registerReader(t.http);
    const comment = await postOk(reader, article.id);
    const c = `/api/v1/admin/comments/${comment.id}`;
    await t.http.post(`${c}/hide`).set(moderator.auth).send({ reason: 'spam' }).expect(200);
    await t.http.post(`${c}/unhide`).set(moderator.auth).expect(200);
    await t.http.post(`${c}/feature`).set(moderator.auth).expect(200);
    await t.http.post(`${c}/unfeature`).set(moderator.auth).expect(200);
    await t.http.post(`${c}/approve`).set(moderator.auth).expect(200);
    await t.http.delete(`/api/v1/comments/${comment.id}`).set(moderator.auth).expect(204);
    const until = new Date(Date.now() + 3600_000).toISOString();
    await t.http.post(`/api/v1/admin/users/${reader.id}/suspend`).set(moderator.auth).send({ until, reason: 'r1' }).expect(200);
    await t.http.post(`/api/v1/admin/users/${reader.id}/ban`).set(admin.auth).send({ reason: 'r2' }).expect(200);
    await t.http.post(`/api/v1/admin/users/${reader.id}/unban`).set(admin.auth).send({ reason: 'r3' }).expect(200);
    await t.http.put(`/api/v1/admin/users/${reader.id}/role`).set(admin.auth).send({ role: 'moderator' }).expect(200);
    await t.http.patch(`/api/v1/admin/articles/${article.id}`).set(moderator.auth).send({ commentsOpen: false }).expect(200);
    await putSettings({ closeAfterDays: 30 });
    await putSettings({});
    const page = await t.http.get('/api/v1/admin/audit-log?limit=13').set(admin.auth).expect(200);
    page.body.items.shift();
    const entries = page.body.items.reverse();
    expect(entries.map((e: { targetId: string }) => e.targetId)).toEqual([
      ...Array(6).fill(comment.id),
      ...Array(4).fill(reader.id),
      article.id,
      'moderation',
    ]);
    expect(new Set(entries.map((e: { action: string }) => e.action)).size).toBe(12);
    for (const entry of entries) expect(entry.actor).toEqual(expect.objectContaining({ id: expect.stringMatching(new RegExp(`^(${moderator.id}|${admin.id})$`)) }));
    expect(entries.slice(6, 9).map((e: { reason: string }) => e.reason)).toEqual(['r1', 'r2', 'r3']);
  });

  it('"Comments close by themselves at commentsCloseAt: the article\'s own, else publishedAt plus the moderation setting closeAfterDays (null: never)"', async () => {
    const publishedAt = new Date(Date.now() - 2 * 86400_000).toISOString();
    const key = { 'X-Api-Key': t.config.cmsApiKey as string };
    const id = `closing-${uniqueSuffix()}`;
    await t.http.put(`/api/v1/articles/${id}`).set(key).send({ title: 'Old news', url: `https://news.example/${id}`, publishedAt }).expect(201);
    expect((await t.http.get(`/api/v1/articles/${id}`).expect(200)).body).toEqual(expect.objectContaining({ commentsOpen: true, commentsCloseAt: null }));
    await putSettings({ closeAfterDays: 1 });
    try {
      const closed = await t.http.get(`/api/v1/articles/${id}`).expect(200);
      expect(closed.body).toEqual(
        expect.objectContaining({ commentsOpen: false, commentsCloseAt: new Date(Date.parse(publishedAt) + 86400_000).toISOString() }),
      );
      expectProblem(
        await t.http.post(`/api/v1/articles/${id}/comments`).set((await registerReader(t.http)).auth).send({ body: 'late' }),
        409,
        'COMMENTS_CLOSED',
      );
      const own = new Date(Date.now() + 3600_000).toISOString();
      const reopened = await t.http.put(`/api/v1/articles/${id}`).set(key).send({ title: 'Old news', url: `https://news.example/${id}`, commentsCloseAt: own }).expect(200);
      expect(reopened.body).toEqual(expect.objectContaining({ commentsOpen: true, commentsCloseAt: own }));
    } finally {
      await putSettings({});
    }
  });

  it('X-Api-Key is accepted only where the contract marks cms', async () => {
    const article = await createArticle(t.http);
    const key = { 'X-Api-Key': t.config.cmsApiKey as string };
    expectProblem(await t.http.patch(`/api/v1/admin/articles/${article.id}`).set(key).send({ commentsOpen: false }), 401, 'UNAUTHENTICATED');
    expectProblem(await t.http.get('/api/v1/admin/audit-log').set(key), 401, 'UNAUTHENTICATED');
  });

  it('"externalModeration: {url, secret, timeoutMs} or null": timeoutMs (default 800, at most 3000)', async () => {
    const hook = { url: 'https://classifier.example/margin', secret: 'hook-secret' };
    const saved = await putSettings({ externalModeration: hook });
    expect(saved.body.externalModeration).toEqual({ ...hook, timeoutMs: 800 });
    expectProblem(
      await t.http.put('/api/v1/admin/settings/moderation').set(admin.auth).send({ ...SETTINGS, externalModeration: { ...hook, timeoutMs: 3001 } }),
      400,
      'VALIDATION_FAILED',
    );
    await putSettings({});
  });

  describe('webhooks admin', () => {
    it('"GET, PUT /admin/webhooks/:id, DELETE …, GET /admin/webhooks | admin | {url, secret, events: [...]}"', async () => {
      const id = `newsroom-${uniqueSuffix()}`;
      const body = { url: 'http://127.0.0.1:9/hooks', secret: 's'.repeat(24), events: ['comment.created', 'comment.moderated'] };
      expectProblem(await t.http.put(`/api/v1/admin/webhooks/${id}`).set(moderator.auth).send(body), 403, 'FORBIDDEN');
      const created = await t.http.put(`/api/v1/admin/webhooks/${id}`).set(admin.auth).send(body).expect(201);
      expect(created.body).toEqual(expect.objectContaining({ id, url: body.url, events: body.events }));
      await t.http.put(`/api/v1/admin/webhooks/${id}`).set(admin.auth).send({ ...body, events: ['article.commentsClosed'] }).expect(200);
      expect((await t.http.get(`/api/v1/admin/webhooks/${id}`).set(admin.auth).expect(200)).body.events).toEqual(['article.commentsClosed']);
      const list = await t.http.get('/api/v1/admin/webhooks').set(admin.auth).expect(200);
      expect(list.body.items.map((hook: { id: string }) => hook.id)).toContain(id);
      const deliveries = await t.http.get(`/api/v1/admin/webhooks/${id}/deliveries`).set(admin.auth).expect(200);
      expect(deliveries.body).toEqual({ items: [], nextCursor: null });
      expectProblem(await t.http.put(`/api/v1/admin/webhooks/${id}`).set(admin.auth).send({ ...body, events: ['comment.exploded'] }), 400, 'VALIDATION_FAILED');
      await t.http.delete(`/api/v1/admin/webhooks/${id}`).set(admin.auth).expect(204);
      expectProblem(await t.http.get(`/api/v1/admin/webhooks/${id}`).set(admin.auth), 404, 'WEBHOOK_NOT_FOUND');
    });

    it('"GET /admin/webhooks/:id/deliveries → page of {id, event, status, attempts, lastStatusCode, nextAttemptAt, createdAt}"', async () => {
      const id = `deliveries-${uniqueSuffix()}`;
      await t.http
        .put(`/api/v1/admin/webhooks/${id}`)
        .set(admin.auth)
        .send({ url: 'http://127.0.0.1:9/hooks', secret: 's'.repeat(24), events: ['comment.created'] })
        .expect(201);
      const article = await createArticle(t.http);
      await postOk(await registerReader(t.http), article.id);
      const page = await t.http.get(`/api/v1/admin/webhooks/${id}/deliveries`).set(admin.auth).expect(200);
      expect(page.body.items).toEqual([
        expect.objectContaining({
          id: expect.any(String),
          event: 'comment.created',
          status: 'pending',
          attempts: expect.any(Number),
          lastStatusCode: null,
          nextAttemptAt: expect.any(String),
          createdAt: expect.any(String),
        }),
      ]);
      await t.http.delete(`/api/v1/admin/webhooks/${id}`).set(admin.auth).expect(204);
    });
  });
});
