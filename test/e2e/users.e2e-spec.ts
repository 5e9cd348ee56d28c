import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/app.factory';
import { ConfigurationError, loadConfig } from '../../src/config/app-config';
import { registerReader } from '../factories/users.factory';
import { expectProblem } from '../support/problem';
import { createTestApp, TestApp, testEnvironment } from '../support/test-app';

describe('users and /me (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  describe('GET /api/v1/me', () => {
    it('returns the reader with email, role, supporter, unreadNotifications and createdAt', async () => {
      const reader = await registerReader(t.http);
      const response = await t.http.get('/api/v1/me').set(reader.auth).expect(200);
      expect(response.body).toEqual(
        expect.objectContaining({
          id: reader.id,
          email: reader.email,
          displayName: reader.displayName,
          role: 'reader',
          supporter: { active: false, since: null, until: null, recurring: false },
          unreadNotifications: 0,
          createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T.*Z$/),
        }),
      );
    });

    it('needs a token (401)', async () => {
      expectProblem(await t.http.get('/api/v1/me'), 401, 'UNAUTHENTICATED');
    });
  });

  describe('PATCH /api/v1/me', () => {
    it('changes display name and bio', async () => {
      const reader = await registerReader(t.http);
      const displayName = `Renamed ${reader.id.slice(0, 8)}`;
      const response = await t.http.patch('/api/v1/me').set(reader.auth).send({ displayName, bio: 'I read the paper.' }).expect(200);
      expect(response.body).toEqual(expect.objectContaining({ displayName, bio: 'I read the paper.', email: reader.email }));
      const profile = await t.http.get(`/api/v1/users/${reader.id}`).expect(200);
      expect(profile.body.displayName).toBe(displayName);
    });

    it('stores HTML-looking text as written', async () => {
      const reader = await registerReader(t.http);
      const bio = '<script>alert("x")</script> & <b>bold</b>';
      const response = await t.http.patch('/api/v1/me').set(reader.auth).send({ bio }).expect(200);
      expect(response.body.bio).toBe(bio);
    });

    it('refuses a display name another reader has (409 DISPLAY_NAME_TAKEN)', async () => {
      const [first, second] = [await registerReader(t.http), await registerReader(t.http)];
      const response = await t.http.patch('/api/v1/me').set(second.auth).send({ displayName: first.displayName.toUpperCase() });
      expectProblem(response, 409, 'DISPLAY_NAME_TAKEN');
    });

    it.each([
      [{ bio: 'x'.repeat(501) }, 'bio'],
      [{ displayName: 'x' }, 'displayName'],
      [{ email: 'new@example.test' }, 'email'],
      [{ role: 'admin' }, 'role'],
    ])('refuses %p (400 VALIDATION_FAILED)', async (body, field) => {
      const reader = await registerReader(t.http);
      const response = await t.http.patch('/api/v1/me').set(reader.auth).send(body);
      expectProblem(response, 400, 'VALIDATION_FAILED');
      expect(response.body.errors[0].field).toBe(field);
    });
  });

  describe('GET /api/v1/users/:id', () => {
    it('returns the public profile, without email or supporter details', async () => {
      const reader = await registerReader(t.http);
      const response = await t.http.get(`/api/v1/users/${reader.id}`).expect(200);
      expect(response.body).toEqual({
        id: reader.id,
        displayName: reader.displayName,
        bio: null,
        role: 'reader',
        isSupporter: false,
        createdAt: expect.any(String),
        followerCount: 0,
        followingCount: 0,
        commentCount: 0,
      });
    });

    it.each(['00000000-0000-4000-8000-000000000000', 'not-a-uuid'])('answers 404 USER_NOT_FOUND for %s', async (id) => {
      expectProblem(await t.http.get(`/api/v1/users/${id}`), 404, 'USER_NOT_FOUND');
    });
  });

  describe('DELETE /api/v1/me', () => {
    it('erases the account: email, name, bio and sessions go, and the profile is gone', async () => {
      const reader = await registerReader(t.http);
      await t.http.patch('/api/v1/me').set(reader.auth).send({ bio: 'soon gone' }).expect(200);
      await t.http.delete('/api/v1/me').set(reader.auth).send({ password: reader.password }).expect(204);

      const [row] = await t.db.query('SELECT email, display_name, bio, password_hash, erased_at FROM users WHERE id = $1', [reader.id]);
      expect(row).toEqual({ email: null, display_name: null, bio: null, password_hash: null, erased_at: expect.any(Date) });
      const sessions = await t.db.query('SELECT count(*)::int AS n FROM sessions WHERE user_id = $1', [reader.id]);
      expect(sessions[0].n).toBe(0);

      expectProblem(await t.http.get('/api/v1/me').set(reader.auth), 401, 'UNAUTHENTICATED');
      expectProblem(await t.http.get(`/api/v1/users/${reader.id}`), 404, 'USER_NOT_FOUND');
      expectProblem(await t.http.post('/api/v1/auth/refresh').send({ refreshToken: reader.refreshToken }), 401, 'INVALID_REFRESH_TOKEN');
      expectProblem(
        await t.http.post('/api/v1/auth/login').send({ email: reader.email, password: reader.password }),
        401,
        'INVALID_CREDENTIALS',
      );
      // Email and display name are free again.
      await registerReader(t.http, { email: reader.email, displayName: reader.displayName });
    });

    it('refuses a wrong password (403 INVALID_PASSWORD) and keeps the account', async () => {
      const reader = await registerReader(t.http);
      expectProblem(await t.http.delete('/api/v1/me').set(reader.auth).send({ password: 'not my password' }), 403, 'INVALID_PASSWORD');
      await t.http.get('/api/v1/me').set(reader.auth).expect(200);
    });

    it('needs the password field (400) and a token (401)', async () => {
      const reader = await registerReader(t.http);
      expectProblem(await t.http.delete('/api/v1/me').set(reader.auth).send({}), 400, 'VALIDATION_FAILED');
      expectProblem(await t.http.delete('/api/v1/me').send({ password: 'x' }), 401, 'UNAUTHENTICATED');
    });
  });

  describe('sanctioned readers', () => {
    it('a suspended reader can read and log in but gets 403 ACCOUNT_SUSPENDED on writes', async () => {
      const reader = await registerReader(t.http);
      await t.db.query(`UPDATE users SET suspended_until = now() + interval '1 day' WHERE id = $1`, [reader.id]);
      const me = await t.http.get('/api/v1/me').set(reader.auth).expect(200);
      expect(me.body.suspendedUntil).toEqual(expect.any(String));
      await t.http.post('/api/v1/auth/login').send({ email: reader.email, password: reader.password }).expect(200);
      expectProblem(await t.http.patch('/api/v1/me').set(reader.auth).send({ bio: 'x' }), 403, 'ACCOUNT_SUSPENDED');
    });

    it('a suspension that has ended no longer blocks writes', async () => {
      const reader = await registerReader(t.http);
      await t.db.query(`UPDATE users SET suspended_until = now() - interval '1 minute' WHERE id = $1`, [reader.id]);
      await t.http.patch('/api/v1/me').set(reader.auth).send({ bio: 'back' }).expect(200);
    });

    it('a banned reader can read and log in but gets 403 ACCOUNT_BANNED on writes, and may still log out', async () => {
      const reader = await registerReader(t.http);
      await t.db.query(`UPDATE users SET banned_at = now() WHERE id = $1`, [reader.id]);
      const login = await t.http.post('/api/v1/auth/login').send({ email: reader.email, password: reader.password }).expect(200);
      const auth = { Authorization: `Bearer ${login.body.accessToken}` };
      await t.http.get('/api/v1/me').set(auth).expect(200);
      expectProblem(await t.http.patch('/api/v1/me').set(auth).send({ bio: 'x' }), 403, 'ACCOUNT_BANNED');
      await t.http.post('/api/v1/auth/logout').set(auth).send({ refreshToken: login.body.refreshToken }).expect(204);
    });

    it('a role change takes effect on the next request, without a new token', async () => {
      const reader = await registerReader(t.http);
      await t.db.query(`UPDATE users SET role = 'moderator' WHERE id = $1`, [reader.id]);
      const me = await t.http.get('/api/v1/me').set(reader.auth).expect(200);
      expect(me.body.role).toBe('moderator');
    });
  });
});

