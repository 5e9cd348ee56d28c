import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { READ_ONLY_KEY, WRITE_KEY } from '../../src/common/auth/auth.decorators';
import { createArticle } from '../factories/articles.factory';
import { postComment, reportComment } from '../factories/moderation.factory';
import { registerReader, registerStaff } from '../factories/users.factory';
import { expectProblem } from '../support/problem';
import { createTestApp, TestApp } from '../support/test-app';

/** Every handler the application serves, with its HTTP method and what it is marked with. */
function servedHandlers(t: TestApp): { route: string; method: RequestMethod; write: boolean; readOnly: boolean }[] {
  const handlers = [];
  for (const module of t.app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as { prototype: Record<string, unknown> } | null;
      if (!controller) continue;
      const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = controller.prototype[name];
        if (typeof handler !== 'function') continue;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (method === undefined) continue;
        handlers.push({
          route: `${RequestMethod[method]} ${base}/${String(Reflect.getMetadata(PATH_METADATA, handler) ?? '')}`,
          method,
          write: Reflect.getMetadata(WRITE_KEY, handler) === true,
          readOnly: Reflect.getMetadata(READ_ONLY_KEY, handler) === true,
        });
      }
    }
  }
  return handlers;
}

describe('writes are marked, not guessed from the HTTP method (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('every non-GET route is marked @Write() (or @AllowSanctioned()) or @ReadOnly(), never both', () => {
    const handlers = servedHandlers(t);
    expect(handlers.length).toBeGreaterThan(30);
    const unmarked = handlers.filter((handler) => handler.method !== RequestMethod.GET && handler.write === handler.readOnly);
    expect(unmarked.map((handler) => handler.route)).toEqual([]);
    expect(handlers.filter((handler) => handler.readOnly).map((handler) => handler.route)).toEqual(['POST articles/counts']);
  });

  it('a suspended or banned reader may use POST /articles/counts (a read), and still gets 403 on writes', async () => {
    const article = await createArticle(t.http);
    const suspended = await registerReader(t.http);
    const banned = await registerReader(t.http);
    await t.db.query(`UPDATE users SET suspended_until = now() + interval '1 day' WHERE id = $1`, [suspended.id]);
    await t.db.query(`UPDATE users SET banned_at = now() WHERE id = $1`, [banned.id]);
    for (const reader of [suspended, banned]) {
      const counts = await t.http.post('/api/v1/articles/counts').set(reader.auth).send({ ids: [article.id] }).expect(200);
      expect(counts.body.counts).toEqual({ [article.id]: 0 });
    }
    expectProblem(await t.http.post(`/api/v1/articles/${article.id}/comments`).set(suspended.auth).send({ body: 'Hello' }), 403, 'ACCOUNT_SUSPENDED');
    expectProblem(await t.http.post(`/api/v1/articles/${article.id}/comments`).set(banned.auth).send({ body: 'Hello' }), 403, 'ACCOUNT_BANNED');
  });

  it('a banned reader may still sign in with a stale token in the header (signing in is not a sanctioned write)', async () => {
    const reader = await registerReader(t.http);
    await t.db.query(`UPDATE users SET banned_at = now() WHERE id = $1`, [reader.id]);
    await t.http.post('/api/v1/auth/login').set(reader.auth).send({ email: reader.email, password: reader.password }).expect(200);
  });
});

describe('a ban ends every staff power, reads included (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  async function hiddenReportedComment() {
    const article = await createArticle(t.http);
    const author = await registerReader(t.http);
    const comment = await postComment(t.http, author, article.id);
    await reportComment(t.http, await registerReader(t.http), comment.id);
    const admin = await registerStaff(t.http, t.db, 'admin');
    return { article, comment, admin };
  }

  it('a banned moderator gets 403 ACCOUNT_BANNED on the queue and on comment history, and reads threads as a reader', async () => {
    const { article, comment, admin } = await hiddenReportedComment();
    const moderator = await registerStaff(t.http, t.db, 'moderator');
    await t.http.get('/api/v1/admin/queue?state=reported').set(moderator.auth).expect(200);
    await t.http.post(`/api/v1/admin/comments/${comment.id}/hide`).set(admin.auth).send({ reason: 'spam' }).expect(200);
    await t.db.query(`UPDATE users SET banned_at = now() WHERE id = $1`, [moderator.id]);

    expectProblem(await t.http.get('/api/v1/admin/queue?state=hidden').set(moderator.auth), 403, 'ACCOUNT_BANNED');
    expectProblem(await t.http.get(`/api/v1/admin/comments/${comment.id}/history`).set(moderator.auth), 403, 'ACCOUNT_BANNED');
    const seen = await t.http.get(`/api/v1/comments/${comment.id}`).set(moderator.auth).expect(200);
    expect(seen.body).toMatchObject({ status: 'hidden', body: null });
    const thread = await t.http.get(`/api/v1/articles/${article.id}/comments`).set(moderator.auth).expect(200);
    expect(thread.body.items[0]).toMatchObject({ id: comment.id, body: null });
  });

  it('a suspended moderator keeps moderator reads but cannot act', async () => {
    const { comment } = await hiddenReportedComment();
    const moderator = await registerStaff(t.http, t.db, 'moderator');
    await t.db.query(`UPDATE users SET suspended_until = now() + interval '1 day' WHERE id = $1`, [moderator.id]);
    await t.http.get('/api/v1/admin/queue?state=reported').set(moderator.auth).expect(200);
    await t.http.get(`/api/v1/admin/comments/${comment.id}/history`).set(moderator.auth).expect(200);
    expectProblem(await t.http.post(`/api/v1/admin/comments/${comment.id}/hide`).set(moderator.auth).send({ reason: 'spam' }), 403, 'ACCOUNT_SUSPENDED');
  });
});
