import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { Gauge, register } from 'prom-client';
import { FAN_OUT_LAG_METRIC } from '../../src/notifications/jobs/fan-out-lag.metric';
import { JobQueue } from '../../src/notifications/jobs/job-queue';
import { FAN_OUT_BATCH_SIZE, FAN_OUT_JOB, FAN_OUT_LARGE_JOB, FAN_OUT_POSTS_PER_BATCH, FAN_OUT_WORKERS } from '../../src/notifications/notification-producer';
import { createArticle, TestArticle } from '../factories/articles.factory';
import { postComment } from '../factories/comments.factory';
import { seedFollowers } from '../factories/follows.factory';
import { registerReader, RegisteredReader } from '../factories/users.factory';
import { createIsolatedTestApp } from '../support/isolated-test-app';
import { countedStatements } from '../support/statement-count';
import { TestApp } from '../support/test-app';

/**
 * The followed_comment fan-out is set-based: a worker claims many queued posts
 * per fetch and announces them with one statement, so it keeps up with a busy
 * site. These tests count batches and statements, never wall-clock time. Each
 * app has a database of its own, so no other test file drains its queue.
 */

/**
 * BEGIN, the fan-out statement, COMMIT. The e-mail job (`notifications.created`) is queued only for rows whose
 * recipient takes followed_comment e-mail, which no seeded follower does (unverified, setting off by default).
 */
const STATEMENTS_PER_FAN_OUT_UNIT = 3;

