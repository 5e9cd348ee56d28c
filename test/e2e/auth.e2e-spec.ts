import { newReaderInput, registerReader } from '../factories/users.factory';
import { expectProblem } from '../support/problem';
import { createTestApp, TestApp } from '../support/test-app';

describe('auth (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  describe('POST /api/v1/auth/register', () => {
    it('creates an account and signs in', async () => {
      const input = newReaderInput();
      const response = await t.http.post('/api/v1/auth/register').send(input).expect(201);
      expect(response.body).toEqual({
        user: expect.objectContaining({
          id: expect.stringMatching(/^[0-9a-f-]{36}$/),
          email: input.email,
          displayName: input.displayName,
          role: 'reader',
          bio: null,
          isSupporter: false,
          supporter: { active: false, since: null, until: null, recurring: false },
          unreadNotifications: 0,
          followerCount: 0,
          followingCount: 0,
          commentCount: 0,
          createdAt: expect.any(String),
        }),
        accessToken: expect.any(String),
        refreshToken: expect.any(String),
        expiresIn: 900,
      });
      expect(response.body.user).not.toHaveProperty('passwordHash');
      const stored = await t.db.query('SELECT password_hash FROM users WHERE id = $1', [response.body.user.id]);
      expect(stored[0].password_hash).toMatch(/^\$argon2id\$/);
    });

    it('refuses an email already registered, whatever its case (409 EMAIL_TAKEN)', async () => {
      const first = await registerReader(t.http);
      const response = await t.http
        .post('/api/v1/auth/register')
        .send(newReaderInput({ email: first.email.toUpperCase() }));
      expectProblem(response, 409, 'EMAIL_TAKEN');
    });

    it('refuses a display name already taken, whatever its case (409 DISPLAY_NAME_TAKEN)', async () => {
      const first = await registerReader(t.http);
      const response = await t.http
        .post('/api/v1/auth/register')
        .send(newReaderInput({ displayName: first.displayName.toLowerCase() }));
      expectProblem(response, 409, 'DISPLAY_NAME_TAKEN');
    });

    it('lets only one of many concurrent registrations of one email through', async () => {
      const input = newReaderInput();
      const responses = await Promise.all(
        Array.from({ length: 8 }, (_, index) =>
          t.http.post('/api/v1/auth/register').send({ ...input, displayName: `${input.displayName.slice(0, 30)}-${index}` }),
        ),
      );
      expect(responses.map((response) => response.status).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
      const rows = await t.db.query('SELECT count(*)::int AS n FROM users WHERE email = $1', [input.email]);
      expect(rows[0].n).toBe(1);
    });

    it.each([
      ['a short password', { password: 'short' }, 'password'],
      ['a bad email', { email: 'not-an-email' }, 'email'],
      ['a one-letter display name', { displayName: 'A' }, 'displayName'],
      ['a 41-character display name', { displayName: 'x'.repeat(41) }, 'displayName'],
      ['a display name with control characters', { displayName: 'Bad\u0000Name' }, 'displayName'],
      ['an unknown field', { isAdmin: true }, 'isAdmin'],
      ['a password that is not a string', { password: 1234567890123 }, 'password'],
    ])('refuses %s (400 VALIDATION_FAILED naming the field)', async (_, change, field) => {
      const response = await t.http.post('/api/v1/auth/register').send({ ...newReaderInput(), ...change });
      expectProblem(response, 400, 'VALIDATION_FAILED');
      expect(response.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    });

    it('refuses a missing body with field errors', async () => {
      const response = await t.http.post('/api/v1/auth/register').send({});
      expectProblem(response, 400, 'VALIDATION_FAILED');
      expect(response.body.errors.map((error: { field: string }) => error.field)).toEqual(
        expect.arrayContaining(['email', 'password', 'displayName']),
      );
    });
  });

  describe('POST /api/v1/auth/login', () => {
    it('signs in with the right password, email in any case', async () => {
      const reader = await registerReader(t.http);
      const response = await t.http
        .post('/api/v1/auth/login')
        .send({ email: reader.email.toUpperCase(), password: reader.password })
        .expect(200);
      expect(response.body.user.id).toBe(reader.id);
      expect(response.body.accessToken).toEqual(expect.any(String));
      expect(response.body.refreshToken).toEqual(expect.any(String));
    });

    it('answers a wrong password and an unknown email with the same 401', async () => {
      const reader = await registerReader(t.http);
      const wrongPassword = await t.http.post('/api/v1/auth/login').send({ email: reader.email, password: 'wrong password!' });
      const unknownEmail = await t.http.post('/api/v1/auth/login').send({ email: 'nobody@example.test', password: reader.password });
      expectProblem(wrongPassword, 401, 'INVALID_CREDENTIALS');
      expectProblem(unknownEmail, 401, 'INVALID_CREDENTIALS');
      const { instance: _a, ...first } = wrongPassword.body;
      const { instance: _b, ...second } = unknownEmail.body;
      expect(first).toEqual(second);
    });

    it('refuses a malformed body (400)', async () => {
      expectProblem(await t.http.post('/api/v1/auth/login').send({ email: 'x@example.test' }), 400, 'VALIDATION_FAILED');
    });
  });

  describe('POST /api/v1/auth/refresh', () => {
    it('rotates: the new pair works and the old refresh token stops working', async () => {
      const reader = await registerReader(t.http);
      const first = await t.http.post('/api/v1/auth/refresh').send({ refreshToken: reader.refreshToken }).expect(200);
      expect(first.body).toEqual({ accessToken: expect.any(String), refreshToken: expect.any(String), expiresIn: 900 });
      expect(first.body.refreshToken).not.toBe(reader.refreshToken);
      await t.http.get('/api/v1/me').set('Authorization', `Bearer ${first.body.accessToken}`).expect(200);
      const second = await t.http.post('/api/v1/auth/refresh').send({ refreshToken: first.body.refreshToken }).expect(200);
      expect(second.body.refreshToken).not.toBe(first.body.refreshToken);
    });

    it('revokes the whole session when an already-used token comes back', async () => {
      const reader = await registerReader(t.http);
      const rotated = await t.http.post('/api/v1/auth/refresh').send({ refreshToken: reader.refreshToken }).expect(200);
      const reuse = await t.http.post('/api/v1/auth/refresh').send({ refreshToken: reader.refreshToken });
      expectProblem(reuse, 401, 'INVALID_REFRESH_TOKEN');
      // The legitimate holder of the newer token is signed out too.
      expectProblem(await t.http.post('/api/v1/auth/refresh').send({ refreshToken: rotated.body.refreshToken }), 401, 'INVALID_REFRESH_TOKEN');
      expectProblem(
        await t.http.get('/api/v1/me').set('Authorization', `Bearer ${rotated.body.accessToken}`),
        401,
        'UNAUTHENTICATED',
      );
    });

    it('leaves other sessions of the same reader alone when one is revoked for reuse', async () => {
      const reader = await registerReader(t.http);
      const other = await t.http.post('/api/v1/auth/login').send({ email: reader.email, password: reader.password }).expect(200);
      await t.http.post('/api/v1/auth/refresh').send({ refreshToken: reader.refreshToken }).expect(200);
      await t.http.post('/api/v1/auth/refresh').send({ refreshToken: reader.refreshToken }).expect(401);
      await t.http.post('/api/v1/auth/refresh').send({ refreshToken: other.body.refreshToken }).expect(200);
    });

    it('lets only one of two concurrent refreshes with the same token succeed', async () => {
      const reader = await registerReader(t.http);
      const responses = await Promise.all([
        t.http.post('/api/v1/auth/refresh').send({ refreshToken: reader.refreshToken }),
        t.http.post('/api/v1/auth/refresh').send({ refreshToken: reader.refreshToken }),
      ]);
      expect(responses.filter((response) => response.status === 200).length).toBeLessThanOrEqual(1);
      expect(responses.some((response) => response.status === 401)).toBe(true);
    });

    it.each(['garbage', 'a.b', ''])('refuses a forged or malformed token %p', async (refreshToken) => {
      const response = await t.http.post('/api/v1/auth/refresh').send({ refreshToken });
      expect([400, 401]).toContain(response.status);
      expect(response.body.code).toBe(response.status === 400 ? 'VALIDATION_FAILED' : 'INVALID_REFRESH_TOKEN');
    });
  });

  describe('POST /api/v1/auth/logout', () => {
    it('ends the session at once: the access token and refresh token stop working', async () => {
      const reader = await registerReader(t.http);
      await t.http.post('/api/v1/auth/logout').set(reader.auth).send({ refreshToken: reader.refreshToken }).expect(204);
      expectProblem(await t.http.get('/api/v1/me').set(reader.auth), 401, 'UNAUTHENTICATED');
      expectProblem(await t.http.post('/api/v1/auth/refresh').send({ refreshToken: reader.refreshToken }), 401, 'INVALID_REFRESH_TOKEN');
    });

    it('needs a signed-in reader (401)', async () => {
      expectProblem(await t.http.post('/api/v1/auth/logout').send({ refreshToken: 'x' }), 401, 'UNAUTHENTICATED');
    });
  });

  describe('access tokens', () => {
    it('carry sub, role and sid and live at most 15 minutes', async () => {
      const reader = await registerReader(t.http);
      const claims = JSON.parse(Buffer.from(reader.accessToken.split('.')[1], 'base64url').toString());
      expect(claims).toEqual(expect.objectContaining({ sub: reader.id, role: 'reader', sid: expect.any(String) }));
      expect(claims.exp - claims.iat).toBeLessThanOrEqual(900);
    });

    it('are refused when tampered with or malformed', async () => {
      const reader = await registerReader(t.http);
      const [header, payload, signature] = reader.accessToken.split('.');
      const forged = JSON.parse(Buffer.from(payload, 'base64url').toString());
      forged.role = 'admin';
      const tampered = `${header}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${signature}`;
      expectProblem(await t.http.get('/api/v1/me').set('Authorization', `Bearer ${tampered}`), 401, 'UNAUTHENTICATED');
      expectProblem(await t.http.get('/api/v1/me').set('Authorization', 'Bearer nonsense'), 401, 'UNAUTHENTICATED');
      expectProblem(await t.http.get('/api/v1/me').set('Authorization', 'Basic abc'), 401, 'UNAUTHENTICATED');
    });
  });
});
