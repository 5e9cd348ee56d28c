import { createArticle } from '../factories/articles.factory';
import { registerReader, registerStaff, RegisteredReader, uniqueSuffix } from '../factories/users.factory';
import { expectProblem } from '../support/problem';
import { createTestApp, TestApp } from '../support/test-app';

const PROFILE_KEYS = ['bio', 'commentCount', 'createdAt', 'displayName', 'followerCount', 'followingCount', 'id', 'isSupporter', 'role'];

/** The contract's picks, bulk moderation, a reader's standing and moderators' notes, line by line, over HTTP only. */
describe('contract: picks, bulk moderation, standing and notes (e2e)', () => {
  let t: TestApp;
  let moderator: RegisteredReader;
  let admin: RegisteredReader;

  beforeAll(async () => {
    t = await createTestApp();
    moderator = await registerStaff(t.http, t.db, 'moderator');
    admin = await registerStaff(t.http, t.db, 'admin');
  });
  afterAll(() => t.close());

  const postOk = async (reader: RegisteredReader, articleId: string, body: Record<string, unknown> = {}) =>
    (await t.http.post(`/api/v1/articles/${articleId}/comments`).set(reader.auth).send({ body: `words ${uniqueSuffix()}`, ...body }).expect(201)).body;
  const feature = (id: string) => t.http.post(`/api/v1/admin/comments/${id}/feature`).set(moderator.auth).expect(200);

  it('"GET /articles/:articleId/picks | public | page of the article\'s featured comments (top-level or replies), the most recently featured first"', async () => {
    const article = await createArticle(t.http);
    const [a, b] = [await registerReader(t.http), await registerReader(t.http)];
    const top = await postOk(a, article.id);
    const reply = await postOk(b, article.id, { parentId: top.id });
    await postOk(a, article.id);
    await feature(reply.id);
    await feature(top.id);
    const page = await t.http.get(`/api/v1/articles/${article.id}/picks`).expect(200);
    expect(page.body.items.map((c: { id: string }) => c.id)).toEqual([top.id, reply.id]);
    expect(page.body.items[1]).toEqual(expect.objectContaining({ featured: true, parentId: top.id }));
    expect(page.body.nextCursor).toBeNull();
    const first = await t.http.get(`/api/v1/articles/${article.id}/picks?limit=1`).expect(200);
    const rest = await t.http.get(`/api/v1/articles/${article.id}/picks`).query({ limit: 1, cursor: first.body.nextCursor }).expect(200);
    expect(rest.body.items.map((c: { id: string }) => c.id)).toEqual([reply.id]);
    expectProblem(await t.http.get(`/api/v1/articles/${article.id}/picks?cursor=nonsense!`), 400, 'INVALID_CURSOR');
    expectProblem(await t.http.get(`/api/v1/articles/nope-${uniqueSuffix()}/picks`), 404, 'ARTICLE_NOT_FOUND');
  });

  describe('POST /admin/comments/bulk', () => {
    it('"{ids (1–100), action: hide|unhide|approve|delete, reason?, note?} → 200 {results: [{id, status} or {id, code}]}"', async () => {
      const article = await createArticle(t.http);
      const author = await registerReader(t.http);
      const [one, two] = [await postOk(author, article.id), await postOk(author, article.id)];
      const unknown = '00000000-0000-4000-8000-000000000000';
      const hidden = await t.http
        .post('/api/v1/admin/comments/bulk')
        .set(moderator.auth)
        .send({ ids: [one.id, two.id, unknown], action: 'hide', reason: 'spam', note: 'a wave of it' })
        .expect(200);
      expect(hidden.body).toEqual({
        results: [
          { id: one.id, status: 'hidden' },
          { id: two.id, status: 'hidden' },
          { id: unknown, code: 'COMMENT_NOT_FOUND' },
        ],
      });
      const unhidden = await t.http.post('/api/v1/admin/comments/bulk').set(moderator.auth).send({ ids: [one.id], action: 'unhide' }).expect(200);
      expect(unhidden.body.results).toEqual([{ id: one.id, status: 'visible' }]);
      const approved = await t.http.post('/api/v1/admin/comments/bulk').set(moderator.auth).send({ ids: [one.id], action: 'approve' }).expect(200);
      expect(approved.body.results).toEqual([{ id: one.id, status: 'visible' }]);
      const deleted = await t.http.post('/api/v1/admin/comments/bulk').set(moderator.auth).send({ ids: [one.id], action: 'delete' }).expect(200);
      expect(deleted.body.results).toEqual([{ id: one.id, status: 'deleted' }]);
      expect((await t.http.get(`/api/v1/comments/${one.id}`).expect(200)).body.status).toBe('deleted');
    });

    it('"each comment is acted on as by its own endpoint (a refusal for one does not stop the others)"', async () => {
      const article = await createArticle(t.http);
      const author = await registerReader(t.http);
      const [visible, gone] = [await postOk(author, article.id), await postOk(author, article.id)];
      await t.http.delete(`/api/v1/comments/${gone.id}`).set(author.auth).expect(204);
      const single = await t.http.post(`/api/v1/admin/comments/${gone.id}/hide`).set(moderator.auth).send({ reason: 'spam' });
      const bulk = await t.http.post('/api/v1/admin/comments/bulk').set(moderator.auth).send({ ids: [gone.id, visible.id], action: 'hide', reason: 'spam' }).expect(200);
      expect(bulk.body.results).toEqual([
        { id: gone.id, code: single.body.code },
        { id: visible.id, status: 'hidden' },
      ]);
    });

    it('validates the request as a whole: ids 1–100, a known action, moderators only', async () => {
      const ids = Array.from({ length: 101 }, () => '00000000-0000-4000-8000-000000000000');
      const bulk = (body: Record<string, unknown>, auth = moderator.auth) => t.http.post('/api/v1/admin/comments/bulk').set(auth).send(body);
      expectProblem(await bulk({ ids: [], action: 'hide', reason: 'spam' }), 400, 'VALIDATION_FAILED');
      expectProblem(await bulk({ ids, action: 'approve' }), 400, 'VALIDATION_FAILED');
      expectProblem(await bulk({ ids: [ids[0]], action: 'explode' }), 400, 'VALIDATION_FAILED');
      expectProblem(await bulk({ ids: [ids[0]], action: 'approve' }, (await registerReader(t.http)).auth), 403, 'FORBIDDEN');
    });
  });

  it('"GET /admin/users/:id | moderator | 200 the reader\'s standing: profile plus email, emailVerified, suspendedUntil, bannedAt, counts of comments by status, reports against them, and their sanctions"', async () => {
    const reader = await registerReader(t.http);
    const reporter = await registerReader(t.http);
    const article = await createArticle(t.http);
    const hidden = await postOk(reader, article.id);
    const reported = await postOk(reader, article.id);
    await t.http.post(`/api/v1/admin/comments/${hidden.id}/hide`).set(moderator.auth).send({ reason: 'spam' }).expect(200);
    await t.http.post(`/api/v1/comments/${reported.id}/reports`).set(reporter.auth).send({ reason: 'abuse' }).expect(202);
    const until = new Date(Date.now() + 3600_000).toISOString();
    await t.http.post(`/api/v1/admin/users/${reader.id}/suspend`).set(moderator.auth).send({ until, reason: 'cool off' }).expect(200);
    const response = await t.http.get(`/api/v1/admin/users/${reader.id}`).set(moderator.auth).expect(200);
    for (const key of PROFILE_KEYS) expect(response.body).toHaveProperty(key);
    expect(response.body).toEqual(
      expect.objectContaining({ id: reader.id, email: reader.email, emailVerified: false, suspendedUntil: until, bannedAt: null }),
    );
    const text = JSON.stringify(response.body);
    expect(text).toContain('"hidden":1');
    expect(text).toContain('"visible":1');
    expect(text).toContain('cool off');
    expect(response.body.reportCount).toBe(1);
    expectProblem(await t.http.get(`/api/v1/admin/users/${reader.id}`).set(reader.auth), 403, 'FORBIDDEN');
    expectProblem(await t.http.get('/api/v1/admin/users/00000000-0000-4000-8000-000000000000').set(moderator.auth), 404, 'USER_NOT_FOUND');
  });

  it('"GET /admin/users/:id/comments | moderator | ?status=; page of every comment of that reader, any status, newest first"', async () => {
    const reader = await registerReader(t.http);
    const article = await createArticle(t.http);
    const first = await postOk(reader, article.id);
    const second = await postOk(reader, article.id);
    const third = await postOk(reader, article.id);
    await t.http.post(`/api/v1/admin/comments/${second.id}/hide`).set(moderator.auth).send({ reason: 'spam' }).expect(200);
    await t.http.delete(`/api/v1/comments/${first.id}`).set(reader.auth).expect(204);
    const all = await t.http.get(`/api/v1/admin/users/${reader.id}/comments`).set(moderator.auth).expect(200);
    expect(all.body.items.map((c: { id: string; status: string }) => [c.id, c.status])).toEqual([
      [third.id, 'visible'],
      [second.id, 'hidden'],
      [first.id, 'deleted'],
    ]);
    expect(all.body.items[1].body).toBe(second.body);
    const hidden = await t.http.get(`/api/v1/admin/users/${reader.id}/comments?status=hidden`).set(moderator.auth).expect(200);
    expect(hidden.body.items.map((c: { id: string }) => c.id)).toEqual([second.id]);
    expectProblem(await t.http.get(`/api/v1/admin/users/${reader.id}/comments?status=lost`).set(moderator.auth), 400, 'VALIDATION_FAILED');
  });

  it('"GET, POST /admin/users/:id/notes | moderator | {body} (≤ 2000) → 201; page of moderators\' notes about a reader, newest first, each {id, author, body, createdAt}"', async () => {
    const reader = await registerReader(t.http);
    const notes = `/api/v1/admin/users/${reader.id}/notes`;
    const created = await t.http.post(notes).set(moderator.auth).send({ body: 'Warned by e-mail\nonce' }).expect(201);
    expect(created.body).toEqual({ id: expect.any(String), author: expect.objectContaining({ id: moderator.id }), body: 'Warned by e-mail\nonce', createdAt: expect.any(String) });
    await t.http.post(notes).set(admin.auth).send({ body: 'n'.repeat(2000) }).expect(201);
    expectProblem(await t.http.post(notes).set(admin.auth).send({ body: 'n'.repeat(2001) }), 400, 'VALIDATION_FAILED');
    const page = await t.http.get(notes).set(moderator.auth).expect(200);
    expect(page.body.items.map((n: { author: { id: string } }) => n.author.id)).toEqual([admin.id, moderator.id]);
    expect(Object.keys(page.body.items[0]).sort()).toEqual(['author', 'body', 'createdAt', 'id']);
    expect(page.body.nextCursor).toBeNull();
    expectProblem(await t.http.get(notes).set(reader.auth), 403, 'FORBIDDEN');
    expectProblem(await t.http.post(notes).set(reader.auth).send({ body: 'me' }), 403, 'FORBIDDEN');
  });

  it('/docs-json lists picks, bulk, standing and notes', async () => {
    const doc = await t.http.get('/docs-json').expect(200);
    const operations = new Set<string>();
    for (const [path, item] of Object.entries(doc.body.paths as Record<string, Record<string, unknown>>)) {
      for (const verb of Object.keys(item)) operations.add(`${verb.toUpperCase()} ${path}`);
    }
    expect(
      [
        'GET /api/v1/articles/{articleId}/picks',
        'POST /api/v1/admin/comments/bulk',
        'GET /api/v1/admin/users/{id}',
        'GET /api/v1/admin/users/{id}/comments',
        'GET /api/v1/admin/users/{id}/notes',
        'POST /api/v1/admin/users/{id}/notes',
      ].filter((operation) => !operations.has(operation)),
    ).toEqual([]);
    expect(doc.body.paths['/api/v1/admin/users/{id}/notes'].post.responses['201']).toBeDefined();
  });
});