describe('first admin from the environment (e2e)', () => {
  let logged: string[];
  beforeEach(() => {
    logged = [];
    const capture = (message: unknown) => void logged.push(String(message));
    jest.spyOn(Logger.prototype, 'log').mockImplementation(capture);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(capture);
  });
  afterEach(() => jest.restoreAllMocks());

  const bootstrapLines = () => logged.filter((line) => line.startsWith('Admin bootstrap'));

  it('creates the ADMIN_EMAIL account with role admin at start-up, once, and logs it without the full address', async () => {
    const email = `admin-${Date.now()}@example.test`;
    const env = { ADMIN_EMAIL: email, ADMIN_PASSWORD: 'admin password 123' };
    const first = await createTestApp(env);
    await first.close();
    const second = await createTestApp(env);
    try {
      const login = await second.http.post('/api/v1/auth/login').send({ email, password: 'admin password 123' }).expect(200);
      expect(login.body.user.role).toBe('admin');
      const rows = await second.db.query('SELECT count(*)::int AS n FROM users WHERE email = $1', [email]);
      expect(rows[0].n).toBe(1);
    } finally {
      await second.close();
    }
    expect(bootstrapLines()).toEqual([
      expect.stringContaining('created the admin account a***@example.test'),
      expect.stringContaining('a***@example.test is already admin; nothing changed'),
    ]);
    expect(logged.join('\n')).not.toContain(email);
  });

  it('never resets an existing admin\'s password when ADMIN_PASSWORD changes', async () => {
    const email = `admin-${Date.now()}@example.test`;
    const first = await createTestApp({ ADMIN_EMAIL: email, ADMIN_PASSWORD: 'first admin password' });
    await first.close();
    const restarted = await createTestApp({ ADMIN_EMAIL: email, ADMIN_PASSWORD: 'second admin password' });
    try {
      await restarted.http.post('/api/v1/auth/login').send({ email, password: 'first admin password' }).expect(200);
      expectProblem(await restarted.http.post('/api/v1/auth/login').send({ email, password: 'second admin password' }), 401, 'INVALID_CREDENTIALS');
    } finally {
      await restarted.close();
    }
  });

  it('refuses to start, in one line naming ADMIN_PROMOTE_EXISTING=true, when a reader already holds that address', async () => {
    const t = await createTestApp();
    const reader = await registerReader(t.http);
    await t.close();
    const app = await createApp(loadConfig(testEnvironment({ ADMIN_EMAIL: reader.email, ADMIN_PASSWORD: 'whatever password' })));
    try {
      const refusal = await app.init().then(() => null, (error: unknown) => error);
      expect(refusal).toBeInstanceOf(ConfigurationError);
      const message = (refusal as Error).message;
      expect(message).toContain('ADMIN_PROMOTE_EXISTING=true');
      expect(message).not.toContain('\n');
      expect(message).not.toContain(reader.email);
      const [row] = await app.get(DataSource).query('SELECT role FROM users WHERE id = $1', [reader.id]);
      expect(row.role).toBe('reader');
    } finally {
      await app.close();
    }
  });

  it('promotes an existing account only with ADMIN_PROMOTE_EXISTING=true, keeping its password, and logs it', async () => {
    const t = await createTestApp();
    const reader = await registerReader(t.http);
    await t.close();
    const restarted = await createTestApp({ ADMIN_EMAIL: reader.email, ADMIN_PASSWORD: 'whatever password', ADMIN_PROMOTE_EXISTING: 'true' });
    try {
      const me = await restarted.http.get('/api/v1/me').set(reader.auth).expect(200);
      expect(me.body.role).toBe('admin');
      await restarted.http.post('/api/v1/auth/login').send({ email: reader.email, password: reader.password }).expect(200);
    } finally {
      await restarted.close();
    }
    expect(bootstrapLines()).toEqual([expect.stringMatching(/promoted the existing account r\*\*\*@example\.test from reader to admin/)]);
  });
});
