import { createArticle } from '../factories/articles.factory';
import { runJobs } from '../factories/notifications.factory';
import { registerReader, registerStaff, RegisteredReader, uniqueSuffix } from '../factories/users.factory';
import { expectProblem } from '../support/problem';
import { createTestApp, TestApp } from '../support/test-app';

const PROFILE_KEYS = ['bio', 'commentCount', 'createdAt', 'displayName', 'followerCount', 'followingCount', 'id', 'isSupporter', 'role'];

/** The contract's "Follows, ignores, feed, notifications" section, line by line, over HTTP only. */
describe('contract: follows, ignores, feed, notifications (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const postOk = async (reader: RegisteredReader, articleId: string, body: Record<string, unknown> = {}) =>
    (await t.http.post(`/api/v1/articles/${articleId}/comments`).set(reader.auth).send({ body: `words ${uniqueSuffix()}`, ...body }).expect(201)).body;
  const inbox = async (reader: RegisteredReader, query: Record<string, string> = {}) =>
    (await t.http.get('/api/v1/me/notifications').set(reader.auth).query(query).expect(200)).body;

  describe('follows', () => {
    it('"PUT /users/:id/follow | reader | 204, idempotent; 400 FOLLOW_SELF"', async () => {
      const [fan, writer] = [await registerReader(t.http), await registerReader(t.http)];
      expectProblem(await t.http.put(`/api/v1/users/${writer.id}/follow`), 401, 'UNAUTHENTICATED');
      await t.http.put(`/api/v1/users/${writer.id}/follow`).set(fan.auth).expect(204);
      await t.http.put(`/api/v1/users/${writer.id}/follow`).set(fan.auth).expect(204);
      expect((await t.http.get(`/api/v1/users/${writer.id}`).expect(200)).body.followerCount).toBe(1);
      expect((await t.http.get(`/api/v1/users/${fan.id}`).expect(200)).body.followingCount).toBe(1);
      expectProblem(await t.http.put(`/api/v1/users/${fan.id}/follow`).set(fan.auth), 400, 'FOLLOW_SELF');
      expectProblem(await t.http.put('/api/v1/users/00000000-0000-4000-8000-000000000000/follow').set(fan.auth), 404, 'USER_NOT_FOUND');
    });

    it('"DELETE /users/:id/follow | reader | 204, idempotent"', async () => {
      const [fan, writer] = [await registerReader(t.http), await registerReader(t.http)];
      await t.http.put(`/api/v1/users/${writer.id}/follow`).set(fan.auth).expect(204);
      await t.http.delete(`/api/v1/users/${writer.id}/follow`).set(fan.auth).expect(204);
      await t.http.delete(`/api/v1/users/${writer.id}/follow`).set(fan.auth).expect(204);
      expect((await t.http.get(`/api/v1/users/${writer.id}`).expect(200)).body.followerCount).toBe(0);
    });

    it('"GET /users/:id/followers, …/following | public | page of profiles, newest follow first"', async () => {
      const writer = await registerReader(t.http);
      const fans = [await registerReader(t.http), await registerReader(t.http), await registerReader(t.http)];
      for (const fan of fans) await t.http.put(`/api/v1/users/${writer.id}/follow`).set(fan.auth).expect(204);
      const followers = await t.http.get(`/api/v1/users/${writer.id}/followers`).expect(200);
      expect(followers.body.items.map((p: { id: string }) => p.id)).toEqual(fans.map((f) => f.id).reverse());
      expect(Object.keys(followers.body.items[0]).sort()).toEqual(PROFILE_KEYS);
      expect(followers.body.nextCursor).toBeNull();
      const paged = await t.http.get(`/api/v1/users/${writer.id}/followers?limit=2`).expect(200);
      const rest = await t.http.get(`/api/v1/users/${writer.id}/followers`).query({ limit: 2, cursor: paged.body.nextCursor }).expect(200);
      expect(rest.body.items.map((p: { id: string }) => p.id)).toEqual([fans[0].id]);

      const [w1, w2] = [await registerReader(t.http), await registerReader(t.http)];
      await t.http.put(`/api/v1/users/${w1.id}/follow`).set(fans[0].auth).expect(204);
      await t.http.put(`/api/v1/users/${w2.id}/follow`).set(fans[0].auth).expect(204);
      const following = await t.http.get(`/api/v1/users/${fans[0].id}/following`).expect(200);
      expect(following.body.items.map((p: { id: string }) => p.id)).toEqual([w2.id, w1.id, writer.id]);
    });
  });

  it('"GET /me/feed | reader | page of visible comments written by readers the viewer follows, newest first"', async () => {
    const article = await createArticle(t.http);
    const [viewer, followed, stranger] = [await registerReader(t.http), await registerReader(t.http), await registerReader(t.http)];
    const moderator = await registerStaff(t.http, t.db, 'moderator');
    await t.http.put(`/api/v1/users/${followed.id}/follow`).set(viewer.auth).expect(204);
    const first = await postOk(followed, article.id);
    await postOk(stranger, article.id);
    const hidden = await postOk(followed, article.id);
    const second = await postOk(followed, article.id);
    await t.http.post(`/api/v1/admin/comments/${hidden.id}/hide`).set(moderator.auth).send({ reason: 'spam' }).expect(200);
    const feed = await t.http.get('/api/v1/me/feed').set(viewer.auth).expect(200);
    expect(feed.body.items.map((c: { id: string }) => c.id)).toEqual([second.id, first.id]);
    expect(feed.body.items[0]).toEqual(expect.objectContaining({ articleId: article.id, author: expect.objectContaining({ id: followed.id }) }));
    expectProblem(await t.http.get('/api/v1/me/feed'), 401, 'UNAUTHENTICATED');
  });

  describe('ignores', () => {
    it('"PUT /me/ignores/:userId, DELETE …, GET /me/ignores | reader"', async () => {
      const [viewer, a, b] = [await registerReader(t.http), await registerReader(t.http), await registerReader(t.http)];
      await t.http.put(`/api/v1/me/ignores/${a.id}`).set(viewer.auth).expect(204);
      await t.http.put(`/api/v1/me/ignores/${a.id}`).set(viewer.auth).expect(204);
      await t.http.put(`/api/v1/me/ignores/${b.id}`).set(viewer.auth).expect(204);
      const list = await t.http.get('/api/v1/me/ignores').set(viewer.auth).expect(200);
      expect(list.body.items.map((p: { id: string }) => p.id).sort()).toEqual([a.id, b.id].sort());
      expect(list.body).toHaveProperty('nextCursor', null);
      await t.http.delete(`/api/v1/me/ignores/${a.id}`).set(viewer.auth).expect(204);
      await t.http.delete(`/api/v1/me/ignores/${a.id}`).set(viewer.auth).expect(204);
      const after = await t.http.get('/api/v1/me/ignores').set(viewer.auth).expect(200);
      expect(after.body.items.map((p: { id: string }) => p.id)).toEqual([b.id]);
      expectProblem(await t.http.get('/api/v1/me/ignores'), 401, 'UNAUTHENTICATED');
    });

    it('"their comments are left out of what the viewer reads" (replies and the feed too)', async () => {
      const article = await createArticle(t.http);
      const [viewer, ignored, other] = [await registerReader(t.http), await registerReader(t.http), await registerReader(t.http)];
      const root = await postOk(other, article.id);
      await postOk(ignored, article.id, { parentId: root.id });
      const kept = await postOk(other, article.id, { parentId: root.id });
      await t.http.put(`/api/v1/users/${ignored.id}/follow`).set(viewer.auth).expect(204);
      await t.http.put(`/api/v1/me/ignores/${ignored.id}`).set(viewer.auth).expect(204);
      const replies = await t.http.get(`/api/v1/comments/${root.id}/replies`).set(viewer.auth).expect(200);
      expect(replies.body.items.map((c: { id: string }) => c.id)).toEqual([kept.id]);
      const feed = await t.http.get('/api/v1/me/feed').set(viewer.auth).expect(200);
      expect(feed.body.items).toEqual([]);
    });

    it('"they cause no notifications to the viewer"', async () => {
      const article = await createArticle(t.http);
      const [viewer, ignored] = [await registerReader(t.http), await registerReader(t.http)];
      const mine = await postOk(viewer, article.id);
      await t.http.put(`/api/v1/me/ignores/${ignored.id}`).set(viewer.auth).expect(204);
      await postOk(ignored, article.id, { parentId: mine.id });
      await t.http.put(`/api/v1/users/${viewer.id}/follow`).set(ignored.auth).expect(204);
      await runJobs(t);
      expect((await inbox(viewer)).items).toEqual([]);
      expect((await t.http.get('/api/v1/me').set(viewer.auth).expect(200)).body.unreadNotifications).toBe(0);
    });
  });

  describe('notifications', () => {
    it('"page of {id, type, createdAt, readAt, actor, comment}": reply (someone answered my comment)', async () => {
      const article = await createArticle(t.http);
      const [me, replier] = [await registerReader(t.http), await registerReader(t.http)];
      const mine = await postOk(me, article.id);
      const reply = await postOk(replier, article.id, { parentId: mine.id, body: 'An answer' });
      await runJobs(t);
      const page = await inbox(me);
      expect(page.items).toHaveLength(1);
      expect(page.items[0]).toEqual(
        expect.objectContaining({
          id: expect.any(String),
          type: 'reply',
          createdAt: expect.any(String),
          readAt: null,
          actor: expect.objectContaining({ id: replier.id, displayName: replier.displayName }),
          comment: expect.objectContaining({ id: reply.id, body: 'An answer' }),
        }),
      );
      // `comment` is the contract's comment shape, as the recipient sees it.
      for (const key of ['id', 'articleId', 'parentId', 'rootId', 'depth', 'body', 'status', 'author', 'inReplyTo', 'createdAt', 'editedAt', 'replyCount', 'reactionCount', 'viewerReacted', 'featured']) {
        expect(page.items[0].comment).toHaveProperty(key);
      }
      expect(page.items[0].comment.author).toEqual({ id: replier.id, displayName: replier.displayName, role: 'reader', isSupporter: false });
      expect(page).toHaveProperty('nextCursor', null);
      expect((await t.http.get('/api/v1/me').set(me.auth).expect(200)).body.unreadNotifications).toBe(1);
    });

    it('types follow (someone followed me) and followed_comment (a reader I follow posted)', async () => {
      const article = await createArticle(t.http);
      const [me, writer] = [await registerReader(t.http), await registerReader(t.http)];
      await t.http.put(`/api/v1/users/${me.id}/follow`).set(writer.auth).expect(204);
      await t.http.put(`/api/v1/users/${writer.id}/follow`).set(me.auth).expect(204);
      const posted = await postOk(writer, article.id);
      await runJobs(t);
      const items = (await inbox(me)).items;
      expect(items.map((n: { type: string }) => n.type)).toEqual(['followed_comment', 'follow']);
      expect(items[0]).toEqual(expect.objectContaining({ actor: expect.objectContaining({ id: writer.id }), comment: expect.objectContaining({ id: posted.id }) }));
      expect(items[1]).toEqual(expect.objectContaining({ actor: expect.objectContaining({ id: writer.id }), comment: null }));
    });

    it('type moderation (my comment was hidden or approved)', async () => {
      const article = await createArticle(t.http);
      const me = await registerReader(t.http);
      const moderator = await registerStaff(t.http, t.db, 'moderator');
      const hidden = await postOk(me, article.id);
      await t.http.post(`/api/v1/admin/comments/${hidden.id}/hide`).set(moderator.auth).send({ reason: 'spam' }).expect(200);
      await runJobs(t);
      const items = (await inbox(me)).items;
      expect(items.map((n: { type: string; comment: { id: string } }) => [n.type, n.comment.id])).toEqual([['moderation', hidden.id]]);
    });

    it('"?unread=true" and "POST /me/notifications/read {ids} or {all: true} → 204"', async () => {
      const [me, a, b, c] = [await registerReader(t.http), await registerReader(t.http), await registerReader(t.http), await registerReader(t.http)];
      for (const fan of [a, b, c]) await t.http.put(`/api/v1/users/${me.id}/follow`).set(fan.auth).expect(204);
      await runJobs(t);
      const all = (await inbox(me)).items;
      expect(all).toHaveLength(3);
      await t.http.post('/api/v1/me/notifications/read').set(me.auth).send({ ids: [all[0].id] }).expect(204);
      const unread = (await inbox(me, { unread: 'true' })).items;
      expect(unread.map((n: { id: string }) => n.id)).toEqual([all[1].id, all[2].id]);
      expect((await inbox(me)).items[0].readAt).toEqual(expect.any(String));
      await t.http.post('/api/v1/me/notifications/read').set(me.auth).send({ all: true }).expect(204);
      expect((await inbox(me, { unread: 'true' })).items).toEqual([]);
      expect((await t.http.get('/api/v1/me').set(me.auth).expect(200)).body.unreadNotifications).toBe(0);
      expectProblem(await t.http.post('/api/v1/me/notifications/read').set(me.auth).send({}), 400, 'VALIDATION_FAILED');
      expectProblem(await t.http.post('/api/v1/me/notifications/read').send({ all: true }), 401, 'UNAUTHENTICATED');
    });
  });
});
