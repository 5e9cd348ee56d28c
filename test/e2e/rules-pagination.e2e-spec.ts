import { createArticle } from '../factories/articles.factory';
import { postComment } from '../factories/comments.factory';
import { follow } from '../factories/follows.factory';
import { registerReader } from '../factories/users.factory';
import { expectProblem } from '../support/problem';
import { createTestApp, TestApp } from '../support/test-app';

// Pagination rules of the contract, over HTTP: `limit` defaults to 20 and is at most
// 100, a cursor is opaque and anything forged or foreign is 400 INVALID_CURSOR (never
// a 500), and rows sharing a time down to the millisecond are each seen exactly once.
const forged = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
const SOME_ID = '0b7e1c1a-3c3f-4d55-9f5e-1a2b3c4d5e6f';

describe('pagination rules (e2e)', () => {
  let t: TestApp;
  let articleId: string;

  beforeAll(async () => {
    t = await createTestApp();
    articleId = (await createArticle(t.http)).id;
    const author = await registerReader(t.http);
    for (let i = 0; i < 21; i += 1) await postComment(t.http, author, articleId);
  });
  afterAll(() => t.close());

  const thread = (query: Record<string, string | number>) => t.http.get(`/api/v1/articles/${articleId}/comments`).query(query);

  it('serves 20 items by default and up to 100 on request', async () => {
    const byDefault = await thread({}).expect(200);
    expect(byDefault.body.items).toHaveLength(20);
    expect(byDefault.body.nextCursor).toEqual(expect.any(String));
    const rest = await thread({ cursor: byDefault.body.nextCursor }).expect(200);
    expect(rest.body.items).toHaveLength(1);
    expect(rest.body.nextCursor).toBeNull();
    expect((await thread({ limit: 100 }).expect(200)).body.items).toHaveLength(21);
    expect((await thread({ limit: 1 }).expect(200)).body.items).toHaveLength(1);
  });

  it('documents the paging parameters of every list in the OpenAPI document: limit 1..100, default 20, and the cursor', async () => {
    const document = (await t.http.get('/docs-json').expect(200)).body;
    for (const path of ['/api/v1/articles/{articleId}/comments', '/api/v1/users/{id}/following', '/api/v1/me/feed']) {
      const parameters: { name: string; schema: Record<string, unknown>; description?: string }[] = document.paths[path].get.parameters;
      expect(parameters.find((parameter) => parameter.name === 'limit')?.schema).toEqual(expect.objectContaining({ minimum: 1, maximum: 100, default: 20 }));
      expect(parameters.find((parameter) => parameter.name === 'cursor')?.description).toMatch(/nextCursor/);
    }
  });

  it('refuses a limit of 0, of 101 or that is not an integer', async () => {
    for (const limit of ['0', '101', '2.5', 'ten']) expectProblem(await thread({ limit }), 400, 'VALIDATION_FAILED');
  });

  it('refuses a cursor longer than 512 characters as bad input', async () => {
    expectProblem(await thread({ cursor: 'A'.repeat(513) }), 400, 'VALIDATION_FAILED');
  });

  it.each([
    ['mangled', '%%%not-a-cursor'],
    ['from a count sort, on a time sort', forged([3, SOME_ID])],
    ['in year 0, which PostgreSQL cannot compare', forged(['0000-01-01T00:00:00Z', SOME_ID])],
    ['at an offset PostgreSQL does not take', forged(['2026-01-01T00:00:00+20:00', SOME_ID])],
  ])('answers 400 INVALID_CURSOR to a cursor %s', async (_, cursor) => {
    expectProblem(await thread({ sort: 'newest', cursor }), 400, 'INVALID_CURSOR');
  });

  it('answers 400 INVALID_CURSOR to a time cursor on a count sort', async () => {
    const page = await thread({ sort: 'oldest', limit: 1 }).expect(200);
    expectProblem(await thread({ sort: 'top', cursor: page.body.nextCursor }), 400, 'INVALID_CURSOR');
  });

  it('walks a list of follows made within one millisecond, each exactly once, newest first', async () => {
    const reader = await registerReader(t.http);
    const followed = [];
    for (let i = 0; i < 5; i += 1) followed.push(await registerReader(t.http));
    for (const other of followed) await follow(t.http, reader, other);
    // five follows within the same millisecond, a microsecond apart: a cursor keeping
    // only milliseconds would skip or repeat some of them
    await t.db.query(
      `UPDATE follows f SET created_at = timestamptz '2026-01-01T00:00:00.123001Z' + make_interval(secs => s.n / 1000000.0)
         FROM unnest($2::uuid[]) WITH ORDINALITY AS s(id, n) WHERE f.follower_id = $1 AND f.followee_id = s.id`,
      [reader.id, followed.map((other) => other.id)],
    );
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const response = await t.http.get(`/api/v1/users/${reader.id}/following`).query({ limit: 2, ...(cursor ? { cursor } : {}) }).expect(200);
      const page = response.body as { items: { id: string }[]; nextCursor: string | null };
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
    } while (cursor && seen.length < 10);
    expect(seen).toEqual(followed.map((other) => other.id).reverse());
  });
});
