import { ThreadCache } from '../../src/common/cache/thread-cache';
import { createArticle } from '../factories/articles.factory';
import { postCommentAs } from '../factories/comments-direct.factory';
import { registerReader } from '../factories/users.factory';
import { createTestApp, TestApp } from '../support/test-app';

/** Every spelling of limit=100 that validation accepts and reads back as 100. */
function spellingsOfOneHundred(count: number): string[] {
  const spellings = ['100', '100.0', '+100', '1e2', '0x64', '1E2', '100.', '0100'];
  for (let zeros = 1; spellings.length < count; zeros += 1) {
    spellings.push(`${'0'.repeat(zeros)}100`, `100.${'0'.repeat(zeros)}`, `+${'0'.repeat(zeros)}100`);
  }
  return spellings.slice(0, count);
}

describe('thread cache memory under many spellings of one query (e2e)', () => {
  const budget = 256 * 1024;
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ THREAD_CACHE_MAX_BYTES: String(budget) });
  });
  afterAll(() => t.close());

  it('keeps one cached page for every spelling of the same query, and serves them all the same bytes', async () => {
    const article = await createArticle(t.http);
    const author = await registerReader(t.http);
    for (let n = 0; n < 30; n += 1) await postCommentAs(t, { articleId: article.id, author, body: `comment ${n} ${'x'.repeat(500)}` });
    const cache = t.app.get(ThreadCache);
    const sizeBefore = cache.size;

    const canonical = await t.http.get(`/api/v1/articles/${article.id}/comments?limit=100`).expect(200);
    for (const limit of spellingsOfOneHundred(300)) {
      const response = await t.http.get(`/api/v1/articles/${article.id}/comments`).query(`limit=${encodeURIComponent(limit)}&sort=newest`).expect(200);
      expect(response.text).toBe(canonical.text);
    }
    expect(cache.size - sizeBefore).toBe(1);
    expect(cache.bytes).toBeLessThanOrEqual(budget);
  });

  // 50 posts and 272 page reads one after another: seconds alone, but over 30 s on the shared 2-core machine under
  // load with every round trip through PgBouncer (.ci/pgbouncer); the bound is for a hang, not for speed.
  it('stays within its byte budget whatever mix of valid queries and articles is asked for', async () => {
    const cache = t.app.get(ThreadCache);
    const author = await registerReader(t.http);
    const articles = [await createArticle(t.http), await createArticle(t.http)];
    for (const article of articles) {
      for (let n = 0; n < 25; n += 1) await postCommentAs(t, { articleId: article.id, author, body: `${article.id} c${n} ${'y'.repeat(900)}` });
    }
    for (const article of articles) {
      for (const sort of ['newest', 'oldest', 'top', 'replies']) {
        for (let limit = 1; limit <= 100; limit += 3) {
          await t.http.get(`/api/v1/articles/${article.id}/comments?sort=${sort}&limit=${limit}`).expect(200);
          expect(cache.bytes).toBeLessThanOrEqual(budget);
        }
      }
    }
    // 2 articles × 4 sorts × 34 limits were asked for; far fewer fit.
    expect(cache.size).toBeLessThan(100);
  }, 90_000);

  it('rejects spellings that validation does not accept, and unknown parameters, without caching them', async () => {
    const article = await createArticle(t.http);
    const cache = t.app.get(ThreadCache);
    const sizeBefore = cache.size;
    for (const query of ['limit=abc', 'limit=0', 'limit=101', 'limit=20.5', 'sort=NEWEST', 'sort=newest&sort=top', 'page=2']) {
      expect((await t.http.get(`/api/v1/articles/${article.id}/comments?${query}`)).status).toBe(400);
    }
    expect(cache.size).toBe(sizeBefore);
  });
});
