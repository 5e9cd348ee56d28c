import { TEST_CMS_API_KEY, createArticle } from '../factories/articles.factory';
import { ageComment } from '../factories/comments.factory';
import { registerReader, registerStaff, RegisteredReader, uniqueSuffix } from '../factories/users.factory';
import { expectProblem } from '../support/problem';
import { createTestApp, TestApp } from '../support/test-app';

const ARTICLE_KEYS = ['commentCount', 'commentsCloseAt', 'commentsOpen', 'id', 'publishedAt', 'title', 'url'];
const COMMENT_KEYS = [
  'articleId',
  'author',
  'body',
  'createdAt',
  'depth',
  'editedAt',
  'featured',
  'id',
  'inReplyTo',
  'parentId',
  'reactionCount',
  'replyCount',
  'rootId',
  'status',
  'viewerReacted',
];

/** The contract's "Articles" and "Comments" sections, line by line, over HTTP only. */
describe('contract: articles and comments (e2e)', () => {
  let t: TestApp;
  let moderator: RegisteredReader;
  let admin: RegisteredReader;

  beforeAll(async () => {
    t = await createTestApp();
    moderator = await registerStaff(t.http, t.db, 'moderator');
    admin = await registerStaff(t.http, t.db, 'admin');
  });
  afterAll(() => t.close());

  const post = (reader: RegisteredReader, articleId: string, body: Record<string, unknown>) =>
    t.http.post(`/api/v1/articles/${articleId}/comments`).set(reader.auth).send(body);
  const postOk = async (reader: RegisteredReader, articleId: string, body: Record<string, unknown> = {}) =>
    (await post(reader, articleId, { body: `words ${uniqueSuffix()}`, ...body }).expect(201)).body;

  describe('Articles', () => {
    it('"PUT /articles/:articleId | admin, cms | ... → 200/201 article (upsert)"', async () => {
      const id = `contract-${uniqueSuffix()}`;
      const body = { title: 'Harbour fire', url: `https://news.example/${id}` };
      const created = await t.http.put(`/api/v1/articles/${id}`).set('X-Api-Key', TEST_CMS_API_KEY).send(body).expect(201);
      expect(Object.keys(created.body).sort()).toEqual(ARTICLE_KEYS);
      const updated = await t.http.put(`/api/v1/articles/${id}`).set(admin.auth).send({ ...body, title: 'Harbour fire: update' }).expect(200);
      expect(updated.body.title).toBe('Harbour fire: update');
      const reader = await registerReader(t.http);
      expectProblem(await t.http.put(`/api/v1/articles/${id}`).set(reader.auth).send(body), 403, 'FORBIDDEN');
      expectProblem(await t.http.put(`/api/v1/articles/${id}`).set(moderator.auth).send(body), 403, 'FORBIDDEN');
      expectProblem(await t.http.put(`/api/v1/articles/${id}`).send(body), 401, 'UNAUTHENTICATED');
      expectProblem(await t.http.put(`/api/v1/articles/${id}`).set('X-Api-Key', 'wrong-key-0123456789').send(body), 401, 'UNAUTHENTICATED');
    });

    it('"GET /articles/:articleId → 200 article = {id, title, url, publishedAt, commentsOpen, commentsCloseAt, commentCount}"', async () => {
      const publishedAt = '2026-11-30T08:00:00.000Z';
      const article = await createArticle(t.http);
      await t.http.put(`/api/v1/articles/${article.id}`).set('X-Api-Key', TEST_CMS_API_KEY).send({ title: article.title, url: article.url, publishedAt }).expect(200);
      const reader = await registerReader(t.http);
      await postOk(reader, article.id);
      const response = await t.http.get(`/api/v1/articles/${article.id}`).expect(200);
      expect(response.body).toEqual({
        id: article.id,
        title: article.title,
        url: article.url,
        publishedAt,
        commentsOpen: true,
        commentsCloseAt: null,
        commentCount: 1,
      });
      expectProblem(await t.http.get(`/api/v1/articles/nope-${uniqueSuffix()}`), 404, 'ARTICLE_NOT_FOUND');
    });

    it('"POST /articles/counts {ids: [...]} (≤ 100) → 200 {counts: {id: n}}"', async () => {
      const article = await createArticle(t.http);
      const reader = await registerReader(t.http);
      await postOk(reader, article.id);
      await postOk(reader, article.id);
      const response = await t.http.post('/api/v1/articles/counts').send({ ids: [article.id] }).expect(200);
      expect(response.body).toEqual({ counts: { [article.id]: 2 } });
      const hundred = Array.from({ length: 100 }, (_, i) => `${article.id}-${i}`);
      await t.http.post('/api/v1/articles/counts').send({ ids: hundred }).expect(200);
      expectProblem(await t.http.post('/api/v1/articles/counts').send({ ids: [...hundred, 'one-more'] }), 400, 'VALIDATION_FAILED');
    });

    it('"Comments close by themselves at commentsCloseAt ... commentsOpen is false from then on"', async () => {
      const article = await createArticle(t.http);
      const commentsCloseAt = new Date(Date.now() - 60_000).toISOString();
      const put = await t.http
        .put(`/api/v1/articles/${article.id}`)
        .set('X-Api-Key', TEST_CMS_API_KEY)
        .send({ title: article.title, url: article.url, commentsCloseAt })
        .expect(200);
      expect(put.body).toEqual(expect.objectContaining({ commentsCloseAt, commentsOpen: false }));
      const reader = await registerReader(t.http);
      expectProblem(await post(reader, article.id, { body: 'too late' }), 409, 'COMMENTS_CLOSED');
    });
  });

  describe('Comments', () => {
    it('"comment = {id, articleId, parentId, rootId, depth, body, status, author, inReplyTo, createdAt, editedAt, replyCount, reactionCount, viewerReacted, featured}"', async () => {
      const article = await createArticle(t.http);
      const reader = await registerReader(t.http);
      const response = await post(reader, article.id, { body: 'A first thought' }).expect(201);
      expect(Object.keys(response.body).sort()).toEqual(COMMENT_KEYS);
      expect(response.body).toEqual(
        expect.objectContaining({
          articleId: article.id,
          parentId: null,
          depth: 0,
          body: 'A first thought',
          status: 'visible',
          author: { id: reader.id, displayName: reader.displayName, role: 'reader', isSupporter: false },
          inReplyTo: null,
          editedAt: null,
          replyCount: 0,
          reactionCount: 0,
          viewerReacted: false,
          featured: false,
        }),
      );
    });

    it('replies carry parentId, rootId, depth and inReplyTo = {commentId, authorDisplayName}', async () => {
      const article = await createArticle(t.http);
      const [a, b] = [await registerReader(t.http), await registerReader(t.http)];
      const root = await postOk(a, article.id);
      const reply = await postOk(b, article.id, { parentId: root.id });
      const deeper = await postOk(a, article.id, { parentId: reply.id });
      expect(reply).toEqual(expect.objectContaining({ parentId: root.id, rootId: root.id, depth: 1, inReplyTo: { commentId: root.id, authorDisplayName: a.displayName } }));
      expect(deeper).toEqual(expect.objectContaining({ parentId: reply.id, rootId: root.id, depth: 2, inReplyTo: { commentId: reply.id, authorDisplayName: b.displayName } }));
    });

    it('"?sort=newest|oldest|top|replies (default newest) ... each carries replies: its first 3 descendants, oldest first"', async () => {
      const article = await createArticle(t.http);
      const [a, b] = [await registerReader(t.http), await registerReader(t.http)];
      const first = await postOk(a, article.id);
      const second = await postOk(a, article.id);
      const replies: { id: string }[] = [];
      for (let i = 0; i < 4; i++) replies.push(await postOk(b, article.id, { parentId: i === 2 ? replies[1].id : first.id }));
      await t.http.put(`/api/v1/comments/${second.id}/reaction`).set(b.auth).expect(204);

      const ids = async (sort?: string) =>
        (await t.http.get(`/api/v1/articles/${article.id}/comments`).query(sort ? { sort } : {}).expect(200)).body.items.map((c: { id: string }) => c.id);
      expect(await ids()).toEqual([second.id, first.id]);
      expect(await ids('newest')).toEqual([second.id, first.id]);
      expect(await ids('oldest')).toEqual([first.id, second.id]);
      expect(await ids('top')).toEqual([second.id, first.id]);
      expect(await ids('replies')).toEqual([first.id, second.id]);
      expectProblem(await t.http.get(`/api/v1/articles/${article.id}/comments?sort=best`), 400, 'VALIDATION_FAILED');

      const page = await t.http.get(`/api/v1/articles/${article.id}/comments?sort=oldest`).expect(200);
      expect(page.body.items[0].replies.map((c: { id: string }) => c.id)).toEqual(replies.slice(0, 3).map((c) => c.id));
      expect(page.body.items[0].replyCount).toBe(4);
      expect(page.body.items[1].replies).toEqual([]);
      expectProblem(await t.http.get(`/api/v1/articles/nope-${uniqueSuffix()}/comments`), 404, 'ARTICLE_NOT_FOUND');
    });

    it('"GET /comments/:id/replies → page of all descendants of a top-level comment, oldest first"', async () => {
      const article = await createArticle(t.http);
      const [a, b] = [await registerReader(t.http), await registerReader(t.http)];
      const root = await postOk(a, article.id);
      const r1 = await postOk(b, article.id, { parentId: root.id });
      const r2 = await postOk(a, article.id, { parentId: r1.id });
      const r3 = await postOk(b, article.id, { parentId: root.id });
      const page = await t.http.get(`/api/v1/comments/${root.id}/replies`).expect(200);
      expect(page.body.items.map((c: { id: string }) => c.id)).toEqual([r1.id, r2.id, r3.id]);
      expect(page.body.nextCursor).toBeNull();
      const firstPage = await t.http.get(`/api/v1/comments/${root.id}/replies?limit=2`).expect(200);
      const rest = await t.http.get(`/api/v1/comments/${root.id}/replies`).query({ limit: 2, cursor: firstPage.body.nextCursor }).expect(200);
      expect(rest.body.items.map((c: { id: string }) => c.id)).toEqual([r3.id]);
    });

    it('"GET /comments/:id → 200 comment plus context: {rootId, sort: "oldest", cursor}" that opens the page holding it', async () => {
      const article = await createArticle(t.http);
      const [a, b] = [await registerReader(t.http), await registerReader(t.http)];
      const root = await postOk(a, article.id);
      const replies: { id: string }[] = [];
      for (let i = 0; i < 23; i++) replies.push(await postOk(b, article.id, { parentId: root.id }));
      const target = replies[21];
      const response = await t.http.get(`/api/v1/comments/${target.id}`).expect(200);
      expect(response.body).toEqual(expect.objectContaining({ id: target.id, context: { rootId: root.id, sort: 'oldest', cursor: expect.anything() } }));
      const { cursor } = response.body.context;
      expect(typeof cursor).toBe('string');
      const page = await t.http.get(`/api/v1/comments/${root.id}/replies`).query({ cursor }).expect(200);
      expect(page.body.items.map((c: { id: string }) => c.id)).toContain(target.id);
      expectProblem(await t.http.get('/api/v1/comments/00000000-0000-4000-8000-000000000000'), 404, 'COMMENT_NOT_FOUND');
    });

    it('GET /comments/:id of a top-level comment: context holds the cursor of the oldest-first top-level page that holds it', async () => {
      const article = await createArticle(t.http);
      const reader = await registerReader(t.http);
      const ids: string[] = [];
      for (let i = 0; i < 23; i++) ids.push((await postOk(reader, article.id)).id);
      const target = ids[21];
      const response = await t.http.get(`/api/v1/comments/${target}`).expect(200);
      expect(response.body.context).toEqual({ rootId: null, sort: 'oldest', cursor: expect.any(String) });
      const page = await t.http.get(`/api/v1/articles/${article.id}/comments`).query({ sort: 'oldest', cursor: response.body.context.cursor }).expect(200);
      expect(page.body.items.map((c: { id: string }) => c.id)).toContain(target);
      const first = await t.http.get(`/api/v1/comments/${ids[0]}`).expect(200);
      expect(first.body.context).toEqual({ rootId: null, sort: 'oldest', cursor: null });
    });

    describe('POST /articles/:articleId/comments', () => {
      it('"Body is plain text, 1–5000 characters after trimming, stored as written and never interpreted as HTML"', async () => {
        const article = await createArticle(t.http);
        const reader = await registerReader(t.http);
        const html = `  <b>bold</b> & <script>x</script> ${uniqueSuffix()}  `;
        expect((await post(reader, article.id, { body: html }).expect(201)).body.body).toBe(html);
        const padded = `  ${'a'.repeat(4999)}${uniqueSuffix().slice(0, 1)}  `;
        await post(reader, article.id, { body: padded }).expect(201);
        expectProblem(await post(reader, article.id, { body: 'b'.repeat(5001) }), 400, 'VALIDATION_FAILED');
        expectProblem(await post(reader, article.id, { body: ' \n\t ' }), 400, 'VALIDATION_FAILED');
        expectProblem(await post(reader, article.id, { body: '' }), 400, 'VALIDATION_FAILED');
      });

      it('"reader": 401 without a token', async () => {
        const article = await createArticle(t.http);
        expectProblem(await t.http.post(`/api/v1/articles/${article.id}/comments`).send({ body: 'hello' }), 401, 'UNAUTHENTICATED');
      });

      it('"404 unknown article; 409 COMMENTS_CLOSED"', async () => {
        const reader = await registerReader(t.http);
        expectProblem(await post(reader, `nope-${uniqueSuffix()}`, { body: 'hello' }), 404, 'ARTICLE_NOT_FOUND');
        const closed = await createArticle(t.http, { commentsOpen: false });
        expectProblem(await post(reader, closed.id, { body: 'hello' }), 409, 'COMMENTS_CLOSED');
      });

      it('"400 parent in another article"', async () => {
        const [one, two] = [await createArticle(t.http), await createArticle(t.http)];
        const reader = await registerReader(t.http);
        const parent = await postOk(reader, one.id);
        const response = await post(reader, two.id, { body: 'wrong place', parentId: parent.id });
        expect(response.status).toBe(400);
        expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      });

      it('"409 PARENT_NOT_REPLYABLE when the parent is hidden, pending or deleted"', async () => {
        const article = await createArticle(t.http);
        const [author, replier] = [await registerReader(t.http), await registerReader(t.http)];
        const hidden = await postOk(author, article.id);
        await t.http.post(`/api/v1/admin/comments/${hidden.id}/hide`).set(moderator.auth).send({ reason: 'spam' }).expect(200);
        expectProblem(await post(replier, article.id, { body: 'reply', parentId: hidden.id }), 409, 'PARENT_NOT_REPLYABLE');
        const deleted = await postOk(author, article.id);
        await t.http.delete(`/api/v1/comments/${deleted.id}`).set(author.auth).expect(204);
        expectProblem(await post(replier, article.id, { body: 'reply', parentId: deleted.id }), 409, 'PARENT_NOT_REPLYABLE');
        // The author still sees their own hidden comment, and still cannot answer it.
        expectProblem(await post(author, article.id, { body: 'reply', parentId: hidden.id }), 409, 'PARENT_NOT_REPLYABLE');
      });

      it('"409 DUPLICATE_COMMENT for the same text by the same reader within 10 minutes"', async () => {
        const article = await createArticle(t.http);
        const [reader, other] = [await registerReader(t.http), await registerReader(t.http)];
        const body = `Exactly this ${uniqueSuffix()}`;
        await post(reader, article.id, { body }).expect(201);
        expectProblem(await post(reader, article.id, { body }), 409, 'DUPLICATE_COMMENT');
        await post(other, article.id, { body }).expect(201);
        const [first] = (await t.http.get(`/api/v1/users/${reader.id}/comments`).expect(200)).body.items;
        await ageComment(t.db, first.id, 11);
        await post(reader, article.id, { body }).expect(201);
      });
    });

    describe('PATCH /comments/:id', () => {
      it('"{body} → 200 comment with editedAt"; only the author', async () => {
        const article = await createArticle(t.http);
        const [author, other] = [await registerReader(t.http), await registerReader(t.http)];
        const comment = await postOk(author, article.id);
        const edited = await t.http.patch(`/api/v1/comments/${comment.id}`).set(author.auth).send({ body: 'Second thoughts' }).expect(200);
        expect(edited.body).toEqual(expect.objectContaining({ id: comment.id, body: 'Second thoughts', editedAt: expect.any(String) }));
        expectProblem(await t.http.patch(`/api/v1/comments/${comment.id}`).set(other.auth).send({ body: 'mine now' }), 403, 'FORBIDDEN');
      });

      it('"409 COMMENT_EDIT_WINDOW_CLOSED after 10 minutes or once it has a reply"', async () => {
        const article = await createArticle(t.http);
        const [author, other] = [await registerReader(t.http), await registerReader(t.http)];
        const recent = await postOk(author, article.id);
        await ageComment(t.db, recent.id, 9);
        await t.http.patch(`/api/v1/comments/${recent.id}`).set(author.auth).send({ body: 'still in time' }).expect(200);
        const old = await postOk(author, article.id);
        await ageComment(t.db, old.id, 11);
        expectProblem(await t.http.patch(`/api/v1/comments/${old.id}`).set(author.auth).send({ body: 'late edit' }), 409, 'COMMENT_EDIT_WINDOW_CLOSED');
        const answered = await postOk(author, article.id);
        await postOk(other, article.id, { parentId: answered.id });
        expectProblem(await t.http.patch(`/api/v1/comments/${answered.id}`).set(author.auth).send({ body: 'rewrite' }), 409, 'COMMENT_EDIT_WINDOW_CLOSED');
      });

      it('"earlier versions are kept for moderators"', async () => {
        const article = await createArticle(t.http);
        const author = await registerReader(t.http);
        const comment = await postOk(author, article.id, { body: 'version one' });
        await t.http.patch(`/api/v1/comments/${comment.id}`).set(author.auth).send({ body: 'version two' }).expect(200);
        const history = await t.http.get(`/api/v1/admin/comments/${comment.id}/history`).set(moderator.auth).expect(200);
        expect(JSON.stringify(history.body)).toContain('version one');
        expectProblem(await t.http.get(`/api/v1/admin/comments/${comment.id}/history`).set(author.auth), 403, 'FORBIDDEN');
      });
    });

    it('"DELETE /comments/:id | reader (author), moderator | 204; becomes a deleted tombstone"', async () => {
      const article = await createArticle(t.http);
      const [author, other] = [await registerReader(t.http), await registerReader(t.http)];
      const mine = await postOk(author, article.id);
      expectProblem(await t.http.delete(`/api/v1/comments/${mine.id}`).set(other.auth), 403, 'FORBIDDEN');
      await t.http.delete(`/api/v1/comments/${mine.id}`).set(author.auth).expect(204);
      const seen = await t.http.get(`/api/v1/comments/${mine.id}`).expect(200);
      expect(seen.body).toEqual(expect.objectContaining({ status: 'deleted', body: null }));
      const byModerator = await postOk(author, article.id);
      await t.http.delete(`/api/v1/comments/${byModerator.id}`).set(moderator.auth).expect(204);
      expect((await t.http.get(`/api/v1/comments/${byModerator.id}`).expect(200)).body.status).toBe('deleted');
    });

    it('"A hidden ... comment stays in its thread as a tombstone with body: null for everyone but its author and moderators"', async () => {
      const article = await createArticle(t.http);
      const [author, other] = [await registerReader(t.http), await registerReader(t.http)];
      const comment = await postOk(author, article.id, { body: 'soon hidden' });
      await t.http.post(`/api/v1/admin/comments/${comment.id}/hide`).set(moderator.auth).send({ reason: 'abuse' }).expect(200);
      const thread = await t.http.get(`/api/v1/articles/${article.id}/comments`).expect(200);
      expect(thread.body.items).toEqual([expect.objectContaining({ id: comment.id, status: 'hidden', body: null })]);
      expect((await t.http.get(`/api/v1/comments/${comment.id}`).set(other.auth).expect(200)).body.body).toBeNull();
      expect((await t.http.get(`/api/v1/comments/${comment.id}`).set(author.auth).expect(200)).body.body).toBe('soon hidden');
      expect((await t.http.get(`/api/v1/comments/${comment.id}`).set(moderator.auth).expect(200)).body.body).toBe('soon hidden');
    });

    it('"replyCount counts the descendants a viewer would see"', async () => {
      const article = await createArticle(t.http);
      const [a, b, viewer] = [await registerReader(t.http), await registerReader(t.http), await registerReader(t.http)];
      const root = await postOk(a, article.id);
      await postOk(a, article.id, { parentId: root.id });
      await postOk(b, article.id, { parentId: root.id });
      expect((await t.http.get(`/api/v1/comments/${root.id}`).expect(200)).body.replyCount).toBe(2);
      await t.http.put(`/api/v1/me/ignores/${b.id}`).set(viewer.auth).expect(204);
      const seen = await t.http.get(`/api/v1/comments/${root.id}`).set(viewer.auth).expect(200);
      const shown = await t.http.get(`/api/v1/comments/${root.id}/replies`).set(viewer.auth).expect(200);
      expect(seen.body.replyCount).toBe(1);
      expect(shown.body.items).toHaveLength(1);
    });

    describe('reactions', () => {
      it('"PUT /comments/:id/reaction → 204; one recommend per reader per comment, idempotent; 403 on one\'s own comment"', async () => {
        const article = await createArticle(t.http);
        const [author, fan] = [await registerReader(t.http), await registerReader(t.http)];
        const comment = await postOk(author, article.id);
        await t.http.put(`/api/v1/comments/${comment.id}/reaction`).set(fan.auth).expect(204);
        await t.http.put(`/api/v1/comments/${comment.id}/reaction`).set(fan.auth).expect(204);
        const seen = await t.http.get(`/api/v1/comments/${comment.id}`).set(fan.auth).expect(200);
        expect(seen.body).toEqual(expect.objectContaining({ reactionCount: 1, viewerReacted: true }));
        expect((await t.http.put(`/api/v1/comments/${comment.id}/reaction`).set(author.auth)).status).toBe(403);
      });

      it('"DELETE /comments/:id/reaction → 204, idempotent"', async () => {
        const article = await createArticle(t.http);
        const [author, fan] = [await registerReader(t.http), await registerReader(t.http)];
        const comment = await postOk(author, article.id);
        await t.http.put(`/api/v1/comments/${comment.id}/reaction`).set(fan.auth).expect(204);
        await t.http.delete(`/api/v1/comments/${comment.id}/reaction`).set(fan.auth).expect(204);
        await t.http.delete(`/api/v1/comments/${comment.id}/reaction`).set(fan.auth).expect(204);
        expect((await t.http.get(`/api/v1/comments/${comment.id}`).set(fan.auth).expect(200)).body).toEqual(
          expect.objectContaining({ reactionCount: 0, viewerReacted: false }),
        );
      });
    });

    describe('POST /comments/:id/reports', () => {
      it.each(['spam', 'abuse', 'hate', 'off_topic', 'harassment', 'misinformation', 'legal', 'other'])('"reason ∈ ..." %s → 202', async (reason) => {
        const article = await createArticle(t.http);
        const [author, reporter] = [await registerReader(t.http), await registerReader(t.http)];
        const comment = await postOk(author, article.id);
        await t.http.post(`/api/v1/comments/${comment.id}/reports`).set(reporter.auth).send({ reason, note: 'see this' }).expect(202);
      });

      it('"a second report by the same reader on the same comment is a 409"; an unknown reason is a 400', async () => {
        const article = await createArticle(t.http);
        const [author, reporter] = [await registerReader(t.http), await registerReader(t.http)];
        const comment = await postOk(author, article.id);
        expectProblem(await t.http.post(`/api/v1/comments/${comment.id}/reports`).set(reporter.auth).send({ reason: 'rude' }), 400, 'VALIDATION_FAILED');
        await t.http.post(`/api/v1/comments/${comment.id}/reports`).set(reporter.auth).send({ reason: 'spam' }).expect(202);
        const again = await t.http.post(`/api/v1/comments/${comment.id}/reports`).set(reporter.auth).send({ reason: 'abuse' });
        expect(again.status).toBe(409);
        expect(again.headers['content-type']).toMatch(/^application\/problem\+json/);
      });
    });

    it('"Comments by readers the viewer ignores are left out"', async () => {
      const article = await createArticle(t.http);
      const [viewer, loud, quiet] = [await registerReader(t.http), await registerReader(t.http), await registerReader(t.http)];
      const loudComment = await postOk(loud, article.id);
      const quietComment = await postOk(quiet, article.id);
      await t.http.put(`/api/v1/me/ignores/${loud.id}`).set(viewer.auth).expect(204);
      const page = await t.http.get(`/api/v1/articles/${article.id}/comments`).set(viewer.auth).expect(200);
      expect(page.body.items.map((c: { id: string }) => c.id)).toEqual([quietComment.id]);
      const anonymous = await t.http.get(`/api/v1/articles/${article.id}/comments`).expect(200);
      expect(anonymous.body.items.map((c: { id: string }) => c.id)).toEqual([quietComment.id, loudComment.id]);
      const loudReply = await postOk(loud, article.id, { parentId: quietComment.id });
      const quietReply = await postOk(quiet, article.id, { parentId: quietComment.id });
      const again = await t.http.get(`/api/v1/articles/${article.id}/comments`).set(viewer.auth).expect(200);
      expect(again.body.items[0].replies.map((c: { id: string }) => c.id)).toEqual([quietReply.id]);
      expect(again.body.items[0].replyCount).toBe(1);
      const seenByAll = await t.http.get(`/api/v1/articles/${article.id}/comments`).expect(200);
      expect(seenByAll.body.items[0].replies.map((c: { id: string }) => c.id)).toEqual([loudReply.id, quietReply.id]);
    });
  });
});
