import { DomainEventMap, DomainEvents } from '../../src/common/events/domain-events';
import { TransactionContext } from '../../src/database/transaction-context';
import { createArticle } from '../factories/articles.factory';
import { registerReader, uniqueSuffix } from '../factories/users.factory';
import { createTestApp, TestApp } from '../support/test-app';

const BREAK_AFTER_COMMIT = '[break-the-after-commit-handler]';
const ROLL_BACK = '[roll-the-post-back]';

/** The value of `margin_after_commit_failures_total{event="…"}` in a /metrics scrape (0 when absent). */
async function afterCommitFailures(t: TestApp, event: string): Promise<number> {
  const text = (await t.http.get('/metrics').expect(200)).text;
  const line = text.split('\n').find((candidate) => candidate.startsWith(`margin_after_commit_failures_total{event="${event}"}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('domain events and the transaction context (e2e)', () => {
  let t: TestApp;
  const seenAfterCommit: { payload: DomainEventMap['comment.created']; committedRows: number }[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    const events = t.app.get(DomainEvents);
    events.onInTransaction('comment.created', async ({ commentId }) => {
      const [row]: { body: string }[] = await t.transactions.tx.query('SELECT body FROM comments WHERE id = $1', [commentId]);
      if (row.body.includes(ROLL_BACK)) throw new Error('this post must not stand');
    });
    events.onAfterCommit('comment.created', async (payload) => {
      // Read on another pool connection: the row is there only if the post has committed.
      const rows: unknown[] = await t.db.query('SELECT 1 FROM comments WHERE id = $1', [payload.commentId]);
      seenAfterCommit.push({ payload, committedRows: rows.length });
      const [row]: { body: string }[] = await t.db.query('SELECT body FROM comments WHERE id = $1', [payload.commentId]);
      if (row.body.includes(BREAK_AFTER_COMMIT)) throw new Error('the after-commit handler broke');
    });
  });
  afterAll(() => t.close());

  const url = (articleId: string) => `/api/v1/articles/${articleId}/comments`;

  it('runs after-commit handlers once the write has committed', async () => {
    const [article, author] = [await createArticle(t.http), await registerReader(t.http)];
    const posted = await t.http.post(url(article.id)).set(author.auth).send({ body: `Committed ${uniqueSuffix()}` }).expect(201);
    const seen = seenAfterCommit.filter((entry) => entry.payload.commentId === posted.body.id);
    expect(seen).toEqual([{ payload: expect.objectContaining({ commentId: posted.body.id, articleId: article.id }), committedRows: 1 }]);
  });

  it('never runs after-commit handlers of a write that rolled back', async () => {
    const [article, author] = [await createArticle(t.http), await registerReader(t.http)];
    const before = seenAfterCommit.length;
    const response = await t.http.post(url(article.id)).set(author.auth).send({ body: `${ROLL_BACK} ${uniqueSuffix()}` });
    expect(response.status).toBe(500);
    expect((await t.http.get(url(article.id)).expect(200)).body.items).toEqual([]);
    expect(seenAfterCommit.length).toBe(before);
  });

  it('logs and counts a failing after-commit handler; the committed write still succeeds', async () => {
    const [article, author] = [await createArticle(t.http), await registerReader(t.http)];
    const failuresBefore = await afterCommitFailures(t, 'comment.created');
    const body = `${BREAK_AFTER_COMMIT} ${uniqueSuffix()}`;
    const posted = await t.http.post(url(article.id)).set(author.auth).send({ body }).expect(201);
    expect(posted.body.body).toBe(body);
    expect((await t.http.get(`/api/v1/comments/${posted.body.id}`).expect(200)).body.id).toBe(posted.body.id);
    expect(await afterCommitFailures(t, 'comment.created')).toBe(failuresBefore + 1);
  });

  it('joins a nested unit of work to the outer transaction, so both roll back together', async () => {
    const article = await createArticle(t.http);
    const marker = `nested-${uniqueSuffix()}`;
    const outer = t.transactions.run(async () => {
      await t.transactions.run(async () => {
        await t.transactions.tx.query('UPDATE articles SET title = $2 WHERE id = $1', [article.id, marker]);
      });
      throw new Error('the outer unit fails after the inner one finished');
    });
    await expect(outer).rejects.toThrow('the outer unit fails');
    const [row]: { title: string | null }[] = await t.db.query('SELECT title FROM articles WHERE id = $1', [article.id]);
    expect(row.title).not.toBe(marker);
  });

  it('refuses after-commit work in a transaction UnitOfWork did not open (it would be dropped)', async () => {
    const article = await createArticle(t.http);
    const bare = t.app.get(TransactionContext).withTransaction(() => t.app.get(DomainEvents).publish('thread.changed', { articleId: article.id }));
    await expect(bare).rejects.toThrow('UnitOfWork did not open');
  });

  it('publishes outside a transaction straight through both kinds of handler', async () => {
    const events = t.app.get(DomainEvents);
    const calls: string[] = [];
    const article = await createArticle(t.http);
    events.onInTransaction('thread.changed', async ({ articleId }) => {
      if (articleId === article.id) calls.push('in-transaction');
    });
    events.onAfterCommit('thread.changed', async ({ articleId }) => {
      if (articleId === article.id) calls.push('after-commit');
    });
    await events.publish('thread.changed', { articleId: article.id });
    expect(calls).toEqual(['in-transaction', 'after-commit']);
  });
});
