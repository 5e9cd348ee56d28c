import { QueryRunner } from 'typeorm';
import { ArticleCountFoldJob } from '../../src/articles/article-count-fold.job';
import { createArticle, TEST_CMS_API_KEY } from '../factories/articles.factory';
import { articleCommentCount, postComment } from '../factories/comments.factory';
import { registerReader, registerStaff } from '../factories/users.factory';
import { expectProblem } from '../support/problem';
import { createTestApp, TestApp } from '../support/test-app';

const READERS = 40;
/** The articles module's article lock (a transaction advisory lock keyed by the article id's hash). */
const ARTICLE_LOCK_KEY = 4242020;
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('posting to one hot article (e2e)', () => {
  let t: TestApp;
  let fold: ArticleCountFoldJob;
  const open: QueryRunner[] = [];

  beforeAll(async () => {
    // Its own pool: the test holds transactions open beside the app's requests, and a close must be waiting in
    // PostgreSQL while a later post queues behind it (under TEST_POOL_SIZE=1 the post would wait for the pool instead).
    t = await createTestApp({ COMMENT_RATE_LIMIT_MAX: '1000', DATABASE_POOL_SIZE: '10' });
    fold = t.app.get(ArticleCountFoldJob);
  });
  afterEach(async () => {
    for (const runner of open.splice(0)) {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      await runner.release();
    }
  });
  afterAll(() => t.close());

  /** A transaction of the test's own, left open until the test ends it. */
  const openTransaction = async () => {
    const runner = t.db.createQueryRunner();
    open.push(runner);
    await runner.connect();
    await runner.startTransaction();
    return runner;
  };

  /** Requests waiting for the article's lock. */
  const waitingForArticle = async (articleId: string) => {
    const [row] = await t.db.query(
      `SELECT count(*)::int AS n FROM pg_locks
        WHERE locktype = 'advisory' AND classid = $2 AND objsubid = 2 AND NOT granted
          AND objid::text::bigint = (hashtext($1)::bigint + 4294967296) % 4294967296`,
      [articleId, ARTICLE_LOCK_KEY],
    );
    return row.n as number;
  };
  const until = async (condition: () => Promise<boolean>) => {
    while (!(await condition())) await delay(10);
  };

  const storedCounts = async (articleId: string) => {
    const [row] = await t.db.query(
      `SELECT a.comment_count AS "column", (SELECT count(*)::int FROM article_comment_count_deltas d WHERE d.article_id = a.id) AS pending,
              (SELECT count(*)::int FROM comments c WHERE c.article_id = a.id AND c.status = 'visible') AS visible
         FROM articles a WHERE a.id = $1`,
      [articleId],
    );
    return row as { column: number; pending: number; visible: number };
  };

  it('takes no lock on the article row: a post goes through while another transaction holds it', async () => {
    const [article, author] = [await createArticle(t.http), await registerReader(t.http)];
    const holder = await openTransaction();
    await holder.query('SELECT id FROM articles WHERE id = $1 FOR NO KEY UPDATE', [article.id]);
    const posted = await t.http.post(`/api/v1/articles/${article.id}/comments`).set(author.auth).send({ body: 'Through' }).expect(201);
    await holder.rollbackTransaction();
    expect((await t.http.get(`/api/v1/articles/${article.id}/comments`)).body.items.map((item: { id: string }) => item.id)).toEqual([posted.body.id]);
  });

  it(`${READERS} readers posting into one article at once, with folds running meanwhile, leave every counter exact`, async () => {
    const article = await createArticle(t.http);
    // Registered ten at a time: the concurrency under test is the posting below, not 40 password hashes at once.
    const readers: Awaited<ReturnType<typeof registerReader>>[] = [];
    while (readers.length < READERS) {
      readers.push(...(await Promise.all(Array.from({ length: Math.min(10, READERS - readers.length) }, () => registerReader(t.http)))));
    }
    const root = await postComment(t.http, readers[0], article.id);
    const folds: Promise<unknown>[] = [];
    const responses = await Promise.all(
      readers.map(async (reader, index) => {
        if (index % 10 === 0) folds.push(fold.foldNow());
        return t.http
          .post(`/api/v1/articles/${article.id}/comments`)
          .set(reader.auth)
          .send({ body: `Hot take ${index}`, ...(index % 4 === 0 ? { parentId: root.id } : {}) });
      }),
    );
    await Promise.all(folds);
    expect(responses.map((response) => response.status)).toEqual(Array(READERS).fill(201));
    const expected = READERS + 1;
    expect((await t.http.get(`/api/v1/articles/${article.id}`)).body.commentCount).toBe(expected);
    expect((await t.http.post('/api/v1/articles/counts').send({ ids: [article.id] })).body.counts[article.id]).toBe(expected);
    expect(await articleCommentCount(t.db, article.id)).toBe(expected);
    expect((await t.db.query('SELECT reply_count FROM comments WHERE id = $1', [root.id]))[0].reply_count).toBe(READERS / 4);
    const authorCounts = await t.db.query('SELECT comment_count FROM users WHERE id = ANY($1::uuid[])', [readers.map((reader) => reader.id)]);
    expect(authorCounts.map((row: { comment_count: number }) => row.comment_count).sort()).toEqual([...Array(READERS - 1).fill(1), 2]);

    // Each post's own comment is in the very next read of the thread.
    const newest = await t.http.get(`/api/v1/articles/${article.id}/comments?sort=newest&limit=100`).expect(200);
    const shown = newest.body.items.flatMap((item: { id: string; replies: { id: string }[] }) => [item.id, ...item.replies.map((reply) => reply.id)]);
    for (const response of responses.filter((_, index) => index % 4 !== 0)) expect(shown).toContain(response.body.id);

    await fold.foldNow();
    expect(await storedCounts(article.id)).toEqual({ column: expected, pending: 0, visible: expected });
    expect((await t.http.get(`/api/v1/articles/${article.id}`)).body.commentCount).toBe(expected);
  });

  it('moves a hide and an erasure through the same counter, exact before and after a fold', async () => {
    const moderator = await registerStaff(t.http, t.db, 'moderator');
    const article = await createArticle(t.http);
    const [keeper, leaver] = [await registerReader(t.http), await registerReader(t.http)];
    const hidden = await postComment(t.http, keeper, article.id);
    await postComment(t.http, keeper, article.id);
    await postComment(t.http, leaver, article.id);
    await fold.foldNow();
    await postComment(t.http, leaver, article.id);
    await t.http.post(`/api/v1/admin/comments/${hidden.id}/hide`).set(moderator.auth).send({ reason: 'spam' }).expect(200);
    await t.http.delete('/api/v1/me').set(leaver.auth).send({ password: leaver.password }).expect(204);
    expect((await t.http.get(`/api/v1/articles/${article.id}`)).body.commentCount).toBe(1);
    expect((await storedCounts(article.id)).pending).toBeGreaterThan(0);
    await fold.foldNow();
    expect(await storedCounts(article.id)).toEqual({ column: 1, pending: 0, visible: 1 });
    expect((await t.http.get(`/api/v1/articles/${article.id}`)).body.commentCount).toBe(1);
  });

  it('a close by a moderator or by the CMS never deadlocks with a post in flight that is inserting its comment', async () => {
    const moderator = await registerStaff(t.http, t.db, 'moderator');
    const author = await registerReader(t.http);
    const closes = [
      (id: string) => t.http.patch(`/api/v1/admin/articles/${id}`).set(moderator.auth).send({ commentsOpen: false }),
      (id: string) => t.http.put(`/api/v1/articles/${id}`).set('X-Api-Key', TEST_CMS_API_KEY).send({ title: 'Closed', url: `https://news.example/${id}`, commentsOpen: false }),
    ];
    for (const close of closes) {
      const article = await createArticle(t.http);
      // A post in flight: the article's lock held shared, then its comment inserted (the key-share lock of its FK).
      const inFlight = await openTransaction();
      await inFlight.query('SELECT * FROM articles_share_for_posting($1)', [article.id]);
      const closing = close(article.id).then((response) => response);
      await until(async () => (await waitingForArticle(article.id)) === 1);
      await inFlight.query(`INSERT INTO comments (article_id, author_id, body) VALUES ($1, $2, 'In flight')`, [article.id, author.id]);
      await inFlight.commitTransaction();
      expect((await closing).status).toBe(200);
      expect((await t.http.get(`/api/v1/articles/${article.id}`)).body.commentsOpen).toBe(false);
    }
  });

  it('a close waits for the posts in flight, is not overtaken by later posts, and refuses every post after it', async () => {
    const moderator = await registerStaff(t.http, t.db, 'moderator');
    const article = await createArticle(t.http);
    const [early, late] = [await registerReader(t.http), await registerReader(t.http)];
    // A post in flight: the article's lock held shared, as `comments_post` holds it until its commit.
    const inFlight = await openTransaction();
    await inFlight.query('SELECT * FROM articles_share_for_posting($1)', [article.id]);

    const closing = t.http.patch(`/api/v1/admin/articles/${article.id}`).set(moderator.auth).send({ commentsOpen: false }).then((response) => response);
    await until(async () => (await waitingForArticle(article.id)) === 1);
    // Shared like the post in flight, but behind the waiting close: it waits, and then finds comments closed.
    const later = t.http.post(`/api/v1/articles/${article.id}/comments`).set(late.auth).send({ body: 'Too late' }).then((response) => response);
    await until(async () => (await waitingForArticle(article.id)) === 2);

    await inFlight.commitTransaction();
    expect((await closing).status).toBe(200);
    expectProblem(await later, 409, 'COMMENTS_CLOSED');
    expectProblem(await t.http.post(`/api/v1/articles/${article.id}/comments`).set(early.auth).send({ body: 'After' }), 409, 'COMMENTS_CLOSED');
  });
});