describe('followed_comment fan-out (e2e)', () => {
  let t: TestApp;
  let article: TestArticle;

  beforeAll(async () => {
    t = await createIsolatedTestApp();
    article = await createArticle(t.http);
  });
  afterAll(() => t.close());

  interface Author {
    reader: RegisteredReader;
    followers: number;
  }

  async function authorsWith(db: TestApp, followerCounts: number[]): Promise<Author[]> {
    const authors: Author[] = [];
    for (const followers of followerCounts) {
      const reader = await registerReader(db.http);
      await seedFollowers(db.db, reader.id, followers);
      authors.push({ reader, followers });
    }
    return authors;
  }

  /** Posts `count` comments, round-robin over `authors`; returns each post with its author's follower count. */
  async function postMany(app: TestApp, articleId: string, authors: Author[], count: number) {
    const posts: { commentId: string; followers: number }[] = [];
    for (let index = 0; index < count; index += 1) {
      const author = authors[index % authors.length];
      const comment = await postComment(app.http, author.reader, articleId);
      posts.push({ commentId: comment.id, followers: author.followers });
    }
    return posts;
  }

  async function deliveredPerComment(app: TestApp, commentIds: string[]): Promise<Map<string, { total: number; recipients: number }>> {
    const rows: { comment_id: string; total: number; recipients: number }[] = await app.db.query(
      `SELECT comment_id, count(*)::int AS total, count(DISTINCT recipient_id)::int AS recipients
       FROM notifications WHERE type = 'followed_comment' AND comment_id = ANY($1::uuid[]) GROUP BY comment_id`,
      [commentIds],
    );
    return new Map(rows.map((row) => [row.comment_id, { total: row.total, recipients: row.recipients }]));
  }

  function expectEachDeliveredOnce(posts: { commentId: string; followers: number }[], delivered: Map<string, { total: number; recipients: number }>) {
    const mismatches = posts
      .map((post) => ({ ...post, got: delivered.get(post.commentId) ?? { total: 0, recipients: 0 } }))
      .filter((post) => post.got.total !== post.followers || post.got.recipients !== post.followers);
    expect(mismatches).toEqual([]);
  }

  it('announces 200 queued posts to every follower exactly once, in a bounded number of batches and statements', async () => {
    const famousFollowers = FAN_OUT_BATCH_SIZE * 2 + 11;
    const authors = await authorsWith(t, [0, 1, 5, 20, 50, 120, 300]);
    const [famous] = await authorsWith(t, [famousFollowers]);
    const posts = [...(await postMany(t, article.id, authors, 198)), ...(await postMany(t, article.id, [famous], 2))];
    const jobs = t.app.get(JobQueue);

    const statements = jest.spyOn(PostgresQueryRunner.prototype, 'query');
    let wake;
    let statementCount = 0;
    try {
      wake = await jobs.workUntilEmpty(FAN_OUT_JOB);
      await jobs.workUntilEmpty(FAN_OUT_LARGE_JOB);
      statementCount = countedStatements(statements.mock.calls);
    } finally {
      statements.mockRestore();
    }

    expect(wake.jobs).toBe(200);
    // Every post claimed by the first fetches: no waiting between batches, no batch of one.
    expect(wake.batches).toBeLessThanOrEqual(Math.ceil(200 / FAN_OUT_POSTS_PER_BATCH));
    // One unit per batch for the small authors; the famous one goes in keyset chunks (plus the empty last one).
    const chunksPerFamousPost = Math.ceil(famousFollowers / FAN_OUT_BATCH_SIZE) + 1;
    // Each batch and chunk is one transaction of one statement: no e-mail job for followers who take no e-mail.
    expect(statementCount).toBeGreaterThanOrEqual(wake.batches);
    expect(statementCount).toBeLessThanOrEqual(STATEMENTS_PER_FAN_OUT_UNIT * (wake.batches + 2 * chunksPerFamousPost));
    expectEachDeliveredOnce(posts, await deliveredPerComment(t, posts.map((post) => post.commentId)));
  });

  it('completes ordinary posts without waiting for a large author\'s chunks, which its own queue delivers', async () => {
    const famousFollowers = FAN_OUT_BATCH_SIZE * 2 + 5;
    const [famous] = await authorsWith(t, [famousFollowers]);
    const small = await authorsWith(t, [2, 30]);
    const famousPost = await postMany(t, article.id, [famous], 1);
    const smallPosts = await postMany(t, article.id, small, 10);
    const jobs = t.app.get(JobQueue);

    const statements = jest.spyOn(PostgresQueryRunner.prototype, 'query');
    let wake;
    let statementCount = 0;
    try {
      wake = await jobs.workUntilEmpty(FAN_OUT_JOB);
      statementCount = countedStatements(statements.mock.calls);
    } finally {
      statements.mockRestore();
    }

    // Every post claimed with the famous one completed after one statement per batch: no chunk ran in this wake.
    expect(wake.jobs).toBe(11);
    expect(statementCount).toBe(STATEMENTS_PER_FAN_OUT_UNIT * wake.batches);
    expectEachDeliveredOnce(smallPosts, await deliveredPerComment(t, smallPosts.map((post) => post.commentId)));
    const [handedOn] = await t.db.query(
      `SELECT count(*)::int AS count FROM pgboss.job WHERE name = $1 AND state = 'created' AND data->>'commentId' = $2`,
      [FAN_OUT_LARGE_JOB, famousPost[0].commentId],
    );
    expect(handedOn.count).toBe(1);

    expect((await jobs.workUntilEmpty(FAN_OUT_LARGE_JOB)).jobs).toBe(1);
    expectEachDeliveredOnce(famousPost, await deliveredPerComment(t, [famousPost[0].commentId]));
  });

  it('delivers nothing twice when the same posts are queued again', async () => {
    const authors = await authorsWith(t, [3, 40]);
    const posts = await postMany(t, article.id, authors, 6);
    const jobs = t.app.get(JobQueue);
    await jobs.workUntilEmpty(FAN_OUT_JOB);
    const [again] = await t.db.query(`SELECT data FROM pgboss.job WHERE name = $1 AND data->>'commentId' = $2`, [FAN_OUT_JOB, posts[1].commentId]);
    for (let copy = 0; copy < 3; copy += 1) await jobs.send(FAN_OUT_JOB, again.data);
    expect((await jobs.workUntilEmpty(FAN_OUT_JOB)).jobs).toBe(3);
    expectEachDeliveredOnce(posts, await deliveredPerComment(t, posts.map((post) => post.commentId)));
  });

  it('reports the age of the oldest post waiting for its fan-out as margin_fanout_lag_seconds', async () => {
    const lag = async () => (await (register.getSingleMetric(FAN_OUT_LAG_METRIC) as Gauge).get()).values[0].value;
    const [author] = await authorsWith(t, [2]);
    expect(await lag()).toBe(0);
    const comment = await postComment(t.http, author.reader, article.id);
    await t.db.query(`UPDATE pgboss.job SET created_on = now() - interval '42 seconds' WHERE name = $1 AND data->>'commentId' = $2`, [
      FAN_OUT_JOB,
      comment.id,
    ]);
    const waiting = await lag();
    expect(waiting).toBeGreaterThanOrEqual(42);
    expect(waiting).toBeLessThan(60);
    await t.app.get(JobQueue).workUntilEmpty(FAN_OUT_JOB);
    expect(await lag()).toBe(0);
  });

  it('has the background workers drain everything queued in their first wake, not one post per poll', async () => {
    const worker = await createIsolatedTestApp();
    try {
      const workerArticle = await createArticle(worker.http);
      const authors = await authorsWith(worker, [0, 4, 30]);
      const posts = await postMany(worker, workerArticle.id, authors, 150);
      const jobs = worker.app.get(JobQueue);
      const before = jobs.workerStats(FAN_OUT_JOB);
      // A poll interval far longer than the test: only the first wake of each loop can do the work.
      await jobs.startWorkers(3600);
      const deadline = Date.now() + 20_000;
      while (jobs.workerStats(FAN_OUT_JOB).jobs - before.jobs < 150 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const after = jobs.workerStats(FAN_OUT_JOB);
      expect(after.jobs - before.jobs).toBe(150);
      expect(after.wakes - before.wakes).toBe(FAN_OUT_WORKERS);
      expect(after.batches - before.batches).toBeLessThanOrEqual(Math.ceil(150 / FAN_OUT_POSTS_PER_BATCH));
      expectEachDeliveredOnce(posts, await deliveredPerComment(worker, posts.map((post) => post.commentId)));
    } finally {
      await worker.close();
    }
  });
});
