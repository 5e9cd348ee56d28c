import { createArticle, TEST_CMS_API_KEY } from '../factories/articles.factory';
import { registerReader, registerStaff, uniqueSuffix } from '../factories/users.factory';
import { expectProblem } from '../support/problem';
import { createTestApp, TestApp } from '../support/test-app';

describe('articles (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  describe('PUT /api/v1/articles/:articleId', () => {
    it('creates with the CMS API key (201), then updates (200)', async () => {
      const id = `politics:2026-11-26.budget_${uniqueSuffix()}`;
      const created = await t.http
        .put(`/api/v1/articles/${id}`)
        .set('X-Api-Key', TEST_CMS_API_KEY)
        .send({ title: 'Budget', url: 'https://news.example/budget', publishedAt: '2026-11-26T08:00:00Z' })
        .expect(201);
      expect(created.body).toEqual({
        id,
        title: 'Budget',
        url: 'https://news.example/budget',
        publishedAt: '2026-11-26T08:00:00.000Z',
        commentsOpen: true,
        commentsCloseAt: null,
        commentCount: 0,
      });
      const updated = await t.http
        .put(`/api/v1/articles/${id}`)
        .set('X-Api-Key', TEST_CMS_API_KEY)
        .send({ title: 'Budget, updated', url: 'https://news.example/budget', commentsOpen: false })
        .expect(200);
      expect(updated.body).toEqual(expect.objectContaining({ title: 'Budget, updated', commentsOpen: false, publishedAt: '2026-11-26T08:00:00.000Z' }));
    });

    it('accepts an admin token', async () => {
      const admin = await registerStaff(t.http, t.db, 'admin');
      const id = `a-${uniqueSuffix()}`;
      await t.http.put(`/api/v1/articles/${id}`).set(admin.auth).send({ title: 'T', url: 'https://news.example/t' }).expect(201);
    });

    it('refuses readers and moderators (403), anonymous callers (401) and a wrong API key (401)', async () => {
      const reader = await registerReader(t.http);
      const moderator = await registerStaff(t.http, t.db, 'moderator');
      const body = { title: 'T', url: 'https://news.example/t' };
      expectProblem(await t.http.put('/api/v1/articles/x1').set(reader.auth).send(body), 403, 'FORBIDDEN');
      expectProblem(await t.http.put('/api/v1/articles/x1').set(moderator.auth).send(body), 403, 'FORBIDDEN');
      expectProblem(await t.http.put('/api/v1/articles/x1').send(body), 401, 'UNAUTHENTICATED');
      expectProblem(await t.http.put('/api/v1/articles/x1').set('X-Api-Key', 'wrong-key-wrong-key').send(body), 401, 'UNAUTHENTICATED');
    });

    it.each([
      ['a bad id', 'has spaces%20here', { title: 'T', url: 'https://news.example/t' }],
      ['an id over 128 characters', 'x'.repeat(129), { title: 'T', url: 'https://news.example/t' }],
      ['a missing title', 'ok-id', { url: 'https://news.example/t' }],
      ['a bad url', 'ok-id', { title: 'T', url: 'javascript:alert(1)' }],
      ['a bad date', 'ok-id', { title: 'T', url: 'https://news.example/t', publishedAt: 'yesterday' }],
      ['an unknown field', 'ok-id', { title: 'T', url: 'https://news.example/t', author: 'me' }],
    ])('refuses %s (400)', async (_, id, body) => {
      expectProblem(await t.http.put(`/api/v1/articles/${id}`).set('X-Api-Key', TEST_CMS_API_KEY).send(body), 400, 'VALIDATION_FAILED');
    });
  });

  describe('GET /api/v1/articles/:articleId', () => {
    it('returns the article', async () => {
      const article = await createArticle(t.http);
      const response = await t.http.get(`/api/v1/articles/${article.id}`).expect(200);
      expect(response.body).toEqual(expect.objectContaining({ id: article.id, title: article.title, commentCount: 0, commentsOpen: true }));
    });

    it('answers 404 ARTICLE_NOT_FOUND for an unknown id', async () => {
      expectProblem(await t.http.get('/api/v1/articles/never-registered'), 404, 'ARTICLE_NOT_FOUND');
    });
  });

  describe('POST /api/v1/articles/counts', () => {
    it('returns a count for every id asked, 0 for unknown ones, in one call', async () => {
      const [a, b] = [await createArticle(t.http), await createArticle(t.http)];
      await t.db.query('UPDATE articles SET comment_count = 7 WHERE id = $1', [a.id]);
      const response = await t.http.post('/api/v1/articles/counts').send({ ids: [a.id, b.id, 'unknown-article'] }).expect(200);
      expect(response.body).toEqual({ counts: { [a.id]: 7, [b.id]: 0, 'unknown-article': 0 } });
    });

    it('refuses more than 100 ids and malformed ids (400)', async () => {
      const ids = Array.from({ length: 101 }, (_, index) => `a${index}`);
      expectProblem(await t.http.post('/api/v1/articles/counts').send({ ids }), 400, 'VALIDATION_FAILED');
      expectProblem(await t.http.post('/api/v1/articles/counts').send({ ids: ['bad id'] }), 400, 'VALIDATION_FAILED');
      expectProblem(await t.http.post('/api/v1/articles/counts').send({}), 400, 'VALIDATION_FAILED');
    });
  });
});
