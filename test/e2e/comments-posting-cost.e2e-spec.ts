import { statementsOf } from '../support/statement-counter';
import { createArticle } from '../factories/articles.factory';
import { postComment } from '../factories/comments.factory';
import { registerReader, RegisteredReader, uniqueSuffix } from '../factories/users.factory';
import { createTestApp, TestApp } from '../support/test-app';

/**
 * Posting is bound by round trips to PostgreSQL: session check, BEGIN, the posting
 * call (locks, the moderation stamp, checks, insert and counters in one `comments_post`,
 * with the author's supporter status read in the same statement), the notification job and COMMIT.
 */
const STATEMENTS_PER_TOP_LEVEL_POST = 5;

describe('posting cost (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const countStatements = async (author: RegisteredReader, articleId: string, parentId?: string) => {
    const { result: response, statements } = await statementsOf(t, () =>
      t.http
        .post(`/api/v1/articles/${articleId}/comments`)
        .set(author.auth)
        .send({ body: `A thought ${uniqueSuffix()}`, ...(parentId ? { parentId } : {}) })
        .expect(201),
    );
    return { statements: statements.length, id: response.body.id as string };
  };

  it('posts a top-level comment in a fixed number of statements', async () => {
    const article = await createArticle(t.http);
    const author = await registerReader(t.http);
    await postComment(t.http, author, article.id); // the banned-words matcher is compiled once per settings version
    const topLevel = await countStatements(author, article.id);
    expect(topLevel.statements).toBeLessThanOrEqual(STATEMENTS_PER_TOP_LEVEL_POST);
  });

  it("answers the author's supporter status as it is now, read by the posting statement", async () => {
    const article = await createArticle(t.http);
    const author = await registerReader(t.http);
    const isSupporterOnPost = async () =>
      (await t.http.post(`/api/v1/articles/${article.id}/comments`).set(author.auth).send({ body: `A thought ${uniqueSuffix()}` }).expect(201)).body.author
        .isSupporter as boolean;
    expect(await isSupporterOnPost()).toBe(false);
    const grant = (validFrom: string, validUntil: string) =>
      t.db.query(
        `INSERT INTO supporter_entitlements (user_id, source, valid_from, valid_until, recurring)
         VALUES ($1, 'newsroom', now() + $2::interval, now() + $3::interval, false)
         ON CONFLICT (user_id) WHERE source = 'newsroom' DO UPDATE SET valid_from = EXCLUDED.valid_from, valid_until = EXCLUDED.valid_until, revoked_at = NULL`,
        [author.id, validFrom, validUntil],
      );
    await grant('-1 day', '-1 hour');
    expect(await isSupporterOnPost()).toBe(false);
    await grant('1 hour', '1 day');
    expect(await isSupporterOnPost()).toBe(false);
    await grant('-1 day', '1 day');
    expect(await isSupporterOnPost()).toBe(true);
    await t.db.query(`UPDATE supporter_entitlements SET revoked_at = now() WHERE user_id = $1`, [author.id]);
    expect(await isSupporterOnPost()).toBe(false);
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
