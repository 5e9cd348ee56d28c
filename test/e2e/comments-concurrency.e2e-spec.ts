import { createArticle } from '../factories/articles.factory';
import { articleCommentCount, commentRow, postComment } from '../factories/comments.factory';
import { registerReader } from '../factories/users.factory';
import { expectProblem } from '../support/problem';
import { createTestApp, TestApp } from '../support/test-app';

const COMMENT_RATE_LIMIT_MAX = 5;

describe('comments under concurrency (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ COMMENT_RATE_LIMIT_MAX: String(COMMENT_RATE_LIMIT_MAX), COMMENT_RATE_LIMIT_WINDOW_SECONDS: '60' });
  });
  afterAll(() => t.close());

  it('20 concurrent identical reactions leave one row and a count of 1', async () => {
    const [article, author, fan] = [await createArticle(t.http), await registerReader(t.http), await registerReader(t.http)];
    const comment = await postComment(t.http, author, article.id);
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => t.http.put(`/api/v1/comments/${comment.id}/reaction`).set(fan.auth)),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(20).fill(204));
    expect(await t.db.query('SELECT user_id FROM comment_reactions WHERE comment_id = $1', [comment.id])).toEqual([{ user_id: fan.id }]);
    expect((await commentRow(t.db, comment.id)).reaction_count).toBe(1);
    const withdrawals = await Promise.all(
      Array.from({ length: 20 }, () => t.http.delete(`/api/v1/comments/${comment.id}/reaction`).set(fan.auth)),
    );
    expect(withdrawals.map((response) => response.status)).toEqual(Array(20).fill(204));
    expect((await commentRow(t.db, comment.id)).reaction_count).toBe(0);
  });

  it('30 concurrent posts by one reader give only 201s and 429s, and the article count equals the rows created', async () => {
    const [article, author] = [await createArticle(t.http), await registerReader(t.http)];
    const responses = await Promise.all(
      Array.from({ length: 30 }, (_, index) => t.http.post(`/api/v1/articles/${article.id}/comments`).set(author.auth).send({ body: `post number ${index}` })),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.every((status) => status === 201 || status === 429)).toBe(true);
    const createdCount = statuses.filter((status) => status === 201).length;
    expect(createdCount).toBe(COMMENT_RATE_LIMIT_MAX);
    const limited = responses.find((response) => response.status === 429);
    expectProblem(limited!, 429, 'RATE_LIMITED');
    expect(Number(limited!.headers['retry-after'])).toBeGreaterThan(0);
    const [{ count }] = await t.db.query('SELECT count(*)::int AS count FROM comments WHERE article_id = $1', [article.id]);
    expect(count).toBe(createdCount);
    expect(await articleCommentCount(t.db, article.id)).toBe(count);
  });

  it('concurrent identical posts by one reader create exactly one comment (409 DUPLICATE_COMMENT for the rest)', async () => {
    const [article, author] = [await createArticle(t.http), await registerReader(t.http)];
    const responses = await Promise.all(
      Array.from({ length: COMMENT_RATE_LIMIT_MAX }, () => t.http.post(`/api/v1/articles/${article.id}/comments`).set(author.auth).send({ body: 'Me too' })),
    );
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([201, ...Array(COMMENT_RATE_LIMIT_MAX - 1).fill(409)]);
    expectProblem(responses.find((response) => response.status === 409)!, 409, 'DUPLICATE_COMMENT');
    expect(await articleCommentCount(t.db, article.id)).toBe(1);
  });

  it('concurrent replies keep every ancestor\'s reply count exact', async () => {
    const article = await createArticle(t.http);
    const readers = await Promise.all(Array.from({ length: 4 }, () => registerReader(t.http)));
    const root = await postComment(t.http, readers[0], article.id);
    const child = await postComment(t.http, readers[1], article.id, { parentId: root.id });
    const responses = await Promise.all(
      readers.flatMap((reader) => [root.id, child.id].map((parentId) => t.http.post(`/api/v1/articles/${article.id}/comments`).set(reader.auth).send({ body: `re ${parentId} ${reader.id}`, parentId }))),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(8).fill(201));
    expect((await commentRow(t.db, root.id)).reply_count).toBe(9);
    expect((await commentRow(t.db, child.id)).reply_count).toBe(4);
    expect(await articleCommentCount(t.db, article.id)).toBe(10);
  });
});
