import { createIsolatedTestApp } from '../support/isolated-test-app';
import { createArticle } from '../factories/articles.factory';
import { auditEntriesFor, postComment } from '../factories/moderation.factory';
import { registerReader, registerStaff, RegisteredReader } from '../factories/users.factory';
import { expectProblem } from '../support/problem';
import { TestApp } from '../support/test-app';

/** Settings are site-wide, so this file runs on a database of its own. */
describe('moderation settings, articles and audit log (e2e, own database)', () => {
  let t: TestApp;
  let admin: RegisteredReader;
  let moderator: RegisteredReader;

  beforeAll(async () => {
    t = await createIsolatedTestApp();
    [admin, moderator] = await Promise.all([registerStaff(t.http, t.db, 'admin'), registerStaff(t.http, t.db, 'moderator')]);
  });
  afterAll(() => t.close());

  const putSettings = (body: Record<string, unknown>) => t.http.put('/api/v1/admin/settings/moderation').set(admin.auth).send(body);

  afterEach(async () => {
    await putSettings({ bannedWords: [], premoderateNewReaders: false }).expect(200);
  });

  describe('GET/PUT /admin/settings/moderation', () => {
    it('starts empty, replaces the settings, drops duplicates whatever the case, and audits each real change once', async () => {
      await putSettings({ bannedWords: [], premoderateNewReaders: false }).expect(200);
      const before = await auditEntriesFor(t.db, 'moderation');
      const saved = await putSettings({ bannedWords: [' Idiot ', 'idiot', 'IDIOT', 'f*ck'], premoderateNewReaders: true }).expect(200);
      expect(saved.body).toEqual({
        bannedWords: ['Idiot', 'f*ck'],
        premoderateNewReaders: true,
        suspectWords: [],
        premoderateLinks: false,
        closeAfterDays: null,
        externalModeration: null,
        updatedAt: expect.any(String),
      });
      const read = await t.http.get('/api/v1/admin/settings/moderation').set(admin.auth).expect(200);
      expect(read.body).toEqual(saved.body);
      await putSettings({ bannedWords: ['Idiot', 'f*ck'], premoderateNewReaders: true }).expect(200);
      const entries = (await auditEntriesFor(t.db, 'moderation')).slice(before.length);
      expect(entries).toEqual([
        expect.objectContaining({
          action: 'settings.update',
          target_type: 'settings',
          actor_id: admin.id,
          metadata: { premoderateNewReaders: true, bannedWordsAdded: 2, bannedWordsRemoved: 0, bannedWordCount: 2 },
        }),
      ]);
    });

    it('refuses malformed settings with 400', async () => {
      expectProblem(await putSettings({ bannedWords: ['ok'] }), 400, 'VALIDATION_FAILED');
      expectProblem(await putSettings({ bannedWords: 'idiot', premoderateNewReaders: false }), 400, 'VALIDATION_FAILED');
      expectProblem(await putSettings({ bannedWords: ['  '], premoderateNewReaders: false }), 400, 'VALIDATION_FAILED');
      expectProblem(await putSettings({ bannedWords: ['x'.repeat(101)], premoderateNewReaders: false }), 400, 'VALIDATION_FAILED');
      expectProblem(await putSettings({ bannedWords: [3], premoderateNewReaders: false }), 400, 'VALIDATION_FAILED');
      expectProblem(await putSettings({ bannedWords: [], premoderateNewReaders: 'yes' }), 400, 'VALIDATION_FAILED');
      expectProblem(await putSettings({ bannedWords: [], premoderateNewReaders: false, extra: 1 }), 400, 'VALIDATION_FAILED');
    });

    it('accepts thousands of banned words', async () => {
      const bannedWords = Array.from({ length: 5000 }, (_, index) => `word${index}`);
      const saved = await putSettings({ bannedWords, premoderateNewReaders: false }).expect(200);
      expect(saved.body.bannedWords).toHaveLength(5000);
      const reader = await registerReader(t.http);
      const article = await createArticle(t.http);
      expect((await postComment(t.http, reader, article.id, { body: 'this has word4999 in it' })).status).toBe('pending');
      expect((await postComment(t.http, reader, article.id, { body: 'this has word5000 in it' })).status).toBe('visible');
    });
  });

  describe('banned words', () => {
    it('hold a comment as pending on a whole-word, case-insensitive, Unicode-aware match; staff bypass; changes apply at once', async () => {
      const reader = await registerReader(t.http);
      const stranger = await registerReader(t.http);
      const article = await createArticle(t.http);
      await putSettings({ bannedWords: ['idiot', 'дурак'], premoderateNewReaders: false }).expect(200);

      const held = await postComment(t.http, reader, article.id, { body: 'What an IDIOT.' });
      expect(held.status).toBe('pending');
      expect((await postComment(t.http, reader, article.id, { body: 'Ты дурак!' })).status).toBe('pending');
      expect((await postComment(t.http, reader, article.id, { body: 'idiotic idiots and дураки' })).status).toBe('visible');
      expect((await postComment(t.http, moderator, article.id, { body: 'Calling someone an idiot is not allowed' })).status).toBe('visible');
      expectProblem(await t.http.get(`/api/v1/comments/${held.id}`).set(stranger.auth), 404, 'COMMENT_NOT_FOUND');
      await t.http.get(`/api/v1/comments/${held.id}`).set(reader.auth).expect(200);

      const queue = await t.http.get('/api/v1/admin/queue?state=pending').set(moderator.auth).expect(200);
      expect(queue.body.items.map((item: { id: string }) => item.id)).toContain(held.id);

      await putSettings({ bannedWords: [], premoderateNewReaders: false }).expect(200);
      expect((await postComment(t.http, reader, article.id, { body: 'You idiot, again' })).status).toBe('visible');
    });
  });

  describe('premoderation of new readers', () => {
    it('holds a new reader\'s comments until three are approved; the fourth is published at once', async () => {
      await putSettings({ bannedWords: [], premoderateNewReaders: true }).expect(200);
      const reader = await registerReader(t.http);
      const article = await createArticle(t.http);
      for (let round = 1; round <= 3; round += 1) {
        const comment = await postComment(t.http, reader, article.id, { body: `Careful thought number ${round}` });
        expect(comment.status).toBe('pending');
        expect((await t.http.post(`/api/v1/admin/comments/${comment.id}/approve`).set(moderator.auth).expect(200)).body.status).toBe('visible');
      }
      expect((await t.http.get(`/api/v1/users/${reader.id}`).expect(200)).body.commentCount).toBe(3);
      expect((await postComment(t.http, reader, article.id, { body: 'Now a trusted reader' })).status).toBe('visible');
      expect((await postComment(t.http, admin, article.id, { body: 'Staff are never held' })).status).toBe('visible');
      expect((await auditEntriesFor(t.db, 'moderation')).length).toBeGreaterThan(0);
    });
  });

  describe('PATCH /admin/articles/:articleId', () => {
    it('closes and reopens comments, audited once per change, and 404s an unknown article', async () => {
      const article = await createArticle(t.http);
      const reader = await registerReader(t.http);
      const closed = await t.http.patch(`/api/v1/admin/articles/${article.id}`).set(moderator.auth).send({ commentsOpen: false, reason: 'legal hold' }).expect(200);
      expect(closed.body).toEqual(expect.objectContaining({ id: article.id, commentsOpen: false }));
      await t.http.patch(`/api/v1/admin/articles/${article.id}`).set(moderator.auth).send({ commentsOpen: false }).expect(200);
      expectProblem(await t.http.post(`/api/v1/articles/${article.id}/comments`).set(reader.auth).send({ body: 'hello' }), 409, 'COMMENTS_CLOSED');
      await t.http.patch(`/api/v1/admin/articles/${article.id}`).set(admin.auth).send({ commentsOpen: true }).expect(200);
      await postComment(t.http, reader, article.id);
      expect((await auditEntriesFor(t.db, article.id)).map((entry) => [entry.action, entry.actor_id, entry.reason])).toEqual([
        ['article.close_comments', moderator.id, 'legal hold'],
        ['article.open_comments', admin.id, null],
      ]);
      expectProblem(await t.http.patch('/api/v1/admin/articles/no-such-article').set(moderator.auth).send({ commentsOpen: false }), 404, 'ARTICLE_NOT_FOUND');
      expectProblem(await t.http.patch(`/api/v1/admin/articles/${article.id}`).set(moderator.auth).send({ commentsOpen: 'no' }), 400, 'VALIDATION_FAILED');
      expectProblem(await t.http.patch(`/api/v1/admin/articles/${article.id}`).set(moderator.auth).send({}), 400, 'VALIDATION_FAILED');
    });
  });

  describe('GET /admin/audit-log', () => {
    it('pages every action newest first with the actor\'s profile; an erased actor shows as null', async () => {
      const target = await registerReader(t.http);
      const erasable = await registerStaff(t.http, t.db, 'moderator');
      await t.http.post(`/api/v1/admin/users/${target.id}/suspend`).set(erasable.auth).send({ until: new Date(Date.now() + 60_000).toISOString(), reason: 'one' }).expect(200);
      await t.http.post(`/api/v1/admin/users/${target.id}/unsuspend`).set(moderator.auth).send({ reason: 'two' }).expect(200);
      await t.http.post(`/api/v1/admin/users/${target.id}/ban`).set(admin.auth).send({ reason: 'three' }).expect(200);
      await t.http.delete('/api/v1/me').set(erasable.auth).send({ password: erasable.password }).expect(204);

      const all: { id: string; action: string; targetId: string; reason: string | null; actor: { id: string } | null; createdAt: string }[] = [];
      let cursor: string | null = null;
      do {
        const url: string = `/api/v1/admin/audit-log?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
        const page = await t.http.get(url).set(admin.auth).expect(200);
        expect(page.body.items.length).toBeLessThanOrEqual(2);
        all.push(...page.body.items);
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(new Set(all.map((entry) => entry.id)).size).toBe(all.length);
      const total = await t.db.query('SELECT count(*)::int AS n FROM moderation_actions');
      expect(all).toHaveLength(total[0].n);
      const sorted = [...all].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
      expect(all.map((entry) => entry.createdAt)).toEqual(sorted.map((entry) => entry.createdAt));

      const ours = all.filter((entry) => entry.targetId === target.id);
      expect(ours.map((entry) => [entry.action, entry.reason, entry.actor?.id ?? null])).toEqual([
        ['user.ban', 'three', admin.id],
        ['user.unsuspend', 'two', moderator.id],
        ['user.suspend', 'one', null],
      ]);
      expect(ours[0]).toEqual({
        id: expect.any(String),
        actor: expect.objectContaining({ id: admin.id, displayName: admin.displayName, role: 'admin' }),
        action: 'user.ban',
        targetType: 'user',
        targetId: target.id,
        reason: 'three',
        note: null,
        createdAt: expect.any(String),
      });
      expectProblem(await t.http.get('/api/v1/admin/audit-log?cursor=bogus!').set(admin.auth), 400, 'INVALID_CURSOR');
    });

    it('is append-only in the database itself', async () => {
      const article = await createArticle(t.http);
      await t.http.patch(`/api/v1/admin/articles/${article.id}`).set(moderator.auth).send({ commentsOpen: false }).expect(200);
      await expect(t.db.query(`UPDATE moderation_actions SET reason = 'rewritten' WHERE target_id = $1`, [article.id])).rejects.toThrow(/append-only/);
      await expect(t.db.query(`DELETE FROM moderation_actions WHERE target_id = $1`, [article.id])).rejects.toThrow(/append-only/);
    });
  });
});
