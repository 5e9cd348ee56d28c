import { DataSource } from 'typeorm';
import { SeededRandom, sentence } from './random';

export interface SeedShape {
  articles: number;
  readers: number;
  hotComments: number;
  bigComments: number;
  otherComments: number;
  followsPerReader: number;
  feedFollowees: number;
}

export const DEFAULT_SHAPE: SeedShape = {
  articles: 1000,
  readers: 2000,
  hotComments: 500,
  bigComments: 50_000,
  otherComments: 20,
  followsPerReader: 20,
  feedFollowees: 500,
};

export interface SeededData {
  readerIds: string[];
  articleIds: string[];
  /** Every article but the hot and the big one: posting workloads write here, so the pages the reads compare stay the same. */
  quietArticleIds: string[];
  hotArticleId: string;
  bigArticleId: string;
  busiestRootId: string;
  /** Its author, who may not recommend it (403): the reactions of `mixed` come from other readers. */
  busiestRootAuthorId: string;
  feedReaderId: string;
}

interface CommentRow {
  id: string;
  article_id: string;
  author_id: string;
  parent_id: string | null;
  root_id: string | null;
  depth: number;
  body: string;
  created_at: Date;
}

async function insertRows(db: DataSource, table: string, columns: string[], rows: unknown[][], batch = 1000) {
  for (let start = 0; start < rows.length; start += batch) {
    const chunk = rows.slice(start, start + batch);
    const params: unknown[] = [];
    const tuples = chunk.map((row) => `(${row.map((value) => `$${params.push(value)}`).join(', ')})`);
    await db.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`, params);
  }
}

/** One comment by a random reader, top-level or answering `parent`. */
function commentRow(random: SeededRandom, articleId: string, readerIds: string[], parent: CommentRow | null, clock: number): CommentRow {
  return {
    id: random.uuid(),
    article_id: articleId,
    author_id: random.pick(readerIds),
    parent_id: parent?.id ?? null,
    root_id: parent ? (parent.root_id ?? parent.id) : null,
    depth: parent ? parent.depth + 1 : 0,
    body: sentence(random, 100, 600),
    created_at: new Date(clock),
  };
}

/** Builds one article's thread: `topShare` of comments top-level, the rest replies down to depth 4. */
function thread(random: SeededRandom, articleId: string, count: number, readerIds: string[], start: Date, topShare = 0.3): CommentRow[] {
  const rows: CommentRow[] = [];
  let clock = start.getTime();
  for (let index = 0; index < count; index += 1) {
    clock += random.int(1_000, 60_000);
    const candidates = rows.filter((row) => row.depth < 4);
    const isTop = rows.length === 0 || random.next() < topShare || candidates.length === 0;
    const parent = isTop ? null : candidates[Math.max(0, candidates.length - 1 - random.int(0, Math.min(40, candidates.length - 1)))];
    rows.push(commentRow(random, articleId, readerIds, parent, clock));
  }
  return rows;
}

/** A large thread without the quadratic parent search: parents picked from a sliding window. */
function bigThread(random: SeededRandom, articleId: string, count: number, readerIds: string[], start: Date): CommentRow[] {
  const rows: CommentRow[] = [];
  const window: CommentRow[] = [];
  let clock = start.getTime();
  for (let index = 0; index < count; index += 1) {
    clock += random.int(200, 5_000);
    const parent = window.length > 0 && random.next() >= 0.3 ? random.pick(window) : null;
    const row = commentRow(random, articleId, readerIds, parent, clock);
    rows.push(row);
    if (row.depth < 4) {
      window.push(row);
      if (window.length > 200) window.shift();
    }
  }
  return rows;
}

/** Seeds the benchmark data set through the database layer with a fixed seed. */
export async function seed(db: DataSource, passwordHash: string, shape: SeedShape = DEFAULT_SHAPE, seedValue = 42): Promise<SeededData> {
  const random = new SeededRandom(seedValue);
  const base = new Date('2026-01-01T00:00:00Z');

  const readerIds = Array.from({ length: shape.readers }, () => random.uuid());
  await insertRows(
    db,
    'users',
    ['id', 'email', 'display_name', 'password_hash', 'created_at'],
    readerIds.map((id, index) => [id, `reader${index}@bench.test`, `Bench reader ${index}`, passwordHash, base]),
  );

  const articleIds = Array.from({ length: shape.articles }, (_, index) => `bench-article-${index}`);
  await insertRows(
    db,
    'articles',
    ['id', 'title', 'url', 'published_at'],
    articleIds.map((id) => [id, `Story ${id}`, `https://news.example/${id}`, base]),
  );
  const [hotArticleId, bigArticleId] = articleIds;

  const comments: CommentRow[] = [
    ...thread(random, hotArticleId, shape.hotComments, readerIds, base),
    ...bigThread(random, bigArticleId, shape.bigComments, readerIds, base),
    ...articleIds.slice(2).flatMap((id) => thread(random, id, shape.otherComments, readerIds, base)),
  ];
  await insertRows(
    db,
    'comments',
    ['id', 'article_id', 'author_id', 'parent_id', 'root_id', 'depth', 'body', 'created_at'],
    comments.map((row) => [row.id, row.article_id, row.author_id, row.parent_id, row.root_id, row.depth, row.body, row.created_at]),
    500,
  );

  const reactions = new Set<string>();
  for (const comment of comments.slice(0, shape.hotComments)) {
    const count = random.int(0, 15);
    for (let index = 0; index < count; index += 1) reactions.add(`${comment.id}|${random.pick(readerIds)}`);
  }
  await insertRows(db, 'comment_reactions', ['comment_id', 'user_id'], [...reactions].map((key) => key.split('|')));

  const feedReaderId = readerIds[0];
  const follows = new Set<string>();
  for (const followee of readerIds.slice(1, 1 + shape.feedFollowees)) follows.add(`${feedReaderId}|${followee}`);
  for (const follower of readerIds.slice(1)) {
    for (let index = 0; index < shape.followsPerReader; index += 1) {
      const followee = random.pick(readerIds);
      if (followee !== follower) follows.add(`${follower}|${followee}`);
    }
  }
  await insertRows(db, 'follows', ['follower_id', 'followee_id'], [...follows].map((key) => key.split('|')));

  await recomputeCounters(db);
  const [busiest] = await db.query(
    `SELECT id, author_id FROM comments WHERE article_id = $1 AND parent_id IS NULL ORDER BY reply_count DESC, id DESC LIMIT 1`,
    [hotArticleId],
  );
  // What autovacuum would have done on a live database: statistics, and the visibility map for index-only scans.
  await db.query('VACUUM ANALYZE');
  return { readerIds, articleIds, quietArticleIds: articleIds.slice(2), hotArticleId, bigArticleId, busiestRootId: busiest.id, busiestRootAuthorId: busiest.author_id, feedReaderId };
}

