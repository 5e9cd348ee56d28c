import { ignore } from '../factories/follows.factory';
import { CommentsService } from '../../src/comments/comments.service';
import { DomainEventMap, DomainEvents } from '../../src/common/events/domain-events';
import { createArticle } from '../factories/articles.factory';
import { ageComment, articleCommentCount, changeStatus, commentRow, postComment } from '../factories/comments.factory';
import { registerReader, registerStaff, RegisteredReader, uniqueSuffix } from '../factories/users.factory';
import { createIsolatedTestApp } from '../support/isolated-test-app';
import { expectProblem } from '../support/problem';
import { TestApp } from '../support/test-app';

// A banned word: the real moderation rule holds comments that use it as pending.
const PREMODERATED = 'premoderateme';
const FAIL_EVENT = '[fail-the-event]';

describe('comments (e2e)', () => {
  let t: TestApp;
  const created: DomainEventMap['comment.created'][] = [];

  beforeAll(async () => {
    // A database of its own: the banned words are site-wide, and other files reset them.
    t = await createIsolatedTestApp();
    const admin = await registerStaff(t.http, t.db, 'admin');
    await t.http.put('/api/v1/admin/settings/moderation').set(admin.auth).send({ bannedWords: [PREMODERATED], premoderateNewReaders: false }).expect(200);
    t.app.get(DomainEvents).onInTransaction('comment.created', async (payload) => {
      const manager = t.transactions.tx;
      await manager.query('SELECT 1');
      if (payload.commentId && (await manager.query('SELECT body FROM comments WHERE id = $1', [payload.commentId]))[0].body.includes(FAIL_EVENT)) {
        throw new Error('handler failed');
      }
      created.push(payload);
    });
  });
  afterAll(() => t.close());

  const url = (articleId: string) => `/api/v1/articles/${articleId}/comments`;

  describe('POST /articles/:articleId/comments', () => {
    it('creates a top-level comment with the full shape and moves the counters', async () => {
      const [article, author] = [await createArticle(t.http), await registerReader(t.http)];
      const response = await t.http.post(url(article.id)).set(author.auth).send({ body: 'First!' }).expect(201);
      expect(response.body).toEqual({
        id: expect.any(String),
        articleId: article.id,
        parentId: null,
        rootId: null,
        depth: 0,
        body: 'First!',
        status: 'visible',
        author: { id: author.id, displayName: author.displayName, role: 'reader', isSupporter: false },
        inReplyTo: null,
        createdAt: expect.any(String),
        editedAt: null,
        replyCount: 0,
        reactionCount: 0,
        viewerReacted: false,
        featured: false,
      });
      expect(await articleCommentCount(t.db, article.id)).toBe(1);
      expect((await t.http.get(`/api/v1/users/${author.id}`)).body.commentCount).toBe(1);
    });

    it('stores HTML-looking text and surrounding whitespace byte for byte', async () => {
      const [article, author] = [await createArticle(t.http), await registerReader(t.http)];
      const body = '  <script>alert("x")</script> &amp; <b>bold</b> \u00e9\u{1F600}\n';
      const response = await t.http.post(url(article.id)).set(author.auth).send({ body }).expect(201);
      expect(response.body.body).toBe(body);
      expect((await t.http.get(`/api/v1/comments/${response.body.id}`)).body.body).toBe(body);
      expect((await commentRow(t.db, response.body.id)).body).toBe(body);
    });

    it('derives root and depth for replies at any depth and counts them on every ancestor', async () => {
      const [article, a, b] = [await createArticle(t.http), await registerReader(t.http), await registerReader(t.http)];
      const root = await postComment(t.http, a, article.id);
      const child = await postComment(t.http, b, article.id, { parentId: root.id });
      const grandchild = await t.http.post(url(article.id)).set(a.auth).send({ body: 'deep', parentId: child.id }).expect(201);
      expect(child).toEqual(expect.objectContaining({ parentId: root.id, rootId: root.id, depth: 1 }));
      expect(grandchild.body).toEqual(
        expect.objectContaining({ parentId: child.id, rootId: root.id, depth: 2, inReplyTo: { commentId: child.id, authorDisplayName: b.displayName } }),
      );
      expect((await commentRow(t.db, root.id)).reply_count).toBe(2);
      expect((await commentRow(t.db, child.id)).reply_count).toBe(1);
      expect(await articleCommentCount(t.db, article.id)).toBe(3);
    });

    it('publishes comment.created with the parent author inside the transaction', async () => {
      const [article, a, b] = [await createArticle(t.http), await registerReader(t.http), await registerReader(t.http)];
      const root = await postComment(t.http, a, article.id);
      const reply = await postComment(t.http, b, article.id, { parentId: root.id });
      expect(created.find((event) => event.commentId === reply.id)).toEqual({
        commentId: reply.id,
        articleId: article.id,
        authorId: b.id,
        parentId: root.id,
        parentAuthorId: a.id,
        rootId: root.id,
        status: 'visible',
      });
      const failed = await t.http.post(url(article.id)).set(b.auth).send({ body: `boom ${FAIL_EVENT}` });
      expect(failed.status).toBe(500);
      expect(await t.db.query('SELECT 1 FROM comments WHERE body LIKE $1', [`%${FAIL_EVENT}%`])).toHaveLength(0);
      expect(await articleCommentCount(t.db, article.id)).toBe(2);
    });

    it('creates a comment as pending when the policy says so, without counting it', async () => {
      const [article, author] = [await createArticle(t.http), await registerReader(t.http)];
      const response = await t.http.post(url(article.id)).set(author.auth).send({ body: `hello ${PREMODERATED}` }).expect(201);
      expect(response.body.status).toBe('pending');
      expect(await articleCommentCount(t.db, article.id)).toBe(0);
    });

    it.each([
      ['an empty body', { body: '' }],
      ['a whitespace-only body', { body: ' \n\t ' }],
      ['a body over 5000 characters after trimming', { body: 'x'.repeat(5001) }],
      ['a missing body', {}],
      ['a non-string body', { body: 42 }],
      ['a NUL character', { body: 'a\u0000b' }],
      ['a malformed parentId', { body: 'ok', parentId: 'not-a-uuid' }],
      ['an unknown field', { body: 'ok', html: true }],
    ])('refuses %s (400 VALIDATION_FAILED)', async (_, body) => {
      const [article, author] = [await createArticle(t.http), await registerReader(t.http)];
      expectProblem(await t.http.post(url(article.id)).set(author.auth).send(body), 400, 'VALIDATION_FAILED');
    });

    it('accepts 5000 characters surrounded by whitespace', async () => {
      const [article, author] = [await createArticle(t.http), await registerReader(t.http)];
      const body = `  ${'é'.repeat(5000)}  `;
      expect((await t.http.post(url(article.id)).set(author.auth).send({ body }).expect(201)).body.body).toBe(body);
    });

    it('answers 401 without a token and 404 ARTICLE_NOT_FOUND for an unknown article', async () => {
      const author = await registerReader(t.http);
      expectProblem(await t.http.post(url('no-such-article')).send({ body: 'hi' }), 401, 'UNAUTHENTICATED');
      expectProblem(await t.http.post(url(`missing-${uniqueSuffix()}`)).set(author.auth).send({ body: 'hi' }), 404, 'ARTICLE_NOT_FOUND');
    });

    it('answers 409 COMMENTS_CLOSED on a closed article', async () => {
      const [article, author] = [await createArticle(t.http, { commentsOpen: false }), await registerReader(t.http)];
      expectProblem(await t.http.post(url(article.id)).set(author.auth).send({ body: 'hi' }), 409, 'COMMENTS_CLOSED');
    });

    it('answers 400 INVALID_PARENT for a parent in another article or no parent at all', async () => {
      const [first, second, author] = [await createArticle(t.http), await createArticle(t.http), await registerReader(t.http)];
      const elsewhere = await postComment(t.http, author, first.id);
      expectProblem(await t.http.post(url(second.id)).set(author.auth).send({ body: 'hi', parentId: elsewhere.id }), 400, 'INVALID_PARENT');
      const unknown = '00000000-0000-4000-8000-000000000000';
      expectProblem(await t.http.post(url(second.id)).set(author.auth).send({ body: 'hi', parentId: unknown }), 400, 'INVALID_PARENT');
    });

    it('answers 409 PARENT_NOT_REPLYABLE under a hidden, deleted or pending parent', async () => {
      const [article, author, other] = [await createArticle(t.http), await registerReader(t.http), await registerReader(t.http)];
      const hidden = await postComment(t.http, author, article.id);
      const deleted = await postComment(t.http, author, article.id);
      const pending = await postComment(t.http, author, article.id, { body: `wait ${PREMODERATED}` });
      await changeStatus(t, hidden.id, 'hidden', 'spam');
      await t.http.delete(`/api/v1/comments/${deleted.id}`).set(author.auth).expect(204);
      for (const parent of [hidden, deleted, pending]) {
        expectProblem(await t.http.post(url(article.id)).set(author.auth).send({ body: 'reply', parentId: parent.id }), 409, 'PARENT_NOT_REPLYABLE');
      }
      // a stranger cannot see a pending comment at all
      expectProblem(await t.http.post(url(article.id)).set(other.auth).send({ body: 'reply', parentId: pending.id }), 400, 'INVALID_PARENT');
    });

    it('answers 409 DUPLICATE_COMMENT for the same text by the same reader within 10 minutes', async () => {
      const [article, other, author, reader] = [await createArticle(t.http), await createArticle(t.http), await registerReader(t.http), await registerReader(t.http)];
      const first = await postComment(t.http, author, article.id, { body: 'Same words' });
      expectProblem(await t.http.post(url(article.id)).set(author.auth).send({ body: 'Same words' }), 409, 'DUPLICATE_COMMENT');
      expectProblem(await t.http.post(url(other.id)).set(author.auth).send({ body: '  Same words\n' }), 409, 'DUPLICATE_COMMENT');
      await t.http.post(url(article.id)).set(reader.auth).send({ body: 'Same words' }).expect(201);
      await ageComment(t.db, first.id, 11);
      await t.http.post(url(article.id)).set(author.auth).send({ body: 'Same words' }).expect(201);
    });

    it('refuses suspended and banned readers (403)', async () => {
      const [article, suspended, banned] = [await createArticle(t.http), await registerReader(t.http), await registerReader(t.http)];
      await t.db.query(`UPDATE users SET suspended_until = now() + interval '1 day' WHERE id = $1`, [suspended.id]);
      await t.db.query('UPDATE users SET banned_at = now() WHERE id = $1', [banned.id]);
      expectProblem(await t.http.post(url(article.id)).set(suspended.auth).send({ body: 'hi' }), 403, 'ACCOUNT_SUSPENDED');
      expectProblem(await t.http.post(url(article.id)).set(banned.auth).send({ body: 'hi' }), 403, 'ACCOUNT_BANNED');
      // reading still works
      await t.http.get(url(article.id)).set(banned.auth).expect(200);
    });
  });

  describe('GET /articles/:articleId/comments', () => {
    it('lists top-level comments newest first, each with its first 3 descendants oldest first', async () => {
      const [article, a, b] = [await createArticle(t.http), await registerReader(t.http), await registerReader(t.http)];
      const older = await postComment(t.http, a, article.id);
      const newer = await postComment(t.http, b, article.id);
      const r1 = await postComment(t.http, b, article.id, { parentId: older.id });
      const r2 = await postComment(t.http, a, article.id, { parentId: r1.id });
      const r3 = await postComment(t.http, b, article.id, { parentId: older.id });
      await postComment(t.http, a, article.id, { parentId: r2.id });
      const response = await t.http.get(url(article.id)).expect(200);
      expect(response.body.items.map((c: { id: string }) => c.id)).toEqual([newer.id, older.id]);
      expect(response.body.nextCursor).toBeNull();
      const [first, second] = response.body.items;
      expect(first.replies).toEqual([]);
      expect(second.replyCount).toBe(4);
      expect(second.replies.map((c: { id: string }) => c.id)).toEqual([r1.id, r2.id, r3.id]);
      expect(second.replies[1].inReplyTo).toEqual({ commentId: r1.id, authorDisplayName: b.displayName });
    });

    it('leaves out comments by readers the viewer ignores, top-level and replies', async () => {
      const [article, viewer, pest, friend] = [await createArticle(t.http), await registerReader(t.http), await registerReader(t.http), await registerReader(t.http)];
      const pestTop = await postComment(t.http, pest, article.id);
      const friendTop = await postComment(t.http, friend, article.id);
      const pestReply = await postComment(t.http, pest, article.id, { parentId: friendTop.id });
      await ignore(t.http, viewer, pest);
      const seen = await t.http.get(url(article.id)).set(viewer.auth).expect(200);
      expect(seen.body.items.map((c: { id: string }) => c.id)).toEqual([friendTop.id]);
      expect(seen.body.items[0].replies).toEqual([]);
      const replies = await t.http.get(`/api/v1/comments/${friendTop.id}/replies`).set(viewer.auth).expect(200);
      expect(replies.body.items).toEqual([]);
      const anonymous = await t.http.get(url(article.id)).expect(200);
      expect(anonymous.body.items.map((c: { id: string }) => c.id)).toEqual([friendTop.id, pestTop.id]);
      expect(anonymous.body.items[0].replies.map((c: { id: string }) => c.id)).toEqual([pestReply.id]);
      const byPest = await t.http.get(`/api/v1/users/${pest.id}/comments`).set(viewer.auth).expect(200);
      expect(byPest.body.items).toEqual([]);
    });

    it('shows viewerReacted for the viewer only', async () => {
      const [article, author, fan] = [await createArticle(t.http), await registerReader(t.http), await registerReader(t.http)];
      const comment = await postComment(t.http, author, article.id);
      await t.http.put(`/api/v1/comments/${comment.id}/reaction`).set(fan.auth).expect(204);
      expect((await t.http.get(url(article.id)).set(fan.auth)).body.items[0]).toEqual(expect.objectContaining({ viewerReacted: true, reactionCount: 1 }));
      expect((await t.http.get(url(article.id))).body.items[0]).toEqual(expect.objectContaining({ viewerReacted: false, reactionCount: 1 }));
    });

    it('answers 404 for an unknown article and 400 for a bad cursor, sort or limit', async () => {
      const article = await createArticle(t.http);
      expectProblem(await t.http.get(url(`missing-${uniqueSuffix()}`)), 404, 'ARTICLE_NOT_FOUND');
      expectProblem(await t.http.get(url(article.id)).query({ cursor: 'garbage!' }), 400, 'INVALID_CURSOR');
      expectProblem(await t.http.get(url(article.id)).query({ cursor: Buffer.from('[1,"x"]').toString('base64url') }), 400, 'INVALID_CURSOR');
      const topCursor = Buffer.from(JSON.stringify([3, '00000000-0000-4000-8000-000000000000'])).toString('base64url');
      expectProblem(await t.http.get(url(article.id)).query({ cursor: topCursor }), 400, 'INVALID_CURSOR');
      await t.http.get(url(article.id)).query({ cursor: topCursor, sort: 'top' }).expect(200);
      expectProblem(await t.http.get(url(article.id)).query({ sort: 'best' }), 400, 'VALIDATION_FAILED');
      expectProblem(await t.http.get(url(article.id)).query({ limit: 101 }), 400, 'VALIDATION_FAILED');
    });
  });

  describe('visibility of tombstones and pending comments', () => {
    let article: string;
    let author: RegisteredReader;
    let stranger: RegisteredReader;
    let moderator: RegisteredReader;
    let root: string;
    let hidden: string;
    let deleted: string;
    let pending: string;
    let visibleReply: string;

    beforeAll(async () => {
      article = (await createArticle(t.http)).id;
      [author, stranger, moderator] = [await registerReader(t.http), await registerReader(t.http), await registerStaff(t.http, t.db, 'moderator')];
      root = (await postComment(t.http, stranger, article)).id;
      hidden = (await postComment(t.http, author, article, { parentId: root, body: 'hidden words' })).id;
      deleted = (await postComment(t.http, author, article, { parentId: root, body: 'deleted words' })).id;
      pending = (await postComment(t.http, author, article, { parentId: root, body: `pending words ${PREMODERATED}` })).id;
      visibleReply = (await postComment(t.http, stranger, article, { parentId: hidden })).id;
      await changeStatus(t, hidden, 'hidden', 'abuse');
      await t.http.delete(`/api/v1/comments/${deleted}`).set(author.auth).expect(204);
    });

    const replyIds = async (viewer?: RegisteredReader) => {
      const request = t.http.get(`/api/v1/comments/${root}/replies`);
      const response = await (viewer ? request.set(viewer.auth) : request).expect(200);
      return Object.fromEntries(response.body.items.map((c: { id: string; body: string | null; status: string }) => [c.id, { body: c.body, status: c.status }]));
    };

    it('a stranger (and an anonymous reader) sees tombstones without body and no pending comment', async () => {
      for (const viewer of [stranger, undefined]) {
        expect(await replyIds(viewer)).toEqual({
          [hidden]: { body: null, status: 'hidden' },
          [deleted]: { body: null, status: 'deleted' },
          [visibleReply]: { body: expect.any(String), status: 'visible' },
        });
      }
      expectProblem(await t.http.get(`/api/v1/comments/${pending}`).set(stranger.auth), 404, 'COMMENT_NOT_FOUND');
      expect((await t.http.get(`/api/v1/comments/${hidden}`)).body.body).toBeNull();
    });

    it('the author sees their own tombstone bodies and pending comment', async () => {
      expect(await replyIds(author)).toEqual({
        [hidden]: { body: 'hidden words', status: 'hidden' },
        [deleted]: { body: 'deleted words', status: 'deleted' },
        [pending]: { body: expect.stringContaining('pending words'), status: 'pending' },
        [visibleReply]: { body: expect.any(String), status: 'visible' },
      });
      await t.http.get(`/api/v1/comments/${pending}`).set(author.auth).expect(200);
    });

    it('a moderator sees everything with bodies', async () => {
      expect(await replyIds(moderator)).toEqual({
        [hidden]: { body: 'hidden words', status: 'hidden' },
        [deleted]: { body: 'deleted words', status: 'deleted' },
        [pending]: { body: expect.stringContaining('pending words'), status: 'pending' },
        [visibleReply]: { body: expect.any(String), status: 'visible' },
      });
    });

    it('counts only visible descendants in replyCount and the article count', async () => {
      const top = (await t.http.get(url(article)).expect(200)).body.items[0];
      expect(top.id).toBe(root);
      expect(top.replyCount).toBe(1);
      expect(await articleCommentCount(t.db, article)).toBe(2);
    });

    it('hides pending top-level comments from strangers in the thread list', async () => {
      const own = await postComment(t.http, author, article, { body: `top ${PREMODERATED}` });
      const ids = async (viewer?: RegisteredReader) => {
        const request = t.http.get(url(article));
        return (await (viewer ? request.set(viewer.auth) : request)).body.items.map((c: { id: string }) => c.id);
      };
      expect(await ids(stranger)).not.toContain(own.id);
      expect(await ids()).not.toContain(own.id);
      expect(await ids(author)).toContain(own.id);
      expect(await ids(moderator)).toContain(own.id);
    });
  });

  describe('GET /comments/:id and /comments/:id/replies', () => {
    it('returns a comment with its deep-link context', async () => {
      const [article, a] = [await createArticle(t.http), await registerReader(t.http)];
      const first = await postComment(t.http, a, article.id);
      const second = await postComment(t.http, a, article.id);
      const reply = await postComment(t.http, a, article.id, { parentId: first.id });
      const top = await t.http.get(`/api/v1/comments/${first.id}`).expect(200);
      expect(top.body.context).toEqual({ rootId: null, sort: 'oldest', cursor: null });
      const next = await t.http.get(`/api/v1/comments/${second.id}`).expect(200);
      expect(next.body.context).toEqual({ rootId: null, sort: 'oldest', cursor: expect.any(String) });
      const landed = await t.http.get(url(article.id)).query({ sort: 'oldest', limit: 1, cursor: next.body.context.cursor }).expect(200);
      expect(landed.body.items[0].id).toBe(second.id);
      const deep = await t.http.get(`/api/v1/comments/${reply.id}`).expect(200);
      expect(deep.body).toEqual(expect.objectContaining({ id: reply.id, context: { rootId: first.id, sort: 'oldest', cursor: null } }));
    });

    it('answers 404 COMMENT_NOT_FOUND for unknown and malformed ids', async () => {
      expectProblem(await t.http.get('/api/v1/comments/00000000-0000-4000-8000-000000000000'), 404, 'COMMENT_NOT_FOUND');
      expectProblem(await t.http.get('/api/v1/comments/nope'), 404, 'COMMENT_NOT_FOUND');
      expectProblem(await t.http.get('/api/v1/comments/nope/replies'), 404, 'COMMENT_NOT_FOUND');
    });

    it('pages the replies oldest first, each naming what it answers, and refuses a bad cursor', async () => {
      const [article, a, b] = [await createArticle(t.http), await registerReader(t.http), await registerReader(t.http)];
      const root = await postComment(t.http, a, article.id);
      const r1 = await postComment(t.http, b, article.id, { parentId: root.id });
      const r2 = await postComment(t.http, a, article.id, { parentId: r1.id });
      const r3 = await postComment(t.http, b, article.id, { parentId: root.id });
      const page1 = await t.http.get(`/api/v1/comments/${root.id}/replies`).query({ limit: 2 }).expect(200);
      expect(page1.body.items.map((c: { id: string }) => c.id)).toEqual([r1.id, r2.id]);
      expect(page1.body.items.map((c: { inReplyTo: unknown }) => c.inReplyTo)).toEqual([
        { commentId: root.id, authorDisplayName: a.displayName },
        { commentId: r1.id, authorDisplayName: b.displayName },
      ]);
      const page2 = await t.http.get(`/api/v1/comments/${root.id}/replies`).query({ limit: 2, cursor: page1.body.nextCursor }).expect(200);
      expect(page2.body).toEqual({ items: [expect.objectContaining({ id: r3.id })], nextCursor: null });
      expectProblem(await t.http.get(`/api/v1/comments/${root.id}/replies`).query({ cursor: 'x' }), 400, 'INVALID_CURSOR');
    });
  });

  describe('PATCH /comments/:id', () => {
    it('lets the author edit, sets editedAt and keeps the earlier body', async () => {
      const [article, author] = [await createArticle(t.http), await registerReader(t.http)];
      const comment = await postComment(t.http, author, article.id, { body: 'Frist' });
      const response = await t.http.patch(`/api/v1/comments/${comment.id}`).set(author.auth).send({ body: '<i>First</i>' }).expect(200);
      expect(response.body).toEqual(expect.objectContaining({ body: '<i>First</i>', editedAt: expect.any(String) }));
      await t.http.patch(`/api/v1/comments/${comment.id}`).set(author.auth).send({ body: 'First.' }).expect(200);
      const versions = await t.app.get(CommentsService).listVersions(comment.id);
      expect(versions.map((version) => version.body)).toEqual(['Frist', '<i>First</i>']);
    });

    it('answers 403 to another reader, 404 to an unknown id and 401 without a token', async () => {
      const [article, author, other] = [await createArticle(t.http), await registerReader(t.http), await registerReader(t.http)];
      const comment = await postComment(t.http, author, article.id);
      expectProblem(await t.http.patch(`/api/v1/comments/${comment.id}`).set(other.auth).send({ body: 'mine now' }), 403, 'FORBIDDEN');
      expectProblem(await t.http.patch('/api/v1/comments/00000000-0000-4000-8000-000000000000').set(other.auth).send({ body: 'x' }), 404, 'COMMENT_NOT_FOUND');
      expectProblem(await t.http.patch(`/api/v1/comments/${comment.id}`).send({ body: 'x' }), 401, 'UNAUTHENTICATED');
      expectProblem(await t.http.patch(`/api/v1/comments/${comment.id}`).set(author.auth).send({ body: '   ' }), 400, 'VALIDATION_FAILED');
    });

    it('answers 404 to a stranger editing a pending comment', async () => {
      const [article, author, other] = [await createArticle(t.http), await registerReader(t.http), await registerReader(t.http)];
      const comment = await postComment(t.http, author, article.id, { body: `p ${PREMODERATED}` });
      expectProblem(await t.http.patch(`/api/v1/comments/${comment.id}`).set(other.auth).send({ body: 'x' }), 404, 'COMMENT_NOT_FOUND');
      await t.http.patch(`/api/v1/comments/${comment.id}`).set(author.auth).send({ body: 'x' }).expect(200);
    });

    it('answers 409 COMMENT_EDIT_WINDOW_CLOSED after 10 minutes or once answered', async () => {
      const [article, author, other] = [await createArticle(t.http), await registerReader(t.http), await registerReader(t.http)];
      const old = await postComment(t.http, author, article.id);
      await ageComment(t.db, old.id, 11);
      expectProblem(await t.http.patch(`/api/v1/comments/${old.id}`).set(author.auth).send({ body: 'late' }), 409, 'COMMENT_EDIT_WINDOW_CLOSED');
      const answered = await postComment(t.http, author, article.id);
      const reply = await postComment(t.http, other, article.id, { parentId: answered.id });
      await t.http.delete(`/api/v1/comments/${reply.id}`).set(other.auth).expect(204);
      expectProblem(await t.http.patch(`/api/v1/comments/${answered.id}`).set(author.auth).send({ body: 'changed' }), 409, 'COMMENT_EDIT_WINDOW_CLOSED');
    });

    it('answers 409 COMMENT_NOT_EDITABLE on a deleted comment', async () => {
      const [article, author] = [await createArticle(t.http), await registerReader(t.http)];
      const comment = await postComment(t.http, author, article.id);
      await t.http.delete(`/api/v1/comments/${comment.id}`).set(author.auth).expect(204);
      expectProblem(await t.http.patch(`/api/v1/comments/${comment.id}`).set(author.auth).send({ body: 'back' }), 409, 'COMMENT_NOT_EDITABLE');
    });
  });

  describe('DELETE /comments/:id', () => {
    it('turns the author\'s comment into a tombstone and moves every counter back', async () => {
      const [article, author, other] = [await createArticle(t.http), await registerReader(t.http), await registerReader(t.http)];
      const root = await postComment(t.http, other, article.id);
      const mid = await postComment(t.http, other, article.id, { parentId: root.id });
      const leaf = await postComment(t.http, author, article.id, { parentId: mid.id });
      await t.http.delete(`/api/v1/comments/${leaf.id}`).set(author.auth).expect(204);
      await t.http.delete(`/api/v1/comments/${leaf.id}`).set(author.auth).expect(204);
      const row = await commentRow(t.db, leaf.id);
      expect(row).toEqual(expect.objectContaining({ status: 'deleted', body: leaf.body, deleted_at: expect.any(Date) }));
      expect((await commentRow(t.db, root.id)).reply_count).toBe(1);
      expect((await commentRow(t.db, mid.id)).reply_count).toBe(0);
      expect(await articleCommentCount(t.db, article.id)).toBe(2);
      expect((await t.http.get(`/api/v1/users/${author.id}`)).body.commentCount).toBe(0);
    });

    it('lets a moderator delete, refuses other readers (403) and unknown ids (404)', async () => {
      const [article, author, other, moderator] = [await createArticle(t.http), await registerReader(t.http), await registerReader(t.http), await registerStaff(t.http, t.db, 'moderator')];
      const comment = await postComment(t.http, author, article.id);
      expectProblem(await t.http.delete(`/api/v1/comments/${comment.id}`).set(other.auth), 403, 'FORBIDDEN');
      await t.http.delete(`/api/v1/comments/${comment.id}`).set(moderator.auth).expect(204);
      expect((await commentRow(t.db, comment.id)).status).toBe('deleted');
      expectProblem(await t.http.delete('/api/v1/comments/00000000-0000-4000-8000-000000000000').set(other.auth), 404, 'COMMENT_NOT_FOUND');
    });
  });

  describe('reactions', () => {
    it('PUT is idempotent, DELETE withdraws idempotently, counts follow', async () => {
      const [article, author, fan] = [await createArticle(t.http), await registerReader(t.http), await registerReader(t.http)];
      const comment = await postComment(t.http, author, article.id);
      const reaction = `/api/v1/comments/${comment.id}/reaction`;
      await t.http.put(reaction).set(fan.auth).expect(204);
      await t.http.put(reaction).set(fan.auth).expect(204);
      expect((await commentRow(t.db, comment.id)).reaction_count).toBe(1);
      await t.http.delete(reaction).set(fan.auth).expect(204);
      await t.http.delete(reaction).set(fan.auth).expect(204);
      expect((await commentRow(t.db, comment.id)).reaction_count).toBe(0);
      expect(await t.db.query('SELECT 1 FROM comment_reactions WHERE comment_id = $1', [comment.id])).toHaveLength(0);
    });

    it('refuses one\'s own comment (403), tombstones (409), unknown comments (404) and anonymous callers (401)', async () => {
      const [article, author, fan] = [await createArticle(t.http), await registerReader(t.http), await registerReader(t.http)];
      const comment = await postComment(t.http, author, article.id);
      expectProblem(await t.http.put(`/api/v1/comments/${comment.id}/reaction`).set(author.auth), 403, 'OWN_COMMENT');
      await changeStatus(t, comment.id, 'hidden', 'spam');
      expectProblem(await t.http.put(`/api/v1/comments/${comment.id}/reaction`).set(fan.auth), 409, 'COMMENT_NOT_REACTABLE');
      expectProblem(await t.http.put('/api/v1/comments/00000000-0000-4000-8000-000000000000/reaction').set(fan.auth), 404, 'COMMENT_NOT_FOUND');
      expectProblem(await t.http.delete('/api/v1/comments/nope/reaction').set(fan.auth), 404, 'COMMENT_NOT_FOUND');
      expectProblem(await t.http.put(`/api/v1/comments/${comment.id}/reaction`), 401, 'UNAUTHENTICATED');
    });
  });

  describe('POST /comments/:id/reports', () => {
    it.each(['spam', 'abuse', 'hate', 'off_topic', 'harassment', 'misinformation', 'legal', 'other'])('accepts the reason %s (202) once per reader', async (reason) => {
      const [article, author, reporter] = [await createArticle(t.http), await registerReader(t.http), await registerReader(t.http)];
      const comment = await postComment(t.http, author, article.id);
      await t.http.post(`/api/v1/comments/${comment.id}/reports`).set(reporter.auth).send({ reason, note: 'see line 2' }).expect(202);
      expect((await commentRow(t.db, comment.id)).open_report_count).toBe(1);
      expectProblem(await t.http.post(`/api/v1/comments/${comment.id}/reports`).set(reporter.auth).send({ reason: 'other' }), 409, 'ALREADY_REPORTED');
      expect((await commentRow(t.db, comment.id)).open_report_count).toBe(1);
    });

    it('refuses unknown reasons and long notes (400), unknown comments (404), anonymous callers (401)', async () => {
      const [article, author, reporter] = [await createArticle(t.http), await registerReader(t.http), await registerReader(t.http)];
      const comment = await postComment(t.http, author, article.id);
      const reports = `/api/v1/comments/${comment.id}/reports`;
      expectProblem(await t.http.post(reports).set(reporter.auth).send({ reason: 'boring' }), 400, 'VALIDATION_FAILED');
      expectProblem(await t.http.post(reports).set(reporter.auth).send({ reason: 'spam', note: 'x'.repeat(1001) }), 400, 'VALIDATION_FAILED');
      expectProblem(await t.http.post('/api/v1/comments/00000000-0000-4000-8000-000000000000/reports').set(reporter.auth).send({ reason: 'spam' }), 404, 'COMMENT_NOT_FOUND');
      expectProblem(await t.http.post(reports).send({ reason: 'spam' }), 401, 'UNAUTHENTICATED');
    });
  });

  describe('GET /users/:id/comments', () => {
    it('pages a reader\'s visible comments newest first', async () => {
      const [article, author, other] = [await createArticle(t.http), await registerReader(t.http), await registerReader(t.http)];
      const first = await postComment(t.http, author, article.id);
      const second = await postComment(t.http, author, article.id, { parentId: first.id });
      const third = await postComment(t.http, author, article.id);
      await postComment(t.http, author, article.id, { body: `p ${PREMODERATED}` });
      await postComment(t.http, other, article.id);
      const hidden = await postComment(t.http, author, article.id);
      await changeStatus(t, hidden.id, 'hidden', 'spam');
      const page1 = await t.http.get(`/api/v1/users/${author.id}/comments`).query({ limit: 2 }).expect(200);
      expect(page1.body.items.map((c: { id: string }) => c.id)).toEqual([third.id, second.id]);
      const page2 = await t.http.get(`/api/v1/users/${author.id}/comments`).query({ limit: 2, cursor: page1.body.nextCursor }).expect(200);
      expect(page2.body).toEqual({ items: [expect.objectContaining({ id: first.id })], nextCursor: null });
    });

    it('answers 404 USER_NOT_FOUND and 400 INVALID_CURSOR', async () => {
      const reader = await registerReader(t.http);
      expectProblem(await t.http.get('/api/v1/users/00000000-0000-4000-8000-000000000000/comments'), 404, 'USER_NOT_FOUND');
      expectProblem(await t.http.get(`/api/v1/users/${reader.id}/comments`).query({ cursor: '!!' }), 400, 'INVALID_CURSOR');
    });
  });

  describe('account erasure', () => {
    it('leaves the reader\'s comments as tombstones with no author and no body, even for moderators', async () => {
      const [article, leaver, other, moderator] = [await createArticle(t.http), await registerReader(t.http), await registerReader(t.http), await registerStaff(t.http, t.db, 'moderator')];
      const root = await postComment(t.http, other, article.id);
      const mine = await postComment(t.http, leaver, article.id, { parentId: root.id, body: 'draft' });
      await t.http.patch(`/api/v1/comments/${mine.id}`).set(leaver.auth).send({ body: 'final' }).expect(200);
      const answer = await postComment(t.http, other, article.id, { parentId: mine.id });
      await t.http.delete('/api/v1/me').set(leaver.auth).send({ password: leaver.password }).expect(204);
      const view = await t.http.get(`/api/v1/comments/${mine.id}`).set(moderator.auth).expect(200);
      expect(view.body).toEqual(expect.objectContaining({ author: null, body: null, status: 'deleted' }));
      const reply = await t.http.get(`/api/v1/comments/${answer.id}`).expect(200);
      expect(reply.body.inReplyTo).toEqual({ commentId: mine.id, authorDisplayName: null });
      expect(await t.db.query('SELECT body FROM comment_versions WHERE comment_id = $1', [mine.id])).toEqual([{ body: null }]);
      expect(await articleCommentCount(t.db, article.id)).toBe(2);
      expect((await commentRow(t.db, root.id)).reply_count).toBe(1);
    });
  });

  describe('moderation primitives', () => {
    it('features, resolves open reports and reports status changes with before/after', async () => {
      const [article, author, reporter] = [await createArticle(t.http), await registerReader(t.http), await registerReader(t.http)];
      const comment = await postComment(t.http, author, article.id);
      const service = t.app.get(CommentsService);
      expect((await t.transactions.run(() => service.setFeatured(comment.id, true))).featured).toBe(true);
      expect((await t.http.get(`/api/v1/comments/${comment.id}`)).body.featured).toBe(true);
      await t.http.post(`/api/v1/comments/${comment.id}/reports`).set(reporter.auth).send({ reason: 'spam' }).expect(202);
      const resolved = await t.transactions.run(() => service.resolveOpenReports(comment));
      expect(resolved).toBe(1);
      expect((await commentRow(t.db, comment.id)).open_report_count).toBe(0);
      const change = await t.transactions.run(() => service.setStatus(comment.id, 'hidden', { hiddenReason: 'spam' }));
      expect([change.before.status, change.after.status, change.after.hiddenReason]).toEqual(['visible', 'hidden', 'spam']);
      expect(await articleCommentCount(t.db, article.id)).toBe(0);
      await t.transactions.run(() => service.setStatus(comment.id, 'visible'));
      expect(await articleCommentCount(t.db, article.id)).toBe(1);
      await expect(service.findById('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({ code: 'COMMENT_NOT_FOUND' });
    });
  });

  it('describes every comments endpoint and view in the OpenAPI document', async () => {
    const document = (await t.http.get('/docs-json').expect(200)).body;
    for (const path of [
      '/api/v1/articles/{articleId}/comments',
      '/api/v1/comments/{id}',
      '/api/v1/comments/{id}/replies',
      '/api/v1/comments/{id}/reaction',
      '/api/v1/comments/{id}/reports',
      '/api/v1/users/{id}/comments',
    ]) {
      expect(Object.keys(document.paths)).toContain(path);
    }
    expect(Object.keys(document.components.schemas)).toEqual(
      expect.arrayContaining(['CommentView', 'ThreadCommentView', 'CommentWithContextView', 'CreateCommentDto', 'UpdateCommentDto', 'ReportCommentDto']),
    );
  });
});
