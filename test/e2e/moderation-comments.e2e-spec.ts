import { createArticle } from '../factories/articles.factory';
import { auditEntriesFor, postComment, reportComment } from '../factories/moderation.factory';
import { registerReader, registerStaff, RegisteredReader } from '../factories/users.factory';
import { expectProblem } from '../support/problem';
import { createTestApp, TestApp } from '../support/test-app';
import { DomainEvents } from '../../src/common/events/domain-events';

describe('moderation of comments (e2e)', () => {
  let t: TestApp;
  let moderator: RegisteredReader;
  let admin: RegisteredReader;
  const moderated: { commentId: string; articleId: string; action: string; actorId: string; authorId: string | null }[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    t.app.get(DomainEvents).onInTransaction('comment.moderated', async (payload) => {
      moderated.push(payload);
    });
    [moderator, admin] = await Promise.all([registerStaff(t.http, t.db, 'moderator'), registerStaff(t.http, t.db, 'admin')]);
  });
  afterAll(() => t.close());

  const act = (action: string, commentId: string, body: Record<string, unknown> = {}, actor = moderator) =>
    t.http.post(`/api/v1/admin/comments/${commentId}/${action}`).set(actor.auth).send(body);

  async function setup() {
    const article = await createArticle(t.http);
    const author = await registerReader(t.http);
    const stranger = await registerReader(t.http);
    return { article, author, stranger };
  }

  describe('hide and unhide', () => {
    it('hides as a tombstone: strangers see no body, the author and moderators do; replies stay visible', async () => {
      const { article, author, stranger } = await setup();
      const parent = await postComment(t.http, author, article.id, { body: 'The original words' });
      const reply = await postComment(t.http, stranger, article.id, { parentId: parent.id, body: 'A reply that stays' });
      await reportComment(t.http, stranger, parent.id, 'abuse', 'rude');

      const hidden = await act('hide', parent.id, { reason: 'abuse' }).expect(200);
      expect(hidden.body).toEqual(expect.objectContaining({ id: parent.id, status: 'hidden', body: 'The original words' }));
      expect(moderated).toContainEqual({ commentId: parent.id, articleId: article.id, authorId: author.id, action: 'hidden', actorId: moderator.id });

      const asStranger = await t.http.get(`/api/v1/comments/${parent.id}`).set(stranger.auth).expect(200);
      expect(asStranger.body).toEqual(expect.objectContaining({ status: 'hidden', body: null }));
      const anonymous = await t.http.get(`/api/v1/comments/${parent.id}`).expect(200);
      expect(anonymous.body.body).toBeNull();
      expect((await t.http.get(`/api/v1/comments/${parent.id}`).set(author.auth).expect(200)).body.body).toBe('The original words');
      expect((await t.http.get(`/api/v1/comments/${parent.id}`).set(moderator.auth).expect(200)).body.body).toBe('The original words');

      const thread = await t.http.get(`/api/v1/articles/${article.id}/comments`).expect(200);
      const top = thread.body.items.find((item: { id: string }) => item.id === parent.id);
      expect(top).toEqual(expect.objectContaining({ status: 'hidden', body: null }));
      expect(top.replies).toEqual([expect.objectContaining({ id: reply.id, status: 'visible', body: 'A reply that stays' })]);

      const stored = await t.db.query('SELECT body, hidden_reason, open_report_count FROM comments WHERE id = $1', [parent.id]);
      expect(stored[0]).toEqual({ body: 'The original words', hidden_reason: 'abuse', open_report_count: 0 });
      const article2 = await t.http.get(`/api/v1/articles/${article.id}`).expect(200);
      expect(article2.body.commentCount).toBe(1);
    });

    it('is a 200 no-op when repeated; unhide restores it; both audited once with the reason', async () => {
      const { article, author } = await setup();
      const comment = await postComment(t.http, author, article.id);
      await act('hide', comment.id, { reason: 'spam' }).expect(200);
      await act('hide', comment.id, { reason: 'hate' }).expect(200);
      const visible = await act('unhide', comment.id).expect(200);
      expect(visible.body.status).toBe('visible');
      await act('unhide', comment.id).expect(200);
      expect((await auditEntriesFor(t.db, comment.id)).map((entry) => [entry.action, entry.reason, entry.actor_id])).toEqual([
        ['comment.hide', 'spam', moderator.id],
        ['comment.unhide', null, moderator.id],
      ]);
      expect((await t.http.get(`/api/v1/articles/${article.id}`)).body.commentCount).toBe(1);
    });

    it('keeps the moderator\'s optional note on the audit log and in the comment\'s history; refuses a note over 1000 characters', async () => {
      const { article, author } = await setup();
      const comment = await postComment(t.http, author, article.id);
      expectProblem(await act('hide', comment.id, { reason: 'spam', note: 'x'.repeat(1001) }), 400, 'VALIDATION_FAILED');
      await act('hide', comment.id, { reason: 'spam', note: 'Third link-drop this week' }).expect(200);
      const [entry] = await auditEntriesFor(t.db, comment.id);
      expect(entry).toMatchObject({ action: 'comment.hide', reason: 'spam', metadata: expect.objectContaining({ note: 'Third link-drop this week' }) });
      const history = await t.http.get(`/api/v1/admin/comments/${comment.id}/history`).set(moderator.auth).expect(200);
      expect(history.body.actions).toEqual([expect.objectContaining({ action: 'comment.hide', reason: 'spam', note: 'Third link-drop this week' })]);
    });

    it('refuses a reason outside the report reasons (400), unknown comments (404), deleted ones (409)', async () => {
      const { article, author } = await setup();
      const comment = await postComment(t.http, author, article.id);
      expectProblem(await act('hide', comment.id, { reason: 'boring' }), 400, 'VALIDATION_FAILED');
      expectProblem(await act('hide', comment.id, {}), 400, 'VALIDATION_FAILED');
      expectProblem(await act('hide', '00000000-0000-4000-8000-000000000000', { reason: 'spam' }), 404, 'COMMENT_NOT_FOUND');
      expectProblem(await act('unhide', 'nope'), 404, 'COMMENT_NOT_FOUND');
      await t.http.delete(`/api/v1/comments/${comment.id}`).set(author.auth).expect(204);
      for (const action of ['hide', 'unhide', 'approve', 'feature', 'unfeature']) {
        expectProblem(await act(action, comment.id, action === 'hide' ? { reason: 'spam' } : {}), 409, 'COMMENT_DELETED');
      }
    });
  });

  describe('deleting as a moderator', () => {
    it('turns the comment into a deleted tombstone and puts it on the record; an author deleting their own is not audited', async () => {
      const { article, author } = await setup();
      const byModerator = await postComment(t.http, author, article.id);
      const byAuthor = await postComment(t.http, author, article.id, { body: 'a second thought' });
      await t.http.delete(`/api/v1/comments/${byModerator.id}`).set(moderator.auth).expect(204);
      await t.http.delete(`/api/v1/comments/${byAuthor.id}`).set(author.auth).expect(204);

      const entries = await auditEntriesFor(t.db, byModerator.id);
      expect(entries.map((entry) => entry.action)).toEqual(['comment.delete']);
      expect(await auditEntriesFor(t.db, byAuthor.id)).toEqual([]);
      const log = await t.http.get('/api/v1/admin/audit-log').set(admin.auth).expect(200);
      expect(log.body.items).toContainEqual(
        expect.objectContaining({ action: 'comment.delete', targetType: 'comment', targetId: byModerator.id, actor: expect.objectContaining({ id: moderator.id }) }),
      );
    });
  });

  describe('the author hears of it', () => {
    it('a hidden comment gives its author a moderation notification, with the moderator unnamed', async () => {
      const { article, author } = await setup();
      const comment = await postComment(t.http, author, article.id);
      await act('hide', comment.id, { reason: 'abuse' }).expect(200);
      const inbox = await t.http.get('/api/v1/me/notifications').set(author.auth).expect(200);
      expect(inbox.body.items).toContainEqual(expect.objectContaining({ type: 'moderation', comment: expect.objectContaining({ id: comment.id }) }));
      const me = await t.http.get('/api/v1/me').set(author.auth).expect(200);
      expect(me.body.unreadNotifications).toBeGreaterThanOrEqual(1);
    });
  });

  describe('approve', () => {
    it('publishes a pending comment, resolves its reports and notifies the author; repeating is a no-op', async () => {
      const { article, author, stranger } = await setup();
      const comment = await postComment(t.http, author, article.id);
      await t.db.query(`UPDATE comments SET status = 'pending' WHERE id = $1`, [comment.id]);
      await t.db.query(`UPDATE articles SET comment_count = comment_count - 1 WHERE id = $1`, [article.id]);
      await t.db.query(`UPDATE users SET comment_count = comment_count - 1 WHERE id = $1`, [author.id]);
      expectProblem(await t.http.get(`/api/v1/comments/${comment.id}`).set(stranger.auth), 404, 'COMMENT_NOT_FOUND');

      const approved = await act('approve', comment.id).expect(200);
      expect(approved.body.status).toBe('visible');
      expect(moderated).toContainEqual({ commentId: comment.id, articleId: article.id, authorId: author.id, action: 'approved', actorId: moderator.id });
      await t.http.get(`/api/v1/comments/${comment.id}`).set(stranger.auth).expect(200);
      expect((await t.http.get(`/api/v1/articles/${article.id}`)).body.commentCount).toBe(1);
      await act('approve', comment.id).expect(200);
      // Every moderator action is on the record, an approval with nothing left to resolve included.
      expect((await auditEntriesFor(t.db, comment.id)).map((entry) => [entry.action, entry.metadata.from, entry.metadata.resolvedReports])).toEqual([
        ['comment.approve', 'pending', 0],
        ['comment.approve', 'visible', 0],
      ]);
    });

    it('puts an approval of a visible comment without open reports on the audit log', async () => {
      const { article, author } = await setup();
      const comment = await postComment(t.http, author, article.id);
      await act('approve', comment.id).expect(200);
      expect(await auditEntriesFor(t.db, comment.id)).toEqual([
        expect.objectContaining({ action: 'comment.approve', actor_id: moderator.id, metadata: expect.objectContaining({ from: 'visible', resolvedReports: 0 }) }),
      ]);
    });

    it('on a visible reported comment dismisses the reports; on a hidden one answers 409', async () => {
      const { article, author, stranger } = await setup();
      const comment = await postComment(t.http, author, article.id);
      await reportComment(t.http, stranger, comment.id, 'spam');
      await act('approve', comment.id).expect(200);
      const open = await t.db.query(`SELECT count(*)::int AS n FROM comment_reports WHERE comment_id = $1 AND resolved_at IS NULL`, [comment.id]);
      expect(open[0].n).toBe(0);
      expect(await auditEntriesFor(t.db, comment.id)).toEqual([
        expect.objectContaining({ action: 'comment.approve', metadata: expect.objectContaining({ from: 'visible', resolvedReports: 1 }) }),
      ]);
      await act('hide', comment.id, { reason: 'spam' }).expect(200);
      expectProblem(await act('approve', comment.id), 409, 'COMMENT_STATUS_CONFLICT');
    });
  });

  describe('feature and unfeature', () => {
    it('features a visible comment once, unfeatures it once, and refuses a hidden one', async () => {
      const { article, author } = await setup();
      const comment = await postComment(t.http, author, article.id);
      expect((await act('feature', comment.id, {}, admin).expect(200)).body.featured).toBe(true);
      await act('feature', comment.id).expect(200);
      expect((await act('unfeature', comment.id).expect(200)).body.featured).toBe(false);
      await act('unfeature', comment.id).expect(200);
      expect((await auditEntriesFor(t.db, comment.id)).map((entry) => [entry.action, entry.actor_id])).toEqual([
        ['comment.feature', admin.id],
        ['comment.unfeature', moderator.id],
      ]);
      await act('hide', comment.id, { reason: 'off_topic' }).expect(200);
      expectProblem(await act('feature', comment.id), 409, 'COMMENT_STATUS_CONFLICT');
      const pending = await postComment(t.http, author, article.id);
      await t.db.query(`UPDATE comments SET status = 'pending' WHERE id = $1`, [pending.id]);
      expectProblem(await act('unhide', pending.id), 409, 'COMMENT_STATUS_CONFLICT');
      expectProblem(await act('feature', pending.id), 409, 'COMMENT_STATUS_CONFLICT');
    });
  });

  describe('GET /admin/comments/:id/history', () => {
    it('shows earlier bodies and every action, oldest first, with the actor', async () => {
      const { article, author } = await setup();
      const comment = await postComment(t.http, author, article.id, { body: 'First draft' });
      await t.http.patch(`/api/v1/comments/${comment.id}`).set(author.auth).send({ body: 'Second draft' }).expect(200);
      await act('hide', comment.id, { reason: 'legal' }).expect(200);
      await act('unhide', comment.id, {}, admin).expect(200);
      const history = await t.http.get(`/api/v1/admin/comments/${comment.id}/history`).set(moderator.auth).expect(200);
      expect(history.body.comment).toEqual(expect.objectContaining({ id: comment.id, body: 'Second draft', status: 'visible' }));
      expect(history.body.versions).toEqual([{ body: 'First draft', replacedAt: expect.any(String) }]);
      expect(history.body.actions).toEqual([
        expect.objectContaining({ action: 'comment.hide', reason: 'legal', targetType: 'comment', targetId: comment.id, actor: expect.objectContaining({ id: moderator.id }) }),
        expect.objectContaining({ action: 'comment.unhide', actor: expect.objectContaining({ id: admin.id }) }),
      ]);
      expectProblem(await t.http.get('/api/v1/admin/comments/00000000-0000-4000-8000-000000000000/history').set(moderator.auth), 404, 'COMMENT_NOT_FOUND');
    });
  });

  describe('GET /admin/queue', () => {
    it('lists reported comments most reported first, then oldest, with reports, article and author standing', async () => {
      const { article, author } = await setup();
      const reporters = await Promise.all([1, 2, 3].map(() => registerReader(t.http)));
      const once = await postComment(t.http, author, article.id, { body: 'reported once' });
      const thrice = await postComment(t.http, author, article.id, { body: 'reported thrice' });
      const onceLater = await postComment(t.http, author, article.id, { body: 'reported once, later' });
      const earlierHidden = await postComment(t.http, author, article.id);
      await act('hide', earlierHidden.id, { reason: 'spam' }).expect(200);
      await reportComment(t.http, reporters[0], once.id, 'spam', 'buy now links');
      for (const reporter of reporters) await reportComment(t.http, reporter, thrice.id, 'hate');
      await reportComment(t.http, reporters[1], onceLater.id, 'off_topic');
      await t.http.post(`/api/v1/admin/users/${author.id}/suspend`).set(moderator.auth).send({ until: new Date(Date.now() + 3_600_000).toISOString(), reason: 'x' }).expect(200);

      const ours = [once.id, thrice.id, onceLater.id];
      const items = await walkQueue('reported', (item) => ours.includes(item.id));
      expect(items.map((item) => item.id)).toEqual([thrice.id, once.id, onceLater.id]);
      expect(items[0]).toEqual(
        expect.objectContaining({
          body: 'reported thrice',
          status: 'visible',
          reportCount: 3,
          reports: [1, 2, 3].map(() => ({ reason: 'hate', note: null, createdAt: expect.any(String) })),
          article: { id: article.id, title: article.title },
          authorStanding: { suspended: true, suspendedUntil: expect.any(String), banned: false, hiddenCommentCount: 1 },
        }),
      );
      expect(items[1].reports).toEqual([{ reason: 'spam', note: 'buy now links', createdAt: expect.any(String) }]);

      await act('approve', thrice.id).expect(200);
      const after = await walkQueue('reported', (item) => ours.includes(item.id));
      expect(after.map((item) => item.id)).toEqual([once.id, onceLater.id]);
    });

    it('lists pending comments oldest first and hidden ones newest first; refuses a bad state or cursor (400)', async () => {
      const { article, author } = await setup();
      const first = await postComment(t.http, author, article.id);
      const second = await postComment(t.http, author, article.id);
      for (const comment of [first, second]) await act('hide', comment.id, { reason: 'spam' }).expect(200);
      const hidden = await walkQueue('hidden', (item) => [first.id, second.id].includes(item.id));
      expect(hidden.map((item) => item.id)).toEqual([second.id, first.id]);
      expect(hidden[0].hiddenReason).toBe('spam');

      const pendingA = await postComment(t.http, author, article.id);
      const pendingB = await postComment(t.http, author, article.id);
      await t.db.query(`UPDATE comments SET status = 'pending' WHERE id = ANY($1::uuid[])`, [[pendingA.id, pendingB.id]]);
      const pending = await walkQueue('pending', (item) => [pendingA.id, pendingB.id].includes(item.id));
      expect(pending.map((item) => item.id)).toEqual([pendingA.id, pendingB.id]);
      expect(pending[0].body).toBe(pendingA.body);

      expectProblem(await t.http.get('/api/v1/admin/queue?state=flagged').set(moderator.auth), 400, 'VALIDATION_FAILED');
      expectProblem(await t.http.get('/api/v1/admin/queue?cursor=%%%').set(moderator.auth), 400, 'INVALID_CURSOR');
      expectProblem(await t.http.get('/api/v1/admin/queue?limit=101').set(moderator.auth), 400, 'VALIDATION_FAILED');
    });
  });

  /** Walks the whole queue two items a page (other tests add to it too) and keeps the items picked. */
  async function walkQueue(state: string, pick: (item: { id: string }) => boolean) {
    const picked: Record<string, unknown>[] & { id: string; [key: string]: unknown }[] = [];
    let cursor: string | null = null;
    const seen = new Set<string>();
    do {
      const query: string = `/api/v1/admin/queue?state=${state}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await t.http.get(query).set(moderator.auth).expect(200);
      for (const item of page.body.items) {
        expect(seen.has(item.id)).toBe(false);
        seen.add(item.id);
        if (pick(item)) picked.push(item);
      }
      cursor = page.body.nextCursor;
    } while (cursor);
    return picked;
  }
});
