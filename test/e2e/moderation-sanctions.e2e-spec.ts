import { createArticle } from '../factories/articles.factory';
import { auditEntriesFor, minutesFromNow, postComment } from '../factories/moderation.factory';
import { registerReader, registerStaff, RegisteredReader } from '../factories/users.factory';
import { expectProblem } from '../support/problem';
import { createIsolatedTestApp } from '../support/isolated-test-app';
import { createTestApp, TestApp } from '../support/test-app';

describe('moderation sanctions (e2e)', () => {
  let t: TestApp;
  let moderator: RegisteredReader;
  let admin: RegisteredReader;

  beforeAll(async () => {
    t = await createTestApp();
    [moderator, admin] = await Promise.all([registerStaff(t.http, t.db, 'moderator'), registerStaff(t.http, t.db, 'admin')]);
  });
  afterAll(() => t.close());

  const suspend = (actor: RegisteredReader, userId: string, body: Record<string, unknown>) =>
    t.http.post(`/api/v1/admin/users/${userId}/suspend`).set(actor.auth).send(body);

  describe('POST /admin/users/:id/suspend', () => {
    it('suspends until a future time: writes get 403, reads work, /me shows suspendedUntil, the audit log records it', async () => {
      const reader = await registerReader(t.http);
      const article = await createArticle(t.http);
      const until = minutesFromNow(60);
      const response = await suspend(moderator, reader.id, { until, reason: 'Repeated personal attacks' }).expect(200);
      expect(response.body).toEqual(expect.objectContaining({ id: reader.id, suspendedUntil: until, banned: false, bannedAt: null }));

      expectProblem(
        await t.http.post(`/api/v1/articles/${article.id}/comments`).set(reader.auth).send({ body: 'Let me in' }),
        403,
        'ACCOUNT_SUSPENDED',
      );
      expectProblem(await t.http.patch('/api/v1/me').set(reader.auth).send({ bio: 'x' }), 403, 'ACCOUNT_SUSPENDED');
      const me = await t.http.get('/api/v1/me').set(reader.auth).expect(200);
      expect(me.body.suspendedUntil).toBe(until);
      await t.http.get(`/api/v1/articles/${article.id}/comments`).set(reader.auth).expect(200);

      expect(await auditEntriesFor(t.db, reader.id)).toEqual([
        expect.objectContaining({
          actor_id: moderator.id,
          action: 'user.suspend',
          target_type: 'user',
          reason: 'Repeated personal attacks',
          metadata: { until, previousUntil: null },
        }),
      ]);
    });

    it('is a 200 no-op when repeated with the same end, and extends when the end moves', async () => {
      const reader = await registerReader(t.http);
      const until = minutesFromNow(30);
      await suspend(moderator, reader.id, { until, reason: 'first' }).expect(200);
      await suspend(moderator, reader.id, { until, reason: 'again' }).expect(200);
      expect(await auditEntriesFor(t.db, reader.id)).toHaveLength(1);
      const later = minutesFromNow(90);
      const extended = await suspend(moderator, reader.id, { until: later, reason: 'extended' }).expect(200);
      expect(extended.body.suspendedUntil).toBe(later);
      expect((await auditEntriesFor(t.db, reader.id)).map((entry) => entry.reason)).toEqual(['first', 'extended']);
    });

    it('ends on its own: once `until` has passed the reader can write again', async () => {
      const reader = await registerReader(t.http);
      const article = await createArticle(t.http);
      await suspend(moderator, reader.id, { until: minutesFromNow(10), reason: 'short' }).expect(200);
      expectProblem(await t.http.post(`/api/v1/articles/${article.id}/comments`).set(reader.auth).send({ body: 'too soon' }), 403, 'ACCOUNT_SUSPENDED');
      // Time passes: move the end into the past rather than sleeping.
      await t.db.query(`UPDATE users SET suspended_until = now() - interval '1 second' WHERE id = $1`, [reader.id]);
      await t.http.post(`/api/v1/articles/${article.id}/comments`).set(reader.auth).send({ body: 'back again' }).expect(201);
      expect((await t.http.get('/api/v1/me').set(reader.auth).expect(200)).body.suspendedUntil).toBeNull();
    });

    it('refuses an end in the past or a malformed body with 400', async () => {
      const reader = await registerReader(t.http);
      expectProblem(await suspend(moderator, reader.id, { until: minutesFromNow(-1), reason: 'late' }), 400, 'VALIDATION_FAILED');
      expectProblem(await suspend(moderator, reader.id, { until: 'tomorrow', reason: 'x' }), 400, 'VALIDATION_FAILED');
      expectProblem(await suspend(moderator, reader.id, { until: minutesFromNow(5) }), 400, 'VALIDATION_FAILED');
      expectProblem(await suspend(moderator, reader.id, { until: minutesFromNow(5), reason: '   ' }), 400, 'VALIDATION_FAILED');
      expectProblem(await suspend(moderator, reader.id, { until: minutesFromNow(5), reason: 'x', extra: 1 }), 400, 'VALIDATION_FAILED');
      expect(await auditEntriesFor(t.db, reader.id)).toEqual([]);
    });

    it('answers 404 USER_NOT_FOUND for an unknown, malformed or erased account', async () => {
      const body = { until: minutesFromNow(5), reason: 'x' };
      expectProblem(await suspend(moderator, '00000000-0000-4000-8000-000000000000', body), 404, 'USER_NOT_FOUND');
      expectProblem(await suspend(moderator, 'not-a-uuid', body), 404, 'USER_NOT_FOUND');
      const erased = await registerReader(t.http);
      await t.http.delete('/api/v1/me').set(erased.auth).send({ password: erased.password }).expect(204);
      expectProblem(await suspend(moderator, erased.id, body), 404, 'USER_NOT_FOUND');
    });

    it('lets only admins sanction moderators, nobody sanction an admin or themselves (403)', async () => {
      const otherModerator = await registerStaff(t.http, t.db, 'moderator');
      const otherAdmin = await registerStaff(t.http, t.db, 'admin');
      const body = { until: minutesFromNow(5), reason: 'x' };
      expectProblem(await suspend(moderator, otherModerator.id, body), 403, 'FORBIDDEN');
      expectProblem(await suspend(moderator, otherAdmin.id, body), 403, 'FORBIDDEN');
      expectProblem(await suspend(admin, otherAdmin.id, body), 403, 'FORBIDDEN');
      expectProblem(await suspend(moderator, moderator.id, body), 403, 'FORBIDDEN');
      await suspend(admin, otherModerator.id, body).expect(200);
      expectProblem(
        await t.http.post(`/api/v1/admin/users/${otherAdmin.id}/ban`).set(admin.auth).send({ reason: 'x' }),
        403,
        'FORBIDDEN',
      );
    });
  });

  describe('POST /admin/users/:id/unsuspend', () => {
    it('lifts a suspension at once, and is a no-op when there is none', async () => {
      const reader = await registerReader(t.http);
      await suspend(moderator, reader.id, { until: minutesFromNow(60), reason: 'x' }).expect(200);
      const lifted = await t.http.post(`/api/v1/admin/users/${reader.id}/unsuspend`).set(moderator.auth).send({ reason: 'appeal upheld' }).expect(200);
      expect(lifted.body.suspendedUntil).toBeNull();
      await t.http.patch('/api/v1/me').set(reader.auth).send({ bio: 'free again' }).expect(200);
      await t.http.post(`/api/v1/admin/users/${reader.id}/unsuspend`).set(moderator.auth).send({ reason: 'again' }).expect(200);
      expect((await auditEntriesFor(t.db, reader.id)).map((entry) => entry.action)).toEqual(['user.suspend', 'user.unsuspend']);
    });
  });

  describe('POST /admin/users/:id/ban and /unban', () => {
    it('ends every session at once: the access token is refused and the refresh token fails', async () => {
      const reader = await registerReader(t.http);
      const secondLogin = await t.http.post('/api/v1/auth/login').send({ email: reader.email, password: reader.password }).expect(200);
      const response = await t.http.post(`/api/v1/admin/users/${reader.id}/ban`).set(admin.auth).send({ reason: 'Spam ring' }).expect(200);
      expect(response.body).toEqual(expect.objectContaining({ id: reader.id, banned: true, bannedAt: expect.any(String) }));

      expectProblem(await t.http.get('/api/v1/me').set(reader.auth), 401, 'UNAUTHENTICATED');
      expectProblem(await t.http.get('/api/v1/me').set({ Authorization: `Bearer ${secondLogin.body.accessToken}` }), 401, 'UNAUTHENTICATED');
      expect((await t.http.post('/api/v1/auth/refresh').send({ refreshToken: reader.refreshToken })).status).toBe(401);
      expect((await t.http.post('/api/v1/auth/refresh').send({ refreshToken: secondLogin.body.refreshToken })).status).toBe(401);
      const revoked = await t.db.query(`SELECT count(*)::int AS live FROM sessions WHERE user_id = $1 AND revoked_at IS NULL`, [reader.id]);
      expect(revoked[0].live).toBe(0);

      // A banned reader may sign in again to read, but every write is refused.
      const again = await t.http.post('/api/v1/auth/login').send({ email: reader.email, password: reader.password }).expect(200);
      const auth = { Authorization: `Bearer ${again.body.accessToken}` };
      expect((await t.http.get('/api/v1/me').set(auth).expect(200)).body.banned).toBe(true);
      expectProblem(await t.http.patch('/api/v1/me').set(auth).send({ bio: 'x' }), 403, 'ACCOUNT_BANNED');
    });

    it('is a no-op when repeated; unban restores writing; both are audited once', async () => {
      const reader = await registerReader(t.http);
      await t.http.post(`/api/v1/admin/users/${reader.id}/ban`).set(admin.auth).send({ reason: 'first' }).expect(200);
      await t.http.post(`/api/v1/admin/users/${reader.id}/ban`).set(admin.auth).send({ reason: 'again' }).expect(200);
      const unbanned = await t.http.post(`/api/v1/admin/users/${reader.id}/unban`).set(admin.auth).send({ reason: 'appeal' }).expect(200);
      expect(unbanned.body).toEqual(expect.objectContaining({ banned: false, bannedAt: null }));
      await t.http.post(`/api/v1/admin/users/${reader.id}/unban`).set(admin.auth).send({ reason: 'again' }).expect(200);
      const login = await t.http.post('/api/v1/auth/login').send({ email: reader.email, password: reader.password }).expect(200);
      await t.http.patch('/api/v1/me').set({ Authorization: `Bearer ${login.body.accessToken}` }).send({ bio: 'back' }).expect(200);
      expect((await auditEntriesFor(t.db, reader.id)).map((entry) => [entry.action, entry.actor_id, entry.reason])).toEqual([
        ['user.ban', admin.id, 'first'],
        ['user.unban', admin.id, 'appeal'],
      ]);
    });

    it('answers 400 without a reason and 404 for an unknown account', async () => {
      const reader = await registerReader(t.http);
      expectProblem(await t.http.post(`/api/v1/admin/users/${reader.id}/ban`).set(admin.auth).send({}), 400, 'VALIDATION_FAILED');
      expectProblem(
        await t.http.post('/api/v1/admin/users/00000000-0000-4000-8000-000000000000/unban').set(admin.auth).send({ reason: 'x' }),
        404,
        'USER_NOT_FOUND',
      );
    });
  });

  describe('PUT /admin/users/:id/role', () => {
    it('changes a role (the next request already carries it) and records from/to; repeating is a no-op', async () => {
      const reader = await registerReader(t.http);
      const response = await t.http.put(`/api/v1/admin/users/${reader.id}/role`).set(admin.auth).send({ role: 'moderator', reason: 'new hire' }).expect(200);
      expect(response.body.role).toBe('moderator');
      await t.http.get('/api/v1/admin/queue').set(reader.auth).expect(200);
      await t.http.put(`/api/v1/admin/users/${reader.id}/role`).set(admin.auth).send({ role: 'moderator' }).expect(200);
      expect(await auditEntriesFor(t.db, reader.id)).toEqual([
        expect.objectContaining({ action: 'user.role', actor_id: admin.id, reason: 'new hire', metadata: { from: 'reader', to: 'moderator' } }),
      ]);
    });

    it('refuses an unknown role (400) and an unknown account (404)', async () => {
      const reader = await registerReader(t.http);
      expectProblem(await t.http.put(`/api/v1/admin/users/${reader.id}/role`).set(admin.auth).send({ role: 'owner' }), 400, 'VALIDATION_FAILED');
      expectProblem(
        await t.http.put('/api/v1/admin/users/00000000-0000-4000-8000-000000000000/role').set(admin.auth).send({ role: 'reader' }),
        404,
        'USER_NOT_FOUND',
      );
    });
  });
});

