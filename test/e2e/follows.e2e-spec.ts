import { createArticle } from '../factories/articles.factory';
import { postComment } from '../factories/comments.factory';
import { postCommentAs } from '../factories/comments-direct.factory';
import { follow, ignore } from '../factories/follows.factory';
import { registerReader } from '../factories/users.factory';
import { expectProblem } from '../support/problem';
import { createIsolatedTestApp } from '../support/isolated-test-app';
import { TestApp } from '../support/test-app';

describe('follows, ignores and the feed (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createIsolatedTestApp(); // pending comments come from a site-wide banned word
  });
  afterAll(() => t.close());

  const profileOf = (id: string) => t.http.get(`/api/v1/users/${id}`).expect(200).then((response) => response.body);

  describe('PUT /api/v1/users/:id/follow', () => {
    it('follows a reader and moves both counters once, however often it is repeated', async () => {
      const [reader, writer] = [await registerReader(t.http), await registerReader(t.http)];
      await t.http.put(`/api/v1/users/${writer.id}/follow`).set(reader.auth).expect(204);
      await t.http.put(`/api/v1/users/${writer.id}/follow`).set(reader.auth).expect(204);
      expect((await profileOf(writer.id)).followerCount).toBe(1);
      expect((await profileOf(reader.id)).followingCount).toBe(1);
    });

    it('leaves one row and a follower count of 1 after 20 concurrent follows', async () => {
      const [reader, writer] = [await registerReader(t.http), await registerReader(t.http)];
      const statuses = await Promise.all(
        Array.from({ length: 20 }, () => t.http.put(`/api/v1/users/${writer.id}/follow`).set(reader.auth).then((r) => r.status)),
      );
      expect(new Set(statuses)).toEqual(new Set([204]));
      const [{ count }] = await t.db.query('SELECT count(*)::int AS count FROM follows WHERE followee_id = $1', [writer.id]);
      expect(count).toBe(1);
      expect((await profileOf(writer.id)).followerCount).toBe(1);
      expect((await profileOf(reader.id)).followingCount).toBe(1);
    });

    it('refuses to follow oneself (400 FOLLOW_SELF)', async () => {
      const reader = await registerReader(t.http);
      expectProblem(await t.http.put(`/api/v1/users/${reader.id}/follow`).set(reader.auth), 400, 'FOLLOW_SELF');
    });

    it.each([['an unknown id', '6f1f3c3e-8d0e-4a35-9a56-6b7f0f3a1a11'], ['a malformed id', 'not-a-uuid']])(
      'answers 404 USER_NOT_FOUND for %s',
      async (_, id) => {
        const reader = await registerReader(t.http);
        expectProblem(await t.http.put(`/api/v1/users/${id}/follow`).set(reader.auth), 404, 'USER_NOT_FOUND');
      },
    );

    it('answers 404 USER_NOT_FOUND for an erased reader', async () => {
      const [reader, gone] = [await registerReader(t.http), await registerReader(t.http)];
      await t.http.delete('/api/v1/me').set(gone.auth).send({ password: gone.password }).expect(204);
      expectProblem(await t.http.put(`/api/v1/users/${gone.id}/follow`).set(reader.auth), 404, 'USER_NOT_FOUND');
    });

    it('needs a token (401)', async () => {
      const writer = await registerReader(t.http);
      expectProblem(await t.http.put(`/api/v1/users/${writer.id}/follow`), 401, 'UNAUTHENTICATED');
    });
  });

  describe('DELETE /api/v1/users/:id/follow', () => {
    it('unfollows and moves the counters back once; repeating is a no-op', async () => {
      const [reader, writer] = [await registerReader(t.http), await registerReader(t.http)];
      await follow(t.http, reader, writer);
      await t.http.delete(`/api/v1/users/${writer.id}/follow`).set(reader.auth).expect(204);
      await t.http.delete(`/api/v1/users/${writer.id}/follow`).set(reader.auth).expect(204);
      expect((await profileOf(writer.id)).followerCount).toBe(0);
      expect((await profileOf(reader.id)).followingCount).toBe(0);
    });

    it('is a no-op for a reader one never followed', async () => {
      const [reader, writer] = [await registerReader(t.http), await registerReader(t.http)];
      await t.http.delete(`/api/v1/users/${writer.id}/follow`).set(reader.auth).expect(204);
      expect((await profileOf(writer.id)).followerCount).toBe(0);
    });

    it('answers 404 USER_NOT_FOUND for an unknown reader', async () => {
      const reader = await registerReader(t.http);
      const response = await t.http.delete('/api/v1/users/6f1f3c3e-8d0e-4a35-9a56-6b7f0f3a1a12/follow').set(reader.auth);
      expectProblem(response, 404, 'USER_NOT_FOUND');
    });
  });

  describe('GET /api/v1/users/:id/followers and /following', () => {
    it('pages followers newest follow first, as profiles, with a working cursor', async () => {
      const writer = await registerReader(t.http);
      const fans = [];
      for (let i = 0; i < 3; i++) {
        const fan = await registerReader(t.http);
        await follow(t.http, fan, writer);
        fans.push(fan);
      }
      const first = await t.http.get(`/api/v1/users/${writer.id}/followers?limit=2`).expect(200);
      expect(first.body.items.map((p: { id: string }) => p.id)).toEqual([fans[2].id, fans[1].id]);
      expect(first.body.items[0]).toEqual(
        expect.objectContaining({ displayName: fans[2].displayName, role: 'reader', followingCount: 1, isSupporter: false }),
      );
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await t.http.get(`/api/v1/users/${writer.id}/followers?limit=2&cursor=${first.body.nextCursor}`).expect(200);
      expect(second.body).toEqual({ items: [expect.objectContaining({ id: fans[0].id })], nextCursor: null });
    });

    it('pages the readers one follows, newest follow first', async () => {
      const reader = await registerReader(t.http);
      const [a, b] = [await registerReader(t.http), await registerReader(t.http)];
      await follow(t.http, reader, a);
      await follow(t.http, reader, b);
      const response = await t.http.get(`/api/v1/users/${reader.id}/following`).expect(200);
      expect(response.body.items.map((p: { id: string }) => p.id)).toEqual([b.id, a.id]);
      expect(response.body.nextCursor).toBeNull();
    });

    it('keeps rows created in the same millisecond across pages', async () => {
      const writer = await registerReader(t.http);
      const fans = [await registerReader(t.http), await registerReader(t.http), await registerReader(t.http)];
      await t.db.query(
        `INSERT INTO follows (follower_id, followee_id, created_at)
         SELECT unnest($1::uuid[]), $2, '2026-01-01T00:00:00.123Z'::timestamptz + (unnest($3::int[]) * interval '1 microsecond')`,
        [fans.map((fan) => fan.id), writer.id, [1, 500, 900]],
      );
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const url: string = `/api/v1/users/${writer.id}/followers?limit=1${cursor ? `&cursor=${cursor}` : ''}`;
        const page = await t.http.get(url).expect(200);
        seen.push(...page.body.items.map((p: { id: string }) => p.id));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual([fans[2].id, fans[1].id, fans[0].id]);
    });

    it('answers 404 USER_NOT_FOUND for an unknown reader', async () => {
      expectProblem(await t.http.get('/api/v1/users/6f1f3c3e-8d0e-4a35-9a56-6b7f0f3a1a13/followers'), 404, 'USER_NOT_FOUND');
      expectProblem(await t.http.get('/api/v1/users/6f1f3c3e-8d0e-4a35-9a56-6b7f0f3a1a13/following'), 404, 'USER_NOT_FOUND');
    });

    it('refuses a malformed cursor (400 INVALID_CURSOR) and a limit over 100 (400 VALIDATION_FAILED)', async () => {
      const writer = await registerReader(t.http);
      expectProblem(await t.http.get(`/api/v1/users/${writer.id}/followers?cursor=bogus`), 400, 'INVALID_CURSOR');
      expectProblem(await t.http.get(`/api/v1/users/${writer.id}/following?limit=101`), 400, 'VALIDATION_FAILED');
    });
  });

  describe('erasure', () => {
    it('removes the erased reader\'s follows both ways and fixes the other side\'s counters', async () => {
      const [gone, fan, idol] = [await registerReader(t.http), await registerReader(t.http), await registerReader(t.http)];
      await follow(t.http, fan, gone);
      await follow(t.http, gone, idol);
      await ignore(t.http, gone, fan);
      await t.http.delete('/api/v1/me').set(gone.auth).send({ password: gone.password }).expect(204);
      expect((await profileOf(fan.id)).followingCount).toBe(0);
      expect((await profileOf(idol.id)).followerCount).toBe(0);
      const [{ count }] = await t.db.query(
        `SELECT (SELECT count(*) FROM follows WHERE follower_id = $1 OR followee_id = $1)
              + (SELECT count(*) FROM ignores WHERE user_id = $1 OR ignored_user_id = $1) AS count`,
        [gone.id],
      );
      expect(Number(count)).toBe(0);
    });
  });

  describe('ignores', () => {
    it('ignores a reader idempotently and lists ignored readers, newest first', async () => {
      const reader = await registerReader(t.http);
      const [a, b] = [await registerReader(t.http), await registerReader(t.http)];
      await t.http.put(`/api/v1/me/ignores/${a.id}`).set(reader.auth).expect(204);
      await t.http.put(`/api/v1/me/ignores/${b.id}`).set(reader.auth).expect(204);
      await t.http.put(`/api/v1/me/ignores/${b.id}`).set(reader.auth).expect(204);
      const first = await t.http.get('/api/v1/me/ignores?limit=1').set(reader.auth).expect(200);
      expect(first.body.items.map((p: { id: string }) => p.id)).toEqual([b.id]);
      const second = await t.http.get(`/api/v1/me/ignores?limit=1&cursor=${first.body.nextCursor}`).set(reader.auth).expect(200);
      expect(second.body).toEqual({ items: [expect.objectContaining({ id: a.id, displayName: a.displayName })], nextCursor: null });
    });

    it('stops ignoring, idempotently', async () => {
      const [reader, other] = [await registerReader(t.http), await registerReader(t.http)];
      await ignore(t.http, reader, other);
      await t.http.delete(`/api/v1/me/ignores/${other.id}`).set(reader.auth).expect(204);
      await t.http.delete(`/api/v1/me/ignores/${other.id}`).set(reader.auth).expect(204);
      const response = await t.http.get('/api/v1/me/ignores').set(reader.auth).expect(200);
      expect(response.body).toEqual({ items: [], nextCursor: null });
    });

    it('never tells the ignored reader: their profile and lists do not change', async () => {
      const [reader, other] = [await registerReader(t.http), await registerReader(t.http)];
      const before = await profileOf(other.id);
      await ignore(t.http, reader, other);
      expect(await profileOf(other.id)).toEqual(before);
      expect((await t.http.get('/api/v1/me/ignores').set(other.auth).expect(200)).body.items).toEqual([]);
      expect((await t.http.get('/api/v1/me').set(other.auth).expect(200)).body.unreadNotifications).toBe(0);
    });

    it('refuses to ignore oneself (400 IGNORE_SELF)', async () => {
      const reader = await registerReader(t.http);
      expectProblem(await t.http.put(`/api/v1/me/ignores/${reader.id}`).set(reader.auth), 400, 'IGNORE_SELF');
    });

    it('answers 404 USER_NOT_FOUND for an unknown reader', async () => {
      const reader = await registerReader(t.http);
      const unknown = '6f1f3c3e-8d0e-4a35-9a56-6b7f0f3a1a14';
      expectProblem(await t.http.put(`/api/v1/me/ignores/${unknown}`).set(reader.auth), 404, 'USER_NOT_FOUND');
      expectProblem(await t.http.delete(`/api/v1/me/ignores/${unknown}`).set(reader.auth), 404, 'USER_NOT_FOUND');
    });

    it('needs a token (401)', async () => {
      expectProblem(await t.http.get('/api/v1/me/ignores'), 401, 'UNAUTHENTICATED');
    });
  });

  describe('ignored readers in threads and replies', () => {
    it('leaves an ignored reader\'s comments out of the viewer\'s thread page and replies, for that viewer only', async () => {
      const [viewer, pest, other] = [await registerReader(t.http), await registerReader(t.http), await registerReader(t.http)];
      const article = await createArticle(t.http);
      const top = await postComment(t.http, other, article.id);
      const pestTop = await postComment(t.http, pest, article.id);
      const pestReply = await postComment(t.http, pest, article.id, { parentId: top.id });
      const otherReply = await postComment(t.http, other, article.id, { parentId: top.id });
      await ignore(t.http, viewer, pest);

      const thread = await t.http.get(`/api/v1/articles/${article.id}/comments`).set(viewer.auth).expect(200);
      expect(thread.body.items.map((c: { id: string }) => c.id)).toEqual([top.id]);
      expect(thread.body.items[0].replies.map((c: { id: string }) => c.id)).toEqual([otherReply.id]);
      const replies = await t.http.get(`/api/v1/comments/${top.id}/replies`).set(viewer.auth).expect(200);
      expect(replies.body.items.map((c: { id: string }) => c.id)).toEqual([otherReply.id]);

      const anonymous = await t.http.get(`/api/v1/articles/${article.id}/comments`).expect(200);
      expect(anonymous.body.items.map((c: { id: string }) => c.id)).toEqual([pestTop.id, top.id]);
      const anonymousReplies = await t.http.get(`/api/v1/comments/${top.id}/replies`).expect(200);
      expect(anonymousReplies.body.items.map((c: { id: string }) => c.id)).toEqual([pestReply.id, otherReply.id]);
    });
  });

  describe('GET /api/v1/me/feed', () => {
    it('lists visible comments by followed readers only, newest first, across pages', async () => {
      const [reader, a, b, stranger] = [
        await registerReader(t.http), await registerReader(t.http), await registerReader(t.http), await registerReader(t.http),
      ];
      await follow(t.http, reader, a);
      await follow(t.http, reader, b);
      const article = await createArticle(t.http);
      const at = (minutes: number) => new Date(Date.UTC(2026, 0, 1, 12, minutes));
      const a1 = await postCommentAs(t, { articleId: article.id, author: a, createdAt: at(1) });
      const b1 = await postCommentAs(t, { articleId: article.id, author: b, createdAt: at(2) });
      const a2 = await postCommentAs(t, { articleId: article.id, author: a, createdAt: at(3) });
      await postCommentAs(t, { articleId: article.id, author: a, createdAt: at(4), status: 'pending' });
      await postCommentAs(t, { articleId: article.id, author: b, createdAt: at(5), status: 'hidden' });
      await postCommentAs(t, { articleId: article.id, author: stranger, createdAt: at(6) });
      const b2 = await postCommentAs(t, { articleId: article.id, author: b, parent: a1, createdAt: at(7), body: 'A comment' });

      const first = await t.http.get('/api/v1/me/feed?limit=3').set(reader.auth).expect(200);
      expect(first.body.items.map((c: { id: string }) => c.id)).toEqual([b2.id, a2.id, b1.id]);
      expect(first.body.items[0]).toEqual(
        expect.objectContaining({
          id: b2.id,
          articleId: article.id,
          parentId: a1.id,
          body: 'A comment',
          status: 'visible',
          author: expect.objectContaining({ id: b.id, displayName: b.displayName }),
          inReplyTo: expect.objectContaining({ commentId: a1.id }),
          viewerReacted: false,
        }),
      );
      const second = await t.http.get(`/api/v1/me/feed?limit=3&cursor=${first.body.nextCursor}`).set(reader.auth).expect(200);
      expect(second.body.items.map((c: { id: string }) => c.id)).toEqual([a1.id]);
      expect(second.body.nextCursor).toBeNull();
    });

    it('leaves out readers the viewer ignores, and is empty when following no one', async () => {
      const [reader, a, b] = [await registerReader(t.http), await registerReader(t.http), await registerReader(t.http)];
      expect((await t.http.get('/api/v1/me/feed').set(reader.auth).expect(200)).body).toEqual({ items: [], nextCursor: null });
      await follow(t.http, reader, a);
      await follow(t.http, reader, b);
      const article = await createArticle(t.http);
      const fromA = await postCommentAs(t, { articleId: article.id, author: a });
      await postCommentAs(t, { articleId: article.id, author: b });
      await ignore(t.http, reader, b);
      const response = await t.http.get('/api/v1/me/feed').set(reader.auth).expect(200);
      expect(response.body.items.map((c: { id: string }) => c.id)).toEqual([fromA.id]);
    });

    it('needs a token (401) and refuses a malformed cursor (400 INVALID_CURSOR)', async () => {
      expectProblem(await t.http.get('/api/v1/me/feed'), 401, 'UNAUTHENTICATED');
      const reader = await registerReader(t.http);
      expectProblem(await t.http.get('/api/v1/me/feed?cursor=WyJ4Il0').set(reader.auth), 400, 'INVALID_CURSOR');
    });
  });
});
