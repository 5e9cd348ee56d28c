import { statementsOf } from '../support/statement-counter';
import { FEED_RECENT_SCAN_LIMIT } from '../../src/follows/feed.repository';
import { createArticle, TestArticle } from '../factories/articles.factory';
import { ignore } from '../factories/follows.factory';
import { registerReader, RegisteredReader } from '../factories/users.factory';
import { createIsolatedTestApp } from '../support/isolated-test-app';
import { TestApp } from '../support/test-app';

/**
 * The feed picks between two plans (the site's newest comments filtered by
 * followee, or a probe per followee). These tests check that both give exactly
 * the obvious answer, and that a reader who follows hundreds of active readers
 * no longer costs a probe per followee: they count the rows PostgreSQL reads,
 * not milliseconds. A database of its own keeps "the newest comments" ours.
 */
describe('the feed plans (e2e)', () => {
  let t: TestApp;
  let article: TestArticle;

  beforeAll(async () => {
    t = await createIsolatedTestApp();
    article = await createArticle(t.http);
  });
  afterAll(() => t.close());

  /** `count` new readers that `reader` follows, each with `commentsEach` comments spread over the last days. */
  async function followeesWithComments(reader: RegisteredReader, count: number, commentsEach: number, hoursAgo = 0): Promise<string[]> {
    const rows: { id: string }[] = await t.db.query(
      `WITH created AS (
         INSERT INTO users (email, display_name, role)
         SELECT 'feed-' || gen_random_uuid() || '@example.test', 'F ' || replace(gen_random_uuid()::text, '-', ''), 'reader'
         FROM generate_series(1, $1)
         RETURNING id
       ), followed AS (
         INSERT INTO follows (follower_id, followee_id) SELECT $2, id FROM created
       )
       SELECT id FROM created`,
      [count, reader.id],
    );
    const ids = rows.map((row) => row.id);
    await commentsBy(ids, commentsEach, hoursAgo);
    return ids;
  }

  async function commentsBy(authorIds: string[], commentsEach: number, hoursAgo = 0, status = 'visible'): Promise<void> {
    await t.db.query(
      `INSERT INTO comments (article_id, author_id, body, status, created_at)
       SELECT $1, a.id, 'Feed comment ' || n, $4, now() - make_interval(hours => $3) - random() * interval '48 hours'
       FROM unnest($2::uuid[]) AS a(id), generate_series(1, $5) AS n`,
      [article.id, authorIds, hoursAgo, status, commentsEach],
    );
  }

  async function strangers(count: number): Promise<string[]> {
    const rows: { id: string }[] = await t.db.query(
      `INSERT INTO users (email, display_name, role)
       SELECT 'stranger-' || gen_random_uuid() || '@example.test', 'S ' || replace(gen_random_uuid()::text, '-', ''), 'reader'
       FROM generate_series(1, $1) RETURNING id`,
      [count],
    );
    return rows.map((row) => row.id);
  }

  /** The feed by its definition, for comparison. */
  async function expectedFeed(reader: RegisteredReader): Promise<string[]> {
    const rows: { id: string }[] = await t.db.query(
      `SELECT c.id FROM comments c
       WHERE c.status = 'visible'
         AND c.author_id IN (SELECT followee_id FROM follows WHERE follower_id = $1)
         AND c.author_id NOT IN (SELECT ignored_user_id FROM ignores WHERE user_id = $1)
       ORDER BY c.created_at DESC, c.id DESC`,
      [reader.id],
    );
    return rows.map((row) => row.id);
  }

  /** Every page of the reader's feed, followed to the end. */
  async function wholeFeed(reader: RegisteredReader, limit: number): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=${limit}&cursor=${cursor}` : `?limit=${limit}`;
      const page = await t.http.get(`/api/v1/me/feed${query}`).set(reader.auth).expect(200);
      ids.push(...page.body.items.map((item: { id: string }) => item.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    return ids;
  }

  interface PlanNode {
    'Relation Name'?: string;
    'Actual Rows': number;
    'Actual Loops': number;
    Plans?: PlanNode[];
  }

  function rowsReadFrom(relation: string, node: PlanNode): number {
    const own = node['Relation Name'] === relation ? node['Actual Rows'] * node['Actual Loops'] : 0;
    return own + (node.Plans ?? []).reduce((sum, child) => sum + rowsReadFrom(relation, child), 0);
  }

  /** Rows of `comments` read by the feed's own statements for one page, from EXPLAIN ANALYZE of what it sent. */
  async function commentRowsReadForFirstPage(reader: RegisteredReader): Promise<number> {
    const { statements: calls } = await statementsOf(t, () => t.http.get('/api/v1/me/feed?limit=20').set(reader.auth).expect(200));
    const feedStatements = calls.filter(([sql]) => /FROM follows f/.test(sql) || /f\.follower_id = \$1/.test(sql));
    expect(feedStatements.length).toBeGreaterThan(0);
    let rows = 0;
    for (const [sql, parameters] of feedStatements) {
      const [{ 'QUERY PLAN': [plan] }] = await t.db.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, parameters);
      rows += rowsReadFrom('comments', plan.Plan as PlanNode);
    }
    return rows;
  }

  it('gives a reader who follows hundreds of active readers exactly the feed, reading a few rows per item rather than rows per followee', async () => {
    const reader = await registerReader(t.http);
    const followees = await followeesWithComments(reader, 300, 5);
    await commentsBy(await strangers(100), 5);
    await commentsBy(followees.slice(0, 50), 2, 0, 'hidden');
    const [ignored] = followees;
    await ignore(t.http, reader, { id: ignored } as RegisteredReader);
    // A site's worth of older comments, and the statistics autovacuum keeps: the plans of a real database, not of a tiny table.
    await commentsBy(await strangers(200), 100, 24 * 365);
    await t.db.query('ANALYZE comments, follows, ignores');

    expect(await wholeFeed(reader, 100)).toEqual(await expectedFeed(reader));
    // A probe per followee reads 300 × 5 comment rows; the newest-first walk reads about (page + 1) × 600 / 1,500.
    expect(await commentRowsReadForFirstPage(reader)).toBeLessThanOrEqual(5 * 21);
  });

  it('gives a reader who follows a few quiet readers exactly the feed, past the site\'s many newer comments', async () => {
    const reader = await registerReader(t.http);
    await followeesWithComments(reader, 3, 10, 24 * 30);
    await commentsBy(await strangers(50), Math.ceil((FEED_RECENT_SCAN_LIMIT + 200) / 50));
    const feed = await wholeFeed(reader, 7);
    expect(feed).toHaveLength(30);
    expect(feed).toEqual(await expectedFeed(reader));
  });

  it('pages a feed that ends inside the newest comments, and an empty one', async () => {
    const reader = await registerReader(t.http);
    await followeesWithComments(reader, 4, 3);
    expect(await wholeFeed(reader, 5)).toEqual(await expectedFeed(reader));
    const loner = await registerReader(t.http);
    expect((await t.http.get('/api/v1/me/feed').set(loner.auth).expect(200)).body).toEqual({ items: [], nextCursor: null });
  });
});