describe('the last admin (e2e, own database)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createIsolatedTestApp();
  });
  afterAll(() => t.close());

  it('cannot be demoted (409 LAST_ADMIN), not even by two admins demoting each other at the same moment', async () => {
    const only = await registerStaff(t.http, t.db, 'admin');
    expectProblem(await t.http.put(`/api/v1/admin/users/${only.id}/role`).set(only.auth).send({ role: 'reader' }), 409, 'LAST_ADMIN');

    const second = await registerStaff(t.http, t.db, 'admin');
    const [a, b] = await Promise.all([
      t.http.put(`/api/v1/admin/users/${second.id}/role`).set(only.auth).send({ role: 'reader' }),
      t.http.put(`/api/v1/admin/users/${only.id}/role`).set(second.auth).send({ role: 'moderator' }),
    ]);
    const statuses = [a.status, b.status].sort();
    // Whichever ran second either lost its own admin role (403) or found the last admin (409).
    expect(statuses[0]).toBe(200);
    expect([403, 409]).toContain(statuses[1]);
    const admins = await t.db.query(`SELECT count(*)::int AS n FROM users WHERE role = 'admin'`);
    expect(admins[0].n).toBe(1);
  });

  it('can demote itself while another admin remains', async () => {
    const first = await registerStaff(t.http, t.db, 'admin');
    await registerStaff(t.http, t.db, 'admin');
    const response = await t.http.put(`/api/v1/admin/users/${first.id}/role`).set(first.auth).send({ role: 'reader' }).expect(200);
    expect(response.body.role).toBe('reader');
    expectProblem(await t.http.get('/api/v1/admin/audit-log').set(first.auth), 403, 'FORBIDDEN');
  });

  it('is not affected by articles or comments (sanity: the isolated app serves the whole API)', async () => {
    const reader = await registerReader(t.http);
    const article = await createArticle(t.http);
    const comment = await postComment(t.http, reader, article.id);
    expect(comment.status).toBe('visible');
  });
});
