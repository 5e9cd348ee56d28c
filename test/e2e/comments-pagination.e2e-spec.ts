import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { createArticle } from '../factories/articles.factory';
import { postComment } from '../factories/comments.factory';
import { registerReader, registerStaff, RegisteredReader } from '../factories/users.factory';
import { createTestApp, TestApp } from '../support/test-app';
import { countedStatements } from '../support/statement-count';

interface Item {
  id: string;
  replies?: Item[];
}

describe('comments pagination (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  async function walk(path: string, query: Record<string, string | number>, viewer?: RegisteredReader): Promise<{ ids: string[]; pages: number }> {
    const ids: string[] = [];
    let cursor: string | null | undefined;
    let pages = 0;
    do {
      const request = t.http.get(path).query({ ...query, ...(cursor ? { cursor } : {}) });
      const response = await (viewer ? request.set(viewer.auth) : request).expect(200);
      ids.push(...response.body.items.map((item: Item) => item.id));
      cursor = response.body.nextCursor;
      pages += 1;
      if (pages > 10) throw new Error('pagination does not end');
    } while (cursor);
    return { ids, pages };
  }

  /** Posts `count` comments (top-level, or replies spread over a thread), with shared timestamps to force id tie-breaks. */
  async function seed(articleId: string, count: number, rootId?: string): Promise<string[]> {
    const authors = [await registerReader(t.http), await registerReader(t.http), await registerReader(t.http)];
    const ids: string[] = [];
    for (let index = 0; index < count; index += 1) {
      const parentId = rootId ? (index % 4 === 3 ? ids[index - 1] : rootId) : undefined;
      ids.push((await postComment(t.http, authors[index % 3], articleId, parentId ? { parentId } : {})).id);
    }
    // groups of three share a creation time; reaction and reply counts repeat, so ties must be broken by id
    await t.db.query(
      `UPDATE comments c SET created_at = timestamptz '2026-01-01T00:00:00.123456Z' + make_interval(secs => (s.n / 3) * 7),
              reaction_count = s.n % 4, reply_count = CASE WHEN c.parent_id IS NULL THEN s.n % 3 ELSE c.reply_count END
         FROM unnest($1::uuid[]) WITH ORDINALITY AS s(id, n) WHERE c.id = s.id`,
      [ids],
    );
    return ids;
  }

  async function expectedOrder(orderBy: string, where: string, param: string): Promise<string[]> {
    const rows: { id: string }[] = await t.db.query(`SELECT id FROM comments WHERE ${where} ORDER BY ${orderBy}`, [param]);
    return rows.map((row) => row.id);
  }

  const TOP_LEVEL_ORDERS: Record<string, string> = {
    newest: 'created_at DESC, id DESC',
    oldest: 'created_at ASC, id ASC',
    top: 'reaction_count DESC, id DESC',
    replies: 'reply_count DESC, id DESC',
  };

  it.each(Object.keys(TOP_LEVEL_ORDERS))('walks a 45-comment thread sorted %s, limit 20, seeing each comment exactly once', async (sort) => {
    const article = await createArticle(t.http);
    const ids = await seed(article.id, 45);
    const reader = await registerReader(t.http);
    await postComment(t.http, reader, article.id, { parentId: ids[0] });
    const { ids: seen, pages } = await walk(`/api/v1/articles/${article.id}/comments`, { sort, limit: 20 });
    expect(pages).toBe(3);
    expect(seen).toHaveLength(45);
    expect(new Set(seen).size).toBe(45);
    expect(seen).toEqual(await expectedOrder(TOP_LEVEL_ORDERS[sort], 'article_id = $1 AND parent_id IS NULL', article.id));
  });

  it('walks 45 replies of one thread oldest first, limit 20, seeing each exactly once', async () => {
    const article = await createArticle(t.http);
    const author = await registerReader(t.http);
    const root = await postComment(t.http, author, article.id);
    await seed(article.id, 45, root.id);
    const { ids: seen, pages } = await walk(`/api/v1/comments/${root.id}/replies`, { limit: 20 });
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(45);
    expect(seen).toEqual(await expectedOrder('created_at ASC, id ASC', 'root_id = $1', root.id));
  });

  it('deep-link cursors land on the page that holds the comment', async () => {
    const article = await createArticle(t.http);
    const author = await registerReader(t.http);
    const root = await postComment(t.http, author, article.id);
    await seed(article.id, 45, root.id);
    const replies = await expectedOrder('created_at ASC, id ASC', 'root_id = $1', root.id);
    for (const position of [0, 1, 19, 20, 21, 33, 44]) {
      const target = replies[position];
      const { body } = await t.http.get(`/api/v1/comments/${target}`).expect(200);
      expect(body.context.rootId).toBe(root.id);
      const query = { limit: 20, ...(body.context.cursor ? { cursor: body.context.cursor } : {}) };
      const page = await t.http.get(`/api/v1/comments/${root.id}/replies`).query(query).expect(200);
      expect(page.body.items.map((item: Item) => item.id)).toContain(target);
      expect(page.body.items[0].id).toBe(target);
    }
    const topLevel = await seed(article.id, 25);
    const ordered = await expectedOrder('created_at ASC, id ASC', 'article_id = $1 AND parent_id IS NULL', article.id);
    for (const target of [topLevel[0], topLevel[12], topLevel[24]]) {
      const { body } = await t.http.get(`/api/v1/comments/${target}`).expect(200);
      expect(body.context.rootId).toBeNull();
      const query = { sort: body.context.sort, limit: 20, ...(body.context.cursor ? { cursor: body.context.cursor } : {}) };
      const page = await t.http.get(`/api/v1/articles/${article.id}/comments`).query(query).expect(200);
      expect(page.body.items[0].id).toBe(target);
      expect(ordered.indexOf(target)).toBeGreaterThanOrEqual(0);
    }
  });

  it('reads a thread in a fixed number of queries whatever the page holds (no N+1)', async () => {
    const article = await createArticle(t.http);
    const viewer = await registerReader(t.http);
    const authors = [await registerReader(t.http), await registerReader(t.http), await registerReader(t.http)];
    for (let index = 0; index < 20; index += 1) {
      const top = await postComment(t.http, authors[index % 3], article.id);
      const reply = await postComment(t.http, authors[(index + 1) % 3], article.id, { parentId: top.id });
      await postComment(t.http, authors[(index + 2) % 3], article.id, { parentId: reply.id });
      await postComment(t.http, authors[index % 3], article.id, { parentId: top.id });
      await postComment(t.http, authors[(index + 1) % 3], article.id, { parentId: top.id });
      if (index % 2 === 0) await t.http.put(`/api/v1/comments/${top.id}/reaction`).set(viewer.auth).expect(204);
    }
    const countQueries = async (limit: number, reader = viewer) => {
      const spy = jest.spyOn(PostgresQueryRunner.prototype, 'query');
      try {
        const response = await t.http.get(`/api/v1/articles/${article.id}/comments`).query({ limit }).set(reader.auth).expect(200);
        expect(response.body.items).toHaveLength(limit);
        expect(response.body.items.every((item: Item) => item.replies?.length === 3)).toBe(true);
        return countedStatements(spy.mock.calls);
      } finally {
        spy.mockRestore();
      }
    };
    const small = await countQueries(1);
    const large = await countQueries(20);
    expect(small).toBeGreaterThan(0);
    expect(large).toBe(small);
    // Staff always get the page read fresh (they see tombstones' bodies): still a fixed number.
    const moderator = await registerStaff(t.http, t.db, 'moderator');
    const freshSmall = await countQueries(1, moderator);
    expect(await countQueries(20, moderator)).toBe(freshSmall);
  });
});
