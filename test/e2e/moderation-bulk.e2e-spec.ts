import { randomUUID } from 'node:crypto';
import { createArticle } from '../factories/articles.factory';
import { auditEntriesFor, postComment, reportComment } from '../factories/moderation.factory';
import { registerReader, registerStaff, RegisteredReader } from '../factories/users.factory';
import { expectProblem } from '../support/problem';
import { createTestApp, TestApp } from '../support/test-app';
import { DomainEvents } from '../../src/common/events/domain-events';

describe('bulk moderation: POST /admin/comments/bulk (e2e)', () => {
  let t: TestApp;
  let moderator: RegisteredReader;
  let reader: RegisteredReader;
  const moderated: { commentId: string; action: string }[] = [];
  /** For a watched article: how many of its comments were hidden, as committed, each time a change to it committed. */
  const watched = new Map<string, number[]>();

  beforeAll(async () => {
    t = await createTestApp();
    const events = t.app.get(DomainEvents);
    events.onInTransaction('comment.moderated', async (payload) => {
      moderated.push({ commentId: payload.commentId, action: payload.action });
    });
    events.onAfterCommit('thread.changed', async ({ articleId }) => {
      const seen = watched.get(articleId);
      if (!seen) return;
      const [row] = await t.db.query(`SELECT count(*)::int AS hidden FROM comments WHERE article_id = $1 AND status = 'hidden'`, [articleId]);
      seen.push(row.hidden);
    });
    [moderator, reader] = await Promise.all([registerStaff(t.http, t.db, 'moderator'), registerReader(t.http)]);
  });
  afterAll(() => t.close());

  const bulk = (body: Record<string, unknown>, actor = moderator) => t.http.post('/api/v1/admin/comments/bulk').set(actor.auth).send(body);
  const statusOf = async (id: string) => ((await t.db.query('SELECT status FROM comments WHERE id = $1', [id])) as { status: string }[])[0]?.status;

  async function comments(count: number) {
    const article = await createArticle(t.http);
    const author = await registerReader(t.http);
    const posted = [];
    for (let i = 0; i < count; i += 1) posted.push(await postComment(t.http, author, article.id));
    return { article, author, ids: posted.map((comment) => comment.id) };
  }

  it('hides each comment as its own endpoint does: results in request order, one audit entry each with reason and note, reports resolved, authors notified', async () => {
    const { author, ids } = await comments(3);
    await reportComment(t.http, reader, ids[1], 'spam');
    const response = await bulk({ ids, action: 'hide', reason: 'spam', note: 'one ring\nof accounts' }).expect(200);
    expect(response.body).toEqual({ results: ids.map((id) => ({ id, status: 'hidden' })) });

    for (const id of ids) {
      expect(await statusOf(id)).toBe('hidden');
      const audit = await auditEntriesFor(t.db, id);
      expect(audit).toEqual([
        expect.objectContaining({ actor_id: moderator.id, action: 'comment.hide', target_type: 'comment', reason: 'spam', metadata: expect.objectContaining({ note: 'one ring\nof accounts' }) }),
      ]);
      expect(moderated).toContainEqual({ commentId: id, action: 'hidden' });
    }
    const [reports] = await t.db.query('SELECT count(*)::int AS open FROM comment_reports WHERE comment_id = $1 AND resolved_at IS NULL', [ids[1]]);
    expect(reports.open).toBe(0);
    const inbox = await t.http.get('/api/v1/me/notifications').set(author.auth).expect(200);
    const notified = inbox.body.items.filter((item: { type: string }) => item.type === 'moderation').map((item: { comment: { id: string } }) => item.comment.id);
    expect(notified.sort()).toEqual([...ids].sort());
    // The thread's counters moved as for three single hides.
    expect((await t.http.get(`/api/v1/users/${author.id}`).expect(200)).body.commentCount).toBe(0);
  });

  it('a refusal for one comment does not stop the others: unknown, deleted and conflicting ids get the single endpoint\'s problem code', async () => {
    const { author, ids } = await comments(3);
    const [visible, pending, deleted] = ids;
    await t.db.query(`UPDATE comments SET status = 'pending' WHERE id = $1`, [pending]);
    await t.http.delete(`/api/v1/comments/${deleted}`).set(author.auth).expect(204);
    const unknown = randomUUID();
    await t.http.post(`/api/v1/admin/comments/${visible}/hide`).set(moderator.auth).send({ reason: 'abuse' }).expect(200);

    // unhide: the hidden one comes back, the pending one cannot be unhidden (409 on its own endpoint), the deleted one cannot be moderated.
    const single = await t.http.post(`/api/v1/admin/comments/${pending}/unhide`).set(moderator.auth);
    expectProblem(single, 409, 'COMMENT_STATUS_CONFLICT');
    const response = await bulk({ ids: [unknown, visible, pending, deleted], action: 'unhide' }).expect(200);
    expect(response.body.results).toEqual([
      { id: unknown, code: 'COMMENT_NOT_FOUND' },
      { id: visible, status: 'visible' },
      { id: pending, code: 'COMMENT_STATUS_CONFLICT' },
      { id: deleted, code: 'COMMENT_DELETED' },
    ]);
    expect(await statusOf(visible)).toBe('visible');
    expect(await statusOf(pending)).toBe('pending');
    expect((await auditEntriesFor(t.db, visible)).map((entry) => entry.action)).toEqual(['comment.hide', 'comment.unhide']);
    expect(await auditEntriesFor(t.db, pending)).toEqual([]);
    expect(await auditEntriesFor(t.db, deleted)).toEqual([]);
  });

  it('approves pending comments (and dismisses reports on visible ones), each on the record', async () => {
    const { ids } = await comments(2);
    const [pending, reported] = ids;
    await t.db.query(`UPDATE comments SET status = 'pending' WHERE id = $1`, [pending]);
    await reportComment(t.http, reader, reported, 'abuse');
    const response = await bulk({ ids: [pending, reported], action: 'approve' }).expect(200);
    expect(response.body.results).toEqual([{ id: pending, status: 'visible' }, { id: reported, status: 'visible' }]);
    expect(moderated).toContainEqual({ commentId: pending, action: 'approved' });
    for (const id of ids) expect((await auditEntriesFor(t.db, id)).map((entry) => entry.action)).toEqual(['comment.approve']);
    const [row] = await t.db.query('SELECT open_report_count FROM comments WHERE id = $1', [reported]);
    expect(row.open_report_count).toBe(0);
  });

  it('deletes as a moderator deleting each one: tombstones, a comment.delete audit entry each; deleting again is a no-op', async () => {
    const { article, ids } = await comments(2);
    const response = await bulk({ ids, action: 'delete' }).expect(200);
    expect(response.body.results).toEqual(ids.map((id) => ({ id, status: 'deleted' })));
    for (const id of ids) {
      expect(await statusOf(id)).toBe('deleted');
      expect(await auditEntriesFor(t.db, id)).toEqual([expect.objectContaining({ action: 'comment.delete', actor_id: moderator.id })]);
    }
    const thread = await t.http.get(`/api/v1/articles/${article.id}/comments`).expect(200);
    expect(thread.body.items.map((item: { status: string; body: string | null }) => [item.status, item.body])).toEqual([['deleted', null], ['deleted', null]]);
    await bulk({ ids, action: 'delete' }).expect(200);
    for (const id of ids) expect(await auditEntriesFor(t.db, id)).toHaveLength(1);
  });

  it('runs one transaction per comment, and the cached thread page shows the result at once', async () => {
    const { article, ids } = await comments(4);
    const before = (await t.http.get(`/api/v1/articles/${article.id}/comments`).expect(200)).body.items.map((item: { status: string }) => item.status);
    expect(before).toEqual(['visible', 'visible', 'visible', 'visible']);
    watched.set(article.id, []);
    await bulk({ ids, action: 'hide', reason: 'off_topic' }).expect(200);
    // One long transaction would commit all four at once (4, 4, 4, 4); one per comment commits them one by one.
    expect(watched.get(article.id)).toEqual([1, 2, 3, 4]);
    const after = (await t.http.get(`/api/v1/articles/${article.id}/comments`).expect(200)).body.items.map((item: { status: string }) => item.status);
    expect(after).toEqual(['hidden', 'hidden', 'hidden', 'hidden']);
  });

  it('takes up to 100 ids', async () => {
    const { ids } = await comments(1);
    const unknown = Array.from({ length: 99 }, () => randomUUID());
    const response = await bulk({ ids: [...unknown, ids[0]], action: 'approve' }).expect(200);
    expect(response.body.results).toHaveLength(100);
    expect(response.body.results[99]).toEqual({ id: ids[0], status: 'visible' });
    expect(response.body.results[0]).toEqual({ id: unknown[0], code: 'COMMENT_NOT_FOUND' });
  });

  describe('refuses the whole request with 400 VALIDATION_FAILED, acting on nothing', () => {
    let ids: string[];
    beforeAll(async () => {
      ({ ids } = await comments(1));
    });
    afterEach(async () => {
      expect(await statusOf(ids[0])).toBe('visible');
      expect(await auditEntriesFor(t.db, ids[0])).toEqual([]);
    });

    it.each([
      ['hide without a reason', () => ({ ids, action: 'hide' })],
      ['hide with a reason that is not a report reason', () => ({ ids, action: 'hide', reason: 'because' })],
      ['a reason on an action that records none', () => ({ ids, action: 'unhide', reason: 'spam' })],
      ['a note on an action that records none', () => ({ ids, action: 'delete', note: 'why' })],
      ['a note over 1000 characters', () => ({ ids, action: 'hide', reason: 'spam', note: 'x'.repeat(1001) })],
      ['no ids', () => ({ ids: [], action: 'approve' })],
      ['more than 100 ids', () => ({ ids: [...ids, ...Array.from({ length: 100 }, () => randomUUID())], action: 'approve' })],
      ['an id that is not a UUID', () => ({ ids: [...ids, 'not-a-uuid'], action: 'approve' })],
      ['the same id twice', () => ({ ids: [ids[0], ids[0].toUpperCase()], action: 'approve' })],
      ['an unknown action', () => ({ ids, action: 'feature' })],
      ['no action', () => ({ ids })],
      ['an unknown field', () => ({ ids, action: 'approve', force: true })],
      ['ids that are not an array', () => ({ ids: ids[0], action: 'approve' })],
    ])('%s', async (_, body) => {
      expectProblem(await bulk(body()), 400, 'VALIDATION_FAILED');
    });
  });

  it('is for moderators: a reader gets 403 and nothing changes', async () => {
    const { ids } = await comments(1);
    expectProblem(await bulk({ ids, action: 'delete' }, reader), 403, 'FORBIDDEN');
    expectProblem(await t.http.post('/api/v1/admin/comments/bulk').send({ ids, action: 'delete' }), 401, 'UNAUTHENTICATED');
    expect(await statusOf(ids[0])).toBe('visible');
  });
});
