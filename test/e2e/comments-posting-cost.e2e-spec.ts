import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { createArticle } from '../factories/articles.factory';
import { postComment } from '../factories/comments.factory';
import { registerReader, RegisteredReader, uniqueSuffix } from '../factories/users.factory';
import { countedStatements } from '../support/statement-count';
import { createTestApp, TestApp } from '../support/test-app';

/**
 * Posting is bound by round trips to PostgreSQL: session check, BEGIN, the posting
 * call (locks, the moderation stamp, checks, insert and counters in one `comments_post`),
 * the notification job, COMMIT and the author's supporter status.
 */
const STATEMENTS_PER_TOP_LEVEL_POST = 6;

describe('posting cost (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const countStatements = async (author: RegisteredReader, articleId: string, parentId?: string) => {
    const spy = jest.spyOn(PostgresQueryRunner.prototype, 'query');
    try {
      const response = await t.http
        .post(`/api/v1/articles/${articleId}/comments`)
        .set(author.auth)
        .send({ body: `A thought ${uniqueSuffix()}`, ...(parentId ? { parentId } : {}) })
        .expect(201);
      return { statements: countedStatements(spy.mock.calls), id: response.body.id as string };
    } finally {
      spy.mockRestore();
    }
  };

  it('posts a top-level comment in a fixed number of statements', async () => {
    const article = await createArticle(t.http);
    const author = await registerReader(t.http);
    await postComment(t.http, author, article.id); // the banned-words matcher is compiled once per settings version
    const topLevel = await countStatements(author, article.id);
    expect(topLevel.statements).toBeLessThanOrEqual(STATEMENTS_PER_TOP_LEVEL_POST);
  });

  it('answers a comment in the same number of statements at any depth', async () => {
    const article = await createArticle(t.http);
    const [author, other] = [await registerReader(t.http), await registerReader(t.http)];
    const root = await postComment(t.http, other, article.id);
    const shallow = await countStatements(author, article.id, root.id);
    let parentId = shallow.id;
    for (let depth = 2; depth <= 4; depth += 1) parentId = (await postComment(t.http, depth % 2 ? author : other, article.id, { parentId })).id;
    const deep = await countStatements(author, article.id, parentId);
    expect(deep.statements).toBe(shallow.statements);
  });
});
