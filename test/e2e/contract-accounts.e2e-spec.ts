import { createArticle } from '../factories/articles.factory';
import { newReaderInput, registerReader, registerStaff, uniqueSuffix } from '../factories/users.factory';
import { expectProblem } from '../support/problem';
import { createTestApp, TestApp } from '../support/test-app';

const PROFILE_KEYS = ['bio', 'commentCount', 'createdAt', 'displayName', 'followerCount', 'followingCount', 'id', 'isSupporter', 'role'];

/** The contract's "Accounts" section (register, login, refresh, logout, me, users), line by line, over HTTP only. */
describe('contract: accounts (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  describe('POST /api/v1/auth/register', () => {
    it('"{email, password, displayName} → 201 {user, accessToken, refreshToken}"; user = profile + email, emailVerified, supporter', async () => {
      const input = newReaderInput();
      const response = await t.http.post('/api/v1/auth/register').send(input).expect(201);
      expect(response.body).toEqual(expect.objectContaining({ accessToken: expect.any(String), refreshToken: expect.any(String), user: expect.any(Object) }));
      expect(response.body.user).toEqual(
        expect.objectContaining({
          id: expect.any(String),
          displayName: input.displayName,
          bio: null,
          role: 'reader',
          isSupporter: false,
          followerCount: 0,
          followingCount: 0,
          commentCount: 0,
          createdAt: expect.any(String),
          email: input.email,
          emailVerified: false,
          supporter: { active: false, since: null, until: null, recurring: false },
        }),
      );
    });

    it('"Email unique case-insensitively (409 EMAIL_TAKEN)"', async () => {
      const first = await registerReader(t.http);
      const response = await t.http.post('/api/v1/auth/register').send(newReaderInput({ email: first.email.toUpperCase() }));
      expectProblem(response, 409, 'EMAIL_TAKEN');
    });

    it('"displayName ... unique case-insensitively (409 DISPLAY_NAME_TAKEN)"', async () => {
      const first = await registerReader(t.http);
      const response = await t.http.post('/api/v1/auth/register').send(newReaderInput({ displayName: first.displayName.toLowerCase() }));
      expectProblem(response, 409, 'DISPLAY_NAME_TAKEN');
    });

    it('"password ≥ 10 chars"', async () => {
      expectProblem(await t.http.post('/api/v1/auth/register').send(newReaderInput({ password: '123456789' })), 400, 'VALIDATION_FAILED');
      await t.http.post('/api/v1/auth/register').send(newReaderInput({ password: '1234567890' })).expect(201);
    });

    it('"displayName 2–40 chars"', async () => {
      const suffix = uniqueSuffix();
      expectProblem(await t.http.post('/api/v1/auth/register').send(newReaderInput({ displayName: 'x' })), 400, 'VALIDATION_FAILED');
      expectProblem(
        await t.http.post('/api/v1/auth/register').send(newReaderInput({ displayName: `${suffix}${'y'.repeat(29)}` })),
        400,
        'VALIDATION_FAILED',
      );
      await t.http.post('/api/v1/auth/register').send(newReaderInput({ displayName: suffix.slice(0, 2) + suffix.slice(-2) })).expect(201);
      await t.http.post('/api/v1/auth/register').send(newReaderInput({ displayName: `${suffix}${'z'.repeat(28)}` })).expect(201);
    });
  });

  describe('POST /api/v1/auth/login', () => {
    it('"{email, password} → 200 {user, accessToken, refreshToken}"', async () => {
      const reader = await registerReader(t.http);
      const response = await t.http.post('/api/v1/auth/login').send({ email: reader.email, password: reader.password }).expect(200);
      expect(response.body).toEqual(expect.objectContaining({ accessToken: expect.any(String), refreshToken: expect.any(String), user: expect.any(Object) }));
      expect(response.body.user).toEqual(expect.objectContaining({ id: reader.id, email: reader.email }));
    });

    it('"wrong email or password → the same 401"', async () => {
      const reader = await registerReader(t.http);
      const wrongPassword = await t.http.post('/api/v1/auth/login').send({ email: reader.email, password: 'not the password' });
      const wrongEmail = await t.http.post('/api/v1/auth/login').send({ email: `nobody-${uniqueSuffix()}@example.test`, password: reader.password });
      expectProblem(wrongPassword, 401, 'INVALID_CREDENTIALS');
      expectProblem(wrongEmail, 401, 'INVALID_CREDENTIALS');
      const strip = (body: Record<string, unknown>) => ({ ...body, instance: undefined, requestId: undefined });
      expect(strip(wrongEmail.body)).toEqual(strip(wrongPassword.body));
    });
  });

  describe('POST /api/v1/auth/refresh', () => {
    it('"{refreshToken} → 200 {accessToken, refreshToken}; the old refresh token stops working"', async () => {
      const reader = await registerReader(t.http);
      const response = await t.http.post('/api/v1/auth/refresh').send({ refreshToken: reader.refreshToken }).expect(200);
      expect(response.body).toEqual(expect.objectContaining({ accessToken: expect.any(String), refreshToken: expect.any(String) }));
      expect(response.body).not.toHaveProperty('user');
      await t.http.get('/api/v1/me').set('Authorization', `Bearer ${response.body.accessToken}`).expect(200);
      expect((await t.http.post('/api/v1/auth/refresh').send({ refreshToken: reader.refreshToken })).status).toBe(401);
    });

    it('"presenting an already-used one revokes that whole session (401)"', async () => {
      const reader = await registerReader(t.http);
      const next = await t.http.post('/api/v1/auth/refresh').send({ refreshToken: reader.refreshToken }).expect(200);
      const replay = await t.http.post('/api/v1/auth/refresh').send({ refreshToken: reader.refreshToken });
      expect(replay.status).toBe(401);
      expect(replay.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect((await t.http.post('/api/v1/auth/refresh').send({ refreshToken: next.body.refreshToken })).status).toBe(401);
    });

    it('"An access token lives ≤ 15 minutes; a refresh token ≤ 30 days"', async () => {
      const reader = await registerReader(t.http);
      const claims = JSON.parse(Buffer.from(reader.accessToken.split('.')[1], 'base64url').toString());
      expect(claims.exp - claims.iat).toBeLessThanOrEqual(15 * 60);
      expect(t.config.refreshTokenTtlDays).toBeLessThanOrEqual(30);
    });
  });

  describe('POST /api/v1/auth/logout', () => {
    it('"reader: {refreshToken} → 204; the session ends"', async () => {
      const reader = await registerReader(t.http);
      expectProblem(await t.http.post('/api/v1/auth/logout').send({ refreshToken: reader.refreshToken }), 401, 'UNAUTHENTICATED');
      await t.http.post('/api/v1/auth/logout').set(reader.auth).send({ refreshToken: reader.refreshToken }).expect(204);
      expect((await t.http.post('/api/v1/auth/refresh').send({ refreshToken: reader.refreshToken })).status).toBe(401);
    });
  });

  describe('/api/v1/me', () => {
    it('"GET → 200 user with email, role, supporter, unreadNotifications, createdAt"', async () => {
      const reader = await registerReader(t.http);
      const response = await t.http.get('/api/v1/me').set(reader.auth).expect(200);
      expect(response.body).toEqual(
        expect.objectContaining({
          email: reader.email,
          emailVerified: false,
          role: 'reader',
          supporter: { active: false, since: null, until: null, recurring: false },
          unreadNotifications: 0,
          createdAt: expect.any(String),
        }),
      );
      for (const key of PROFILE_KEYS) expect(response.body).toHaveProperty(key);
    });

    it('"PATCH {displayName?, bio?} (bio ≤ 500) → 200 user"', async () => {
      const reader = await registerReader(t.http);
      const response = await t.http.patch('/api/v1/me').set(reader.auth).send({ bio: 'b'.repeat(500) }).expect(200);
      expect(response.body).toEqual(expect.objectContaining({ id: reader.id, email: reader.email, bio: 'b'.repeat(500) }));
      expectProblem(await t.http.patch('/api/v1/me').set(reader.auth).send({ bio: 'b'.repeat(501) }), 400, 'VALIDATION_FAILED');
    });

    it('"DELETE {password} → 204 ... comments stay in threads as tombstones with no author and no body"', async () => {
      const reader = await registerReader(t.http);
      const article = await createArticle(t.http);
      const posted = await t.http.post(`/api/v1/articles/${article.id}/comments`).set(reader.auth).send({ body: 'soon gone' }).expect(201);
      await t.http.delete('/api/v1/me').set(reader.auth).send({ password: reader.password }).expect(204);
      expect((await t.http.post('/api/v1/auth/login').send({ email: reader.email, password: reader.password })).status).toBe(401);
      expect((await t.http.post('/api/v1/auth/refresh').send({ refreshToken: reader.refreshToken })).status).toBe(401);
      const comment = await t.http.get(`/api/v1/comments/${posted.body.id}`).expect(200);
      expect(comment.body).toEqual(expect.objectContaining({ author: null, body: null }));
      expect((await t.http.get(`/api/v1/users/${reader.id}`)).status).toBe(404);
    });
  });

  describe('/api/v1/users/:id', () => {
    it('"GET → 200 profile = {id, displayName, bio, role, isSupporter, createdAt, followerCount, followingCount, commentCount}"', async () => {
      const reader = await registerReader(t.http);
      const response = await t.http.get(`/api/v1/users/${reader.id}`).expect(200);
      expect(Object.keys(response.body).sort()).toEqual(PROFILE_KEYS);
    });

    it('404 for an unknown reader', async () => {
      expectProblem(await t.http.get('/api/v1/users/00000000-0000-4000-8000-000000000000'), 404, 'USER_NOT_FOUND');
    });

    it('"GET /users/:id/comments → page of that reader\'s visible comments, newest first"', async () => {
      const reader = await registerReader(t.http);
      const moderator = await registerStaff(t.http, t.db, 'moderator');
      const article = await createArticle(t.http);
      const ids: string[] = [];
      for (const body of ['first', 'second', 'third']) {
        ids.push((await t.http.post(`/api/v1/articles/${article.id}/comments`).set(reader.auth).send({ body }).expect(201)).body.id);
      }
      await t.http.post(`/api/v1/admin/comments/${ids[1]}/hide`).set(moderator.auth).send({ reason: 'spam' }).expect(200);
      const page = await t.http.get(`/api/v1/users/${reader.id}/comments`).expect(200);
      expect(page.body.items.map((c: { id: string }) => c.id)).toEqual([ids[2], ids[0]]);
      expect(page.body.nextCursor).toBeNull();
    });
  });

  describe('sanctions', () => {
    it('"A suspended or banned reader can read and log in but gets 403 on every write"', async () => {
      const reader = await registerReader(t.http);
      const admin = await registerStaff(t.http, t.db, 'admin');
      const article = await createArticle(t.http);
      const until = new Date(Date.now() + 3600_000).toISOString();
      await t.http.post(`/api/v1/admin/users/${reader.id}/suspend`).set(admin.auth).send({ until, reason: 'cooling off' }).expect(200);
      const login = await t.http.post('/api/v1/auth/login').send({ email: reader.email, password: reader.password }).expect(200);
      const auth = { Authorization: `Bearer ${login.body.accessToken}` };
      await t.http.get('/api/v1/me').set(auth).expect(200);
      await t.http.get(`/api/v1/articles/${article.id}/comments`).set(auth).expect(200);
      expectProblem(await t.http.post(`/api/v1/articles/${article.id}/comments`).set(auth).send({ body: 'hi' }), 403, 'ACCOUNT_SUSPENDED');
      expectProblem(await t.http.patch('/api/v1/me').set(auth).send({ bio: 'hi' }), 403, 'ACCOUNT_SUSPENDED');

      await t.http.post(`/api/v1/admin/users/${reader.id}/ban`).set(admin.auth).send({ reason: 'abuse' }).expect(200);
      const again = await t.http.post('/api/v1/auth/login').send({ email: reader.email, password: reader.password }).expect(200);
      const bannedAuth = { Authorization: `Bearer ${again.body.accessToken}` };
      await t.http.get('/api/v1/me').set(bannedAuth).expect(200);
      expectProblem(await t.http.put(`/api/v1/users/${admin.id}/follow`).set(bannedAuth), 403, 'ACCOUNT_BANNED');
    });
  });
});
