import { randomUUID } from 'node:crypto';
import { createArticle } from '../factories/articles.factory';
import { auditEntriesFor, minutesFromNow, postComment, reportComment } from '../factories/moderation.factory';
import { registerReader, registerStaff, RegisteredReader } from '../factories/users.factory';
import { expectProblem } from '../support/problem';
import { createTestApp, TestApp } from '../support/test-app';

describe("a reader's standing, comments and moderators' notes (e2e)", () => {
  let t: TestApp;
  let moderator: RegisteredReader;
  let admin: RegisteredReader;
  let reporter: RegisteredReader;

  beforeAll(async () => {
    t = await createTestApp();
    [moderator, admin, reporter] = await Promise.all([
      registerStaff(t.http, t.db, 'moderator'),
      registerStaff(t.http, t.db, 'admin'),
      registerReader(t.http),
    ]);
  });
  afterAll(() => t.close());

  const admin$ = (path: string, actor = moderator) => t.http.get(`/api/v1/admin/users/${path}`).set(actor.auth);
  const addNote = (userId: string, body: unknown, actor = moderator) =>
    t.http.post(`/api/v1/admin/users/${userId}/notes`).set(actor.auth).send({ body });

  /** A reader with one comment in each status and two reports against them (one resolved by the hide). */
  async function readerWithHistory() {
    const article = await createArticle(t.http);
    const reader = await registerReader(t.http);
    const visible = await postComment(t.http, reader, article.id);
    const pending = await postComment(t.http, reader, article.id);
    const hidden = await postComment(t.http, reader, article.id);
    const deleted = await postComment(t.http, reader, article.id);
    const another = await postComment(t.http, reader, article.id);
    // Pending as premoderation would have left it (the author's count of visible comments with it).
    await t.db.query(`UPDATE comments SET status = 'pending' WHERE id = $1`, [pending.id]);
    await t.db.query('UPDATE users SET comment_count = comment_count - 1 WHERE id = $1', [reader.id]);
    await reportComment(t.http, reporter, hidden.id, 'abuse');
    await reportComment(t.http, reporter, visible.id, 'spam');
    await t.http.post(`/api/v1/admin/comments/${hidden.id}/hide`).set(moderator.auth).send({ reason: 'abuse' }).expect(200);
    await t.http.delete(`/api/v1/comments/${deleted.id}`).set(reader.auth).expect(204);
    return { article, reader, comments: { visible, pending, hidden, deleted, another } };
  }

  describe('GET /admin/users/:id', () => {
    it('gives the profile with e-mail, verification, suspension, ban, comment counts by status, reports against them and sanctions', async () => {
      const { reader } = await readerWithHistory();
      const response = await admin$(reader.id).expect(200);
      expect(response.body).toEqual({
        id: reader.id,
        displayName: reader.displayName,
        bio: null,
        role: 'reader',
        isSupporter: false,
        createdAt: expect.any(String),
        followerCount: 0,
        followingCount: 0,
        commentCount: 2,
        email: reader.email,
        emailVerified: false,
        suspendedUntil: null,
        banned: false,
        bannedAt: null,
        commentCounts: { visible: 2, pending: 1, hidden: 1, deleted: 1 },
        reportCount: 2,
        openReportCount: 1,
        sanctions: [],
      });
    });

    it('lists suspensions and bans with reason, who and when, newest first', async () => {
      const reader = await registerReader(t.http);
      const until = minutesFromNow(60);
      await t.http.post(`/api/v1/admin/users/${reader.id}/suspend`).set(moderator.auth).send({ until, reason: 'cooling off' }).expect(200);
      await t.http.post(`/api/v1/admin/users/${reader.id}/unsuspend`).set(moderator.auth).send({ reason: 'appeal upheld' }).expect(200);
      await t.http.post(`/api/v1/admin/users/${reader.id}/ban`).set(admin.auth).send({ reason: 'spam ring' }).expect(200);
      await t.http.put(`/api/v1/admin/users/${reader.id}/role`).set(admin.auth).send({ role: 'moderator' }).expect(200);

      const { body } = await admin$(reader.id).expect(200);
      expect(body.banned).toBe(true);
      expect(Date.parse(body.bannedAt)).not.toBeNaN();
      expect(body.suspendedUntil).toBeNull();
      expect(body.sanctions).toEqual([
        { id: expect.any(String), action: 'user.ban', reason: 'spam ring', until: null, actor: expect.objectContaining({ id: admin.id }), createdAt: expect.any(String) },
        { id: expect.any(String), action: 'user.unsuspend', reason: 'appeal upheld', until: null, actor: expect.objectContaining({ id: moderator.id }), createdAt: expect.any(String) },
        { id: expect.any(String), action: 'user.suspend', reason: 'cooling off', until, actor: expect.objectContaining({ id: moderator.id }), createdAt: expect.any(String) },
      ]);
    });

    it('shows a suspension in force and a verified address', async () => {
      const reader = await registerReader(t.http);
      await t.db.query('UPDATE users SET email_verified_at = now() WHERE id = $1', [reader.id]);
      const until = minutesFromNow(30);
      await t.http.post(`/api/v1/admin/users/${reader.id}/suspend`).set(moderator.auth).send({ until, reason: 'heated' }).expect(200);
      const { body } = await admin$(reader.id).expect(200);
      expect(body).toEqual(expect.objectContaining({ emailVerified: true, suspendedUntil: until, banned: false }));
    });

    it('answers 404 USER_NOT_FOUND for an unknown id, a malformed id and an erased reader; 403 for readers', async () => {
      expectProblem(await admin$(randomUUID()), 404, 'USER_NOT_FOUND');
      expectProblem(await admin$('not-a-uuid'), 404, 'USER_NOT_FOUND');
      const gone = await registerReader(t.http);
      await t.http.delete('/api/v1/me').set(gone.auth).send({ password: gone.password }).expect(204);
      expectProblem(await admin$(gone.id), 404, 'USER_NOT_FOUND');
      expectProblem(await admin$(`${gone.id}/comments`), 404, 'USER_NOT_FOUND');
      expectProblem(await admin$(`${gone.id}/notes`), 404, 'USER_NOT_FOUND');
      expectProblem(await addNote(gone.id, 'too late'), 404, 'USER_NOT_FOUND');
      expectProblem(await admin$(moderator.id, reporter), 403, 'FORBIDDEN');
    });
  });

  describe('GET /admin/users/:id/comments', () => {
    it('lists every comment of the reader in any status, newest first, with the bodies moderators see', async () => {
      const { reader, comments } = await readerWithHistory();
      const { body } = await admin$(`${reader.id}/comments`).expect(200);
      const { visible, pending, hidden, deleted, another } = comments;
      expect(body.items.map((item: { id: string; status: string }) => [item.id, item.status])).toEqual([
        [another.id, 'visible'],
        [deleted.id, 'deleted'],
        [hidden.id, 'hidden'],
        [pending.id, 'pending'],
        [visible.id, 'visible'],
      ]);
      expect(body.items.find((item: { id: string }) => item.id === hidden.id).body).toBe(hidden.body);
      expect(body.nextCursor).toBeNull();
    });

    it('filters by ?status= and pages with a cursor', async () => {
      const { reader, comments } = await readerWithHistory();
      const hidden = await admin$(`${reader.id}/comments?status=hidden`).expect(200);
      expect(hidden.body.items.map((item: { id: string }) => item.id)).toEqual([comments.hidden.id]);
      const visibleOnes = await admin$(`${reader.id}/comments?status=visible&limit=1`).expect(200);
      expect(visibleOnes.body.items.map((item: { id: string }) => item.id)).toEqual([comments.another.id]);
      const next = await admin$(`${reader.id}/comments?status=visible&limit=1&cursor=${visibleOnes.body.nextCursor}`).expect(200);
      expect(next.body.items.map((item: { id: string }) => item.id)).toEqual([comments.visible.id]);
      expect(next.body.nextCursor).toBeNull();

      const firstTwo = await admin$(`${reader.id}/comments?limit=2`).expect(200);
      const rest = await admin$(`${reader.id}/comments?limit=10&cursor=${firstTwo.body.nextCursor}`).expect(200);
      expect([...firstTwo.body.items, ...rest.body.items].map((item: { id: string }) => item.id)).toEqual([
        comments.another.id, comments.deleted.id, comments.hidden.id, comments.pending.id, comments.visible.id,
      ]);
    });

    it('refuses an unknown status, a forged cursor and unknown parameters', async () => {
      const reader = await registerReader(t.http);
      expectProblem(await admin$(`${reader.id}/comments?status=secret`), 400, 'VALIDATION_FAILED');
      expectProblem(await admin$(`${reader.id}/comments?cursor=abc`), 400, 'INVALID_CURSOR');
      expectProblem(await admin$(`${reader.id}/comments?sort=top`), 400, 'VALIDATION_FAILED');
    });
  });

  describe('notes: GET, POST /admin/users/:id/notes', () => {
    it('adds a multi-line note (201 {id, author, body, createdAt}), on the audit log as user.note without its text', async () => {
      const reader = await registerReader(t.http);
      const text = 'Warned by e-mail on Monday.\n\tSecond warning: next time a suspension.';
      const response = await addNote(reader.id, text).expect(201);
      expect(response.body).toEqual({
        id: expect.any(String),
        author: expect.objectContaining({ id: moderator.id, displayName: moderator.displayName }),
        body: text,
        createdAt: expect.any(String),
      });
      const audit = await auditEntriesFor(t.db, reader.id);
      expect(audit).toEqual([{ actor_id: moderator.id, action: 'user.note', target_type: 'user', target_id: reader.id, reason: null, metadata: { noteId: response.body.id } }]);
      const log = await t.http.get('/api/v1/admin/audit-log?limit=100').set(admin.auth).expect(200);
      expect(log.body.items).toContainEqual(expect.objectContaining({ action: 'user.note', targetType: 'user', targetId: reader.id }));
    });

    it('lists notes newest first, with a cursor', async () => {
      const reader = await registerReader(t.http);
      const ids: string[] = [];
      for (const [body, actor] of [['one', moderator], ['two', admin], ['three', moderator]] as const) {
        ids.push((await addNote(reader.id, body, actor).expect(201)).body.id);
      }
      const first = await admin$(`${reader.id}/notes?limit=2`).expect(200);
      expect(first.body.items.map((note: { body: string }) => note.body)).toEqual(['three', 'two']);
      expect(first.body.items[1].author).toEqual(expect.objectContaining({ id: admin.id }));
      const second = await admin$(`${reader.id}/notes?limit=2&cursor=${first.body.nextCursor}`).expect(200);
      expect(second.body).toEqual({ items: [expect.objectContaining({ id: ids[0], body: 'one' })], nextCursor: null });
      // Notes about one reader are not another's.
      expect((await admin$(`${moderator.id}/notes`).expect(200)).body.items.map((note: { id: string }) => note.id)).not.toContain(ids[0]);
    });

    it.each([
      ['a body over 2000 characters', 'x'.repeat(2001)],
      ['an empty body', ''],
      ['a blank body', ' \n\t '],
      ['a NUL', 'a\u0000b'],
      ['a control character', 'bell\u0007'],
      ['a body that is not text', 42],
    ])('refuses %s with 400 VALIDATION_FAILED', async (_, body) => {
      const reader = await registerReader(t.http);
      expectProblem(await addNote(reader.id, body), 400, 'VALIDATION_FAILED');
      expect((await admin$(`${reader.id}/notes`).expect(200)).body.items).toEqual([]);
    });

    it('takes exactly 2000 characters, refuses unknown fields, and 404s an unknown reader', async () => {
      const reader = await registerReader(t.http);
      await addNote(reader.id, 'y'.repeat(2000)).expect(201);
      expectProblem(await t.http.post(`/api/v1/admin/users/${reader.id}/notes`).set(moderator.auth).send({ body: 'ok', pinned: true }), 400, 'VALIDATION_FAILED');
      expectProblem(await t.http.post(`/api/v1/admin/users/${reader.id}/notes`).set(moderator.auth).send({}), 400, 'VALIDATION_FAILED');
      expectProblem(await addNote(randomUUID(), 'nobody'), 404, 'USER_NOT_FOUND');
      expectProblem(await addNote(reader.id, 'mine', reporter), 403, 'FORBIDDEN');
    });

    it("erasure: the notes about an erased reader are deleted; an erased moderator's notes keep their body, with no author", async () => {
      const reader = await registerReader(t.http);
      const other = await registerReader(t.http);
      const writer = await registerStaff(t.http, t.db, 'moderator');
      await addNote(reader.id, 'about the reader', writer).expect(201);
      const kept = (await addNote(other.id, 'written by the moderator who leaves', writer).expect(201)).body.id;

      await t.http.delete('/api/v1/me').set(reader.auth).send({ password: reader.password }).expect(204);
      const [{ count }] = await t.db.query('SELECT count(*)::int AS count FROM moderator_notes WHERE subject_id = $1', [reader.id]);
      expect(count).toBe(0);

      await t.http.delete('/api/v1/me').set(writer.auth).send({ password: writer.password }).expect(204);
      const notes = await admin$(`${other.id}/notes`).expect(200);
      expect(notes.body.items).toEqual([{ id: kept, author: null, body: 'written by the moderator who leaves', createdAt: expect.any(String) }]);
    });
  });
});
