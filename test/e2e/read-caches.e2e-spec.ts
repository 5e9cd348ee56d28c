import { ThreadCache } from '../../src/common/cache/thread-cache';
import { FeedRepository } from '../../src/follows/feed.repository';
import { createArticle, TestArticle } from '../factories/articles.factory';
import { postComment } from '../factories/comments.factory';
import { postCommentAs } from '../factories/comments-direct.factory';
import { follow, ignore } from '../factories/follows.factory';
import { registerReader, registerStaff, RegisteredReader } from '../factories/users.factory';
import { createIsolatedTestApp } from '../support/isolated-test-app';
import { TestApp } from '../support/test-app';

interface Shown {
  id: string;
  status: string;
  body: string | null;
  replyCount: number;
  reactionCount: number;
  viewerReacted: boolean;
}

/**
 * The replies pages cached like first pages (ThreadCache, per article version) and the per-reader feed cache
 * (FeedCache): each change a page shows is in the very next read, the writer's own included.
 */
describe('cached replies pages and feeds (e2e)', () => {
  let t: TestApp;
  let article: TestArticle;
  let moderator: RegisteredReader;

  beforeAll(async () => {
    t = await createIsolatedTestApp(); // pending comments come from a site-wide banned word
    article = await createArticle(t.http);
    moderator = await registerStaff(t.http, t.db, 'moderator');
  });
  afterAll(() => t.close());

  describe('GET /comments/:id/replies, anonymous', () => {
    const replies = async (id: string, query = ''): Promise<Shown[]> => (await t.http.get(`/api/v1/comments/${id}/replies${query}`).expect(200)).body.items;

    it('is built once per version of the article, and a reply posted is in the next read', async () => {
      const [author, replier] = [await registerReader(t.http), await registerReader(t.http)];
      const root = await postComment(t.http, author, article.id);
      const first = await postComment(t.http, replier, article.id, { parentId: root.id });
      const stored = jest.spyOn(t.app.get(ThreadCache), 'store');
      try {
        const before = await t.http.get(`/api/v1/comments/${root.id}/replies`).expect(200);
        const again = await t.http.get(`/api/v1/comments/${root.id}/replies`).expect(200);
        expect(again.text).toBe(before.text);
        expect(again.headers.etag).toBe(before.headers.etag);
        expect(stored).toHaveBeenCalledTimes(1);
        // Another spelling of the same query is validated, then served the same page.
        expect((await t.http.get(`/api/v1/comments/${root.id}/replies?limit=020`).expect(200)).text).toBe(before.text);
      } finally {
        stored.mockRestore();
      }
      const second = await postComment(t.http, replier, article.id, { parentId: first.id });
      expect((await replies(root.id)).map((reply) => reply.id)).toEqual([first.id, second.id]);
      // Asked for through a reply, the page is its thread's, and as fresh.
      expect((await replies(second.id)).map((reply) => reply.id)).toEqual([first.id, second.id]);
      expect((await replies(root.id, '?limit=1')).map((reply) => reply.id)).toEqual([first.id]);
    });

    it('shows reactions, reply counts, edits, hides and deletes at once', async () => {
      const [author, replier, fan] = [await registerReader(t.http), await registerReader(t.http), await registerReader(t.http)];
      const root = await postComment(t.http, author, article.id);
      const reply = await postComment(t.http, replier, article.id, { parentId: root.id });
      await replies(root.id);

      await t.http.put(`/api/v1/comments/${reply.id}/reaction`).set(fan.auth).expect(204);
      expect((await replies(root.id))[0].reactionCount).toBe(1);

      await t.http.patch(`/api/v1/comments/${reply.id}`).set(replier.auth).send({ body: 'second thoughts' }).expect(200);
      expect((await replies(root.id))[0].body).toBe('second thoughts');

      await postComment(t.http, fan, article.id, { parentId: reply.id });
      expect((await replies(root.id))[0].replyCount).toBe(1);

      await t.http.post(`/api/v1/admin/comments/${reply.id}/hide`).set(moderator.auth).send({ reason: 'spam' }).expect(200);
      expect((await replies(root.id))[0]).toEqual(expect.objectContaining({ id: reply.id, status: 'hidden', body: null }));

      await t.http.post(`/api/v1/admin/comments/${reply.id}/unhide`).set(moderator.auth).expect(200);
      expect((await replies(root.id))[0]).toEqual(expect.objectContaining({ status: 'visible', body: 'second thoughts' }));
      await t.http.delete(`/api/v1/comments/${reply.id}`).set(replier.auth).expect(204);
      expect((await replies(root.id))[0]).toEqual(expect.objectContaining({ status: 'deleted', body: null }));
    });

    it('shows a pending reply once it is approved, and a comment hidden as pending stays a 404', async () => {
      const [author, replier] = [await registerReader(t.http), await registerReader(t.http)];
      const root = await postComment(t.http, author, article.id);
      const held = await postCommentAs(t, { articleId: article.id, author: replier, parent: root, status: 'pending' });
      expect(await replies(root.id)).toEqual([]);
      await t.http.get(`/api/v1/comments/${held.id}/replies`).expect(404);
      await t.http.post(`/api/v1/admin/comments/${held.id}/approve`).set(moderator.auth).expect(200);
      expect((await replies(root.id)).map((reply) => reply.id)).toEqual([held.id]);
      expect((await replies(held.id)).map((reply) => reply.id)).toEqual([held.id]);
    });

    it('sends the page itself to a caller whose token is not valid, for replies and picks alike', async () => {
      const author = await registerReader(t.http);
      const root = await postComment(t.http, author, article.id);
      const reply = await postComment(t.http, author, article.id, { parentId: root.id });
      await replies(root.id);
      const withBadToken = await t.http.get(`/api/v1/comments/${root.id}/replies`).set('authorization', 'Bearer not-a-token').expect(200);
      expect(withBadToken.body.items.map((item: Shown) => item.id)).toEqual([reply.id]);
      expect(withBadToken.headers['cache-control']).toBe('private, no-store');
      expect(withBadToken.headers.etag).toBeUndefined();

      await t.http.post(`/api/v1/admin/comments/${root.id}/feature`).set(moderator.auth).expect(200);
      await t.http.get(`/api/v1/articles/${article.id}/picks`).expect(200);
      const picks = await t.http.get(`/api/v1/articles/${article.id}/picks`).set('authorization', 'Bearer not-a-token').expect(200);
      expect(picks.body.items.map((item: Shown) => item.id)).toContain(root.id);
      expect(picks.body.nextCursor).toBeNull();
    });
  });

  describe('GET /me/feed', () => {
    const feed = async (reader: RegisteredReader, query = ''): Promise<Shown[]> => (await t.http.get(`/api/v1/me/feed${query}`).set(reader.auth).expect(200)).body.items;

    /** A reader following `count` new readers, each with one comment, and their first feed read (so it is cached). */
    async function readerFollowing(count: number): Promise<{ reader: RegisteredReader; followees: RegisteredReader[]; comments: string[] }> {
      const reader = await registerReader(t.http);
      const followees: RegisteredReader[] = [];
      const comments: string[] = [];
      for (let index = 0; index < count; index += 1) {
        const followee = await registerReader(t.http);
        await follow(t.http, reader, followee);
        comments.unshift((await postComment(t.http, followee, article.id)).id);
        followees.push(followee);
      }
      expect((await feed(reader)).map((item) => item.id)).toEqual(comments);
      return { reader, followees, comments };
    }

    it('is read once for repeated reads, and a followee\'s new comment is in the next read', async () => {
      const { reader, followees, comments } = await readerFollowing(2);
      const reads = jest.spyOn(t.app.get(FeedRepository), 'findFeedPage');
      try {
        const again = await t.http.get('/api/v1/me/feed').set(reader.auth).expect(200);
        expect(again.headers['content-type']).toMatch(/^application\/json/);
        expect(again.body.items.map((item: Shown) => item.id)).toEqual(comments);
        expect(reads).not.toHaveBeenCalled();
      } finally {
        reads.mockRestore();
      }
      const fresh = await postComment(t.http, followees[0], article.id);
      expect((await feed(reader)).map((item) => item.id)).toEqual([fresh.id, ...comments]);
      // Other page sizes and later pages are read as they are.
      expect((await feed(reader, '?limit=1')).map((item) => item.id)).toEqual([fresh.id]);
    });

    it('leaves out an author as soon as the reader ignores them, and brings them back on unignore', async () => {
      const { reader, followees, comments } = await readerFollowing(2);
      await ignore(t.http, reader, followees[1]);
      expect((await feed(reader)).map((item) => item.id)).toEqual([comments[1]]);
      await t.http.delete(`/api/v1/me/ignores/${followees[1].id}`).set(reader.auth).expect(204);
      expect((await feed(reader)).map((item) => item.id)).toEqual(comments);
    });

    it('follows and unfollows at once', async () => {
      const { reader, comments } = await readerFollowing(1);
      const newcomer = await registerReader(t.http);
      const theirs = await postComment(t.http, newcomer, article.id);
      await follow(t.http, reader, newcomer);
      expect((await feed(reader)).map((item) => item.id)).toEqual([theirs.id, ...comments]);
      await t.http.delete(`/api/v1/users/${newcomer.id}/follow`).set(reader.auth).expect(204);
      expect((await feed(reader)).map((item) => item.id)).toEqual(comments);
    });

    it('drops a hidden comment and shows an approved one at once', async () => {
      const { reader, followees, comments } = await readerFollowing(2);
      await t.http.post(`/api/v1/admin/comments/${comments[0]}/hide`).set(moderator.auth).send({ reason: 'spam' }).expect(200);
      expect((await feed(reader)).map((item) => item.id)).toEqual([comments[1]]);
      const held = await postCommentAs(t, { articleId: article.id, author: followees[0], status: 'pending' });
      expect((await feed(reader)).map((item) => item.id)).toEqual([comments[1]]);
      await t.http.post(`/api/v1/admin/comments/${held.id}/approve`).set(moderator.auth).expect(200);
      expect((await feed(reader)).map((item) => item.id)).toEqual([held.id, comments[1]]);
    });

    it('shows the reader\'s own recommendation, and replies and edits by anyone, at once', async () => {
      const { reader, followees, comments } = await readerFollowing(1);
      await t.http.put(`/api/v1/comments/${comments[0]}/reaction`).set(reader.auth).expect(204);
      expect((await feed(reader))[0]).toEqual(expect.objectContaining({ viewerReacted: true, reactionCount: 1 }));
      const stranger = await registerReader(t.http);
      await postComment(t.http, stranger, article.id, { parentId: comments[0] });
      expect((await feed(reader))[0].replyCount).toBe(1);
      const other = await createArticle(t.http);
      const editable = await postComment(t.http, followees[0], other.id);
      expect((await feed(reader))[0].id).toBe(editable.id);
      await t.http.patch(`/api/v1/comments/${editable.id}`).set(followees[0].auth).send({ body: 'on reflection' }).expect(200);
      expect((await feed(reader))[0].body).toBe('on reflection');
    });
  });
});