/** Sets every stored counter from the rows, as the app would have kept them. */
async function recomputeCounters(db: DataSource) {
  await db.query(`UPDATE comments c SET reaction_count = r.n FROM (SELECT comment_id, count(*)::int n FROM comment_reactions GROUP BY 1) r WHERE r.comment_id = c.id`);
  await db.query(
    `WITH RECURSIVE tree(ancestor_id, id) AS (
       SELECT parent_id, id FROM comments WHERE parent_id IS NOT NULL
       UNION ALL
       SELECT c.parent_id, t.id FROM tree t JOIN comments c ON c.id = t.ancestor_id WHERE c.parent_id IS NOT NULL
     )
     UPDATE comments c SET reply_count = d.n FROM (SELECT ancestor_id, count(*)::int n FROM tree GROUP BY 1) d WHERE d.ancestor_id = c.id`,
  );
  await db.query(`UPDATE articles a SET comment_count = s.n FROM (SELECT article_id, count(*)::int n FROM comments GROUP BY 1) s WHERE s.article_id = a.id`);
  await db.query(`UPDATE users u SET comment_count = s.n FROM (SELECT author_id, count(*)::int n FROM comments GROUP BY 1) s WHERE s.author_id = u.id`);
  await db.query(`UPDATE users u SET follower_count = s.n FROM (SELECT followee_id, count(*)::int n FROM follows GROUP BY 1) s WHERE s.followee_id = u.id`);
  await db.query(`UPDATE users u SET following_count = s.n FROM (SELECT follower_id, count(*)::int n FROM follows GROUP BY 1) s WHERE s.follower_id = u.id`);
}

export interface FanOutShape {
  /** Readers who post during `fanout-lag`, each with a uniform 0–maxFollowers extra followers. */
  authors: number;
  maxFollowers: number;
  /** One more author followed by the whole pool. */
  famousFollowers: number;
}

export const DEFAULT_FAN_OUT_SHAPE: FanOutShape = { authors: 200, maxFollowers: 1000, famousFollowers: 50_000 };

export interface FanOutData {
  authorIds: string[];
  /** Followers per author as seeded (existing follows included): the notifications each post must cause. */
  followersOf: Map<string, number>;
}

/**
 * The `fanout-lag` data: a pool of `famousFollowers` silent readers; existing
 * readers become authors followed by a consecutive slice of the pool (0 to
 * `maxFollowers` long), and one is followed by all of it.
 */
export async function seedFanOut(db: DataSource, data: SeededData, shape: FanOutShape = DEFAULT_FAN_OUT_SHAPE, seedValue = 43): Promise<FanOutData> {
  const random = new SeededRandom(seedValue);
  const poolIds = Array.from({ length: shape.famousFollowers }, () => random.uuid());
  await insertRows(
    db,
    'users',
    ['id', 'email', 'display_name'],
    poolIds.map((id, index) => [id, `fan${index}@bench.test`, `Bench fan ${index}`]),
  );
  const authorIds = data.readerIds.slice(1000, 1000 + shape.authors + 1);
  const follows: string[][] = [];
  authorIds.forEach((authorId, index) => {
    const count = index === authorIds.length - 1 ? shape.famousFollowers : random.int(0, shape.maxFollowers);
    const start = random.int(0, poolIds.length - 1);
    for (let offset = 0; offset < count; offset += 1) follows.push([poolIds[(start + offset) % poolIds.length], authorId]);
  });
  await insertRows(db, 'follows', ['follower_id', 'followee_id'], follows);
  await recomputeCounters(db);
  await db.query('VACUUM ANALYZE follows');
  const rows: { followee_id: string; n: number }[] = await db.query(
    `SELECT followee_id, count(*)::int AS n FROM follows WHERE followee_id = ANY($1::uuid[]) GROUP BY followee_id`,
    [authorIds],
  );
  const followersOf = new Map(authorIds.map((id) => [id, 0]));
  for (const row of rows) followersOf.set(row.followee_id, row.n);
  return { authorIds, followersOf };
}
