import { Response } from 'supertest';
import { createArticle } from '../factories/articles.factory';
import { postComment } from '../factories/comments.factory';
import { registerReader, registerStaff } from '../factories/users.factory';
import { createTestApp, TestApp } from '../support/test-app';

const ROUNDS = 20;
const SPREAD_STEP_MS = 15;
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What a write racing its author's erasure may answer: done, or refused with a 4xx the contract names. */
const REFUSALS = [401, 403, 404, 409];

describe('account erasure racing every other write (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  // Rounds run one after another, so the default 30 s is too short on a busy two-core machine.
  it(`answers every request with 2xx or 4xx over ${ROUNDS} rounds, and leaves nothing of the reader behind`, async () => {
    const moderator = await registerStaff(t.http, t.db, 'moderator');
    const answers: { name: string; status: number }[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const [article, otherArticle] = await Promise.all([createArticle(t.http), createArticle(t.http)]);
      const [reader, neighbour] = await Promise.all([registerReader(t.http), registerReader(t.http)]);
      const own = await postComment(t.http, reader, article.id);
      const elsewhere = await postComment(t.http, reader, otherArticle.id);
      const doomed = await postComment(t.http, reader, otherArticle.id);
      const theirs = await postComment(t.http, neighbour, article.id);
      const calls: Record<string, () => Promise<Response>> = {
        erase: () => t.http.delete('/api/v1/me').set(reader.auth).send({ password: reader.password }),
        post: () => t.http.post(`/api/v1/articles/${article.id}/comments`).set(reader.auth).send({ body: `new ${round}` }),
        reply: () =>
          t.http.post(`/api/v1/articles/${article.id}/comments`).set(reader.auth).send({ body: `reply ${round}`, parentId: theirs.id }),
        answered: () =>
          t.http.post(`/api/v1/articles/${article.id}/comments`).set(neighbour.auth).send({ body: `answer ${round}`, parentId: own.id }),
        react: () => t.http.put(`/api/v1/comments/${theirs.id}/reaction`).set(reader.auth),
        reacted: () => t.http.put(`/api/v1/comments/${own.id}/reaction`).set(neighbour.auth),
        report: () => t.http.post(`/api/v1/comments/${theirs.id}/reports`).set(reader.auth).send({ reason: 'spam', note: 'mine' }),
        follow: () => t.http.put(`/api/v1/users/${neighbour.id}/follow`).set(reader.auth),
        followed: () => t.http.put(`/api/v1/users/${reader.id}/follow`).set(neighbour.auth),
        ignore: () => t.http.put(`/api/v1/me/ignores/${neighbour.id}`).set(reader.auth),
        ignored: () => t.http.put(`/api/v1/me/ignores/${reader.id}`).set(neighbour.auth),
        edit: () => t.http.patch(`/api/v1/comments/${elsewhere.id}`).set(reader.auth).send({ body: `edited ${round}` }),
        delete: () => t.http.delete(`/api/v1/comments/${doomed.id}`).set(reader.auth),
        hide: () => t.http.post(`/api/v1/admin/comments/${own.id}/hide`).set(moderator.auth).send({ reason: 'spam' }),
      };
      // Erasure checks the password (slow by design) before its transaction: each write starts a little
      // later, spread differently every round, so some land before, during and after the erasure's locks.
      const responses = new Map(
        await Promise.all(
          Object.entries(calls).map(async ([name, call], index) => {
            if (name !== 'erase') await delay(((round * 7 + index * 13) % 10) * SPREAD_STEP_MS);
            return [name, await call()] as const;
          }),
        ),
      );
      const status = (name: string) => (responses.get(name) as Response).status;
      answers.push(...[...responses].map(([name, response]) => ({ name, status: response.status })));
      expect(status('erase')).toBe(204);

      // Whatever won each race, nothing written by or to the reader is left attached to them.
      const count = async (sql: string, params: unknown[]) => Number((await t.db.query(sql, params))[0].n);
      expect(await count('SELECT count(*) AS n FROM comments WHERE author_id = $1', [reader.id])).toBe(0);
      expect(await count('SELECT count(*) AS n FROM follows WHERE $1 IN (follower_id, followee_id)', [reader.id])).toBe(0);
      expect(await count('SELECT count(*) AS n FROM ignores WHERE $1 IN (user_id, ignored_user_id)', [reader.id])).toBe(0);
      expect(await count('SELECT count(*) AS n FROM comment_reports WHERE reporter_id = $1', [reader.id])).toBe(0);
      expect(await count('SELECT count(*) AS n FROM notifications WHERE recipient_id = $1', [reader.id])).toBe(0);
      // Recommendations are kept by erasure (counted, never shown), but only one made while the account lived.
      const reactions = await count('SELECT count(*) AS n FROM comment_reactions WHERE user_id = $1', [reader.id]);
      expect(reactions).toBe(status('react') === 204 ? 1 : 0);
      for (const name of ['post', 'reply']) {
        const response = responses.get(name) as Response;
        if (response.status !== 201) continue;
        // Posted before the erasure committed: it stays only as an authorless, bodiless tombstone.
        const [row] = await t.db.query('SELECT author_id, body, status FROM comments WHERE id = $1', [response.body.id]);
        expect(row).toEqual({ author_id: null, body: null, status: 'deleted' });
      }

      // Every counter still matches the rows it counts.
      const drift = await t.db.query(
        `SELECT a.id FROM articles a WHERE a.id = ANY($1)
            AND a.comment_count <> (SELECT count(*) FROM comments c WHERE c.article_id = a.id AND c.status = 'visible')`,
        [[article.id, otherArticle.id]],
      );
      expect(drift).toEqual([]);
      const replyDrift = await t.db.query(
        `SELECT p.id FROM comments p WHERE p.article_id = $1 AND p.parent_id IS NULL
            AND p.reply_count <> (SELECT count(*) FROM comments c WHERE c.root_id = p.id AND c.status = 'visible')`,
        [article.id],
      );
      expect(replyDrift).toEqual([]);
      const reactionDrift = await t.db.query(
        `SELECT c.id FROM comments c WHERE c.article_id = $1
            AND c.reaction_count <> (SELECT count(*) FROM comment_reactions r WHERE r.comment_id = c.id)`,
        [article.id],
      );
      expect(reactionDrift).toEqual([]);
      const [counts] = await t.db.query('SELECT follower_count, following_count FROM users WHERE id = $1', [neighbour.id]);
      expect(counts).toEqual({ follower_count: 0, following_count: 0 });
    }
    expect(answers.filter((answer) => answer.status >= 500)).toEqual([]);
    expect(answers.filter((answer) => answer.status >= 300 && !REFUSALS.includes(answer.status))).toEqual([]);
  }, 120_000);
});
