import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { registerReader, registerStaff } from '../factories/users.factory';
import {
  base64url,
  NEWSROOM_AUDIENCE,
  NEWSROOM_ISSUER,
  NEWSROOM_SECRETS,
  NewsroomIdentityService,
  newSigningKey,
  SigningKey,
  signWithKey,
  signWithSecret,
} from '../support/newsroom-identity';
import { expectProblem } from '../support/problem';
import { createTestApp, TestApp } from '../support/test-app';

function ssoEnvironment(identity: NewsroomIdentityService, extra: Record<string, string> = {}): Record<string, string> {
  return {
    SSO_JWKS_URL: identity.jwksUrl,
    SSO_SECRETS: NEWSROOM_SECRETS.join(','),
    SSO_ISSUER: NEWSROOM_ISSUER,
    SSO_AUDIENCE: NEWSROOM_AUDIENCE,
    SSO_CLOCK_SKEW_SECONDS: '10',
    SSO_JWKS_REFETCH_INTERVAL_SECONDS: '0',
    ...extra,
  };
}

function subject(): string {
  return `newsroom-${randomUUID()}`;
}

describe('newsroom sign-in (e2e)', () => {
  let identity: NewsroomIdentityService;
  let t: TestApp;
  let rsa: SigningKey;
  let ec: SigningKey;
  let ed: SigningKey;

  const exchange = (token: string) => t.http.post('/api/v1/auth/sso').send({ token });
  const signIn = async (token: string) => {
    const response = await exchange(token);
    if (response.status !== 200) throw new Error(`sso failed: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body as { user: { id: string; displayName: string; email: string; emailVerified: boolean; role: string; isSupporter: boolean; supporter: { active: boolean; until: string | null } }; accessToken: string; refreshToken: string };
  };

  beforeAll(async () => {
    identity = await NewsroomIdentityService.start();
    [rsa, ec, ed] = await Promise.all([newSigningKey('RS256'), newSigningKey('ES256'), newSigningKey('EdDSA')]);
    identity.publish(rsa, ec, ed);
    t = await createTestApp(ssoEnvironment(identity));
  });
  afterAll(async () => {
    await t.close();
    await identity.close();
  });
  beforeEach(() => {
    identity.down = false;
    identity.publish(rsa, ec, ed);
  });

  describe('keys', () => {
    it.each(['RS256', 'ES256', 'EdDSA'] as const)('signs in with a %s token from the key set and creates the account on first use', async (alg) => {
      const key = { RS256: rsa, ES256: ec, EdDSA: ed }[alg];
      const sub = subject();
      const email = `${sub}@readers.example`;
      const body = await signIn(await signWithKey(key, { claims: { sub, email, email_verified: true, name: `Reader ${alg} ${sub.slice(-6)}` } }));
      expect(body).toEqual({
        user: expect.objectContaining({ email, emailVerified: true, displayName: `Reader ${alg} ${sub.slice(-6)}`, role: 'reader', isSupporter: false }),
        accessToken: expect.any(String),
        refreshToken: expect.any(String),
        expiresIn: 900,
      });
      const me = await t.http.get('/api/v1/me').set('Authorization', `Bearer ${body.accessToken}`).expect(200);
      expect(me.body.id).toBe(body.user.id);
      const links = await t.db.query('SELECT provider, user_id FROM user_identities WHERE subject = $1', [sub]);
      expect(links).toEqual([{ provider: 'newsroom', user_id: body.user.id }]);
    });

    it('accepts HS256 tokens signed with any of SSO_SECRETS (rotation) and refuses another secret', async () => {
      await signIn(await signWithSecret(NEWSROOM_SECRETS[0]));
      await signIn(await signWithSecret(NEWSROOM_SECRETS[1]));
      expectProblem(await exchange(await signWithSecret('a-third-secret-nobody-configured-0123456789')), 401, 'INVALID_SSO_TOKEN');
    });

    it('picks up a rotated key: an unknown kid fetches the key set again; a key taken out of it stops working', async () => {
      const next = await newSigningKey('ES256');
      await signIn(await signWithKey(rsa));
      const before = identity.fetches;
      identity.publish(rsa, next);
      await signIn(await signWithKey(next));
      expect(identity.fetches).toBe(before + 1);
      // ec was taken out with that fetch; its next token finds no key and the refetch confirms it.
      expectProblem(await exchange(await signWithKey(ec)), 401, 'INVALID_SSO_TOKEN');
    });

    it('never takes a symmetric key from the key set', async () => {
      const kid = 'published-oct';
      const secret = 'published-secret-that-anyone-could-read-0123456789';
      identity.publishRaw([{ kty: 'oct', kid, k: Buffer.from(secret).toString('base64url'), alg: 'HS256' }]);
      const token = await new SignJWT({ sub: subject() })
        .setProtectedHeader({ alg: 'HS256', kid })
        .setIssuer(NEWSROOM_ISSUER).setAudience(NEWSROOM_AUDIENCE).setIssuedAt().setExpirationTime('5m')
        .sign(new TextEncoder().encode(secret));
      expectProblem(await exchange(token), 401, 'INVALID_SSO_TOKEN');
    });

    it('keeps signing in with keys already fetched while the key set is down; an unknown kid is a 503, not a 401 or 500', async () => {
      await signIn(await signWithKey(ed));
      identity.down = true;
      await signIn(await signWithKey(ed));
      const unknown = await newSigningKey('RS256');
      const response = await exchange(await signWithKey(unknown));
      expectProblem(response, 503, 'SSO_KEYS_UNAVAILABLE');
      expect(response.headers['retry-after']).toBe('5');
    });
  });

  describe('refusals (401 INVALID_SSO_TOKEN)', () => {
    it.each([
      ['a wrong issuer', { issuer: 'https://evil.example' }],
      ['a wrong audience', { audience: 'someone-else' }],
      ['an expired token', { expiresIn: -60 }],
      ['exp more than one hour after iat', { expiresIn: 3600 + 120 }],
      ['a missing sub', { claims: { sub: undefined } }],
      ['a missing exp', { claims: { exp: undefined } }],
      ['a missing exp and iat', { claims: { exp: undefined }, issuedAt: null }],
      ['iat in the future beyond the skew', { issuedAt: 120 }],
      ['a non-string sub', { claims: { sub: 12345 } }],
      ['a malformed supporter_until', { claims: { supporter_until: 'next tuesday' } }],
      ['a malformed email', { claims: { email: 'not an address' } }],
    ])('refuses %s', async (_, options) => {
      expectProblem(await exchange(await signWithKey(rsa, options)), 401, 'INVALID_SSO_TOKEN');
      expectProblem(await exchange(await signWithSecret(NEWSROOM_SECRETS[0], options)), 401, 'INVALID_SSO_TOKEN');
    });

    it('refuses a token whose payload was changed after signing', async () => {
      const [header, , signature] = (await signWithKey(rsa)).split('.');
      const forged = base64url({ sub: subject(), iss: NEWSROOM_ISSUER, aud: NEWSROOM_AUDIENCE, exp: Math.floor(Date.now() / 1000) + 300 });
      expectProblem(await exchange(`${header}.${forged}.${signature}`), 401, 'INVALID_SSO_TOKEN');
    });

    it('refuses alg "none"', async () => {
      const claims = { sub: subject(), iss: NEWSROOM_ISSUER, aud: NEWSROOM_AUDIENCE, exp: Math.floor(Date.now() / 1000) + 300 };
      expectProblem(await exchange(`${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims)}.`), 401, 'INVALID_SSO_TOKEN');
    });

    it('refuses algorithm confusion: HS256 signed with a published public key as the secret', async () => {
      const publicKeyAsSecret = new TextEncoder().encode(JSON.stringify(rsa.publicJwk));
      const token = await new SignJWT({ sub: subject() })
        .setProtectedHeader({ alg: 'HS256', kid: rsa.kid })
        .setIssuer(NEWSROOM_ISSUER).setAudience(NEWSROOM_AUDIENCE).setIssuedAt().setExpirationTime('5m')
        .sign(publicKeyAsSecret);
      expectProblem(await exchange(token), 401, 'INVALID_SSO_TOKEN');
      // And an asymmetric header with a key of the wrong kind for its algorithm.
      const ecAsRsa = await signWithKey(ec, { kid: rsa.kid });
      expectProblem(await exchange(ecAsRsa), 401, 'INVALID_SSO_TOKEN');
    });

    it('refuses algorithms outside RS256, ES256, EdDSA and HS256', async () => {
      const { privateKey } = await generateKeyPair('RS512');
      const token = await new SignJWT({ sub: subject() })
        .setProtectedHeader({ alg: 'RS512', kid: rsa.kid })
        .setIssuer(NEWSROOM_ISSUER).setAudience(NEWSROOM_AUDIENCE).setIssuedAt().setExpirationTime('5m')
        .sign(privateKey);
      expectProblem(await exchange(token), 401, 'INVALID_SSO_TOKEN');
    });

    it('refuses what is not a JWT at all (400 for the wrong shape, 401 for undecodable parts)', async () => {
      expectProblem(await exchange('not-a-jwt'), 400, 'VALIDATION_FAILED');
      expectProblem(await exchange('abc.def.ghi'), 401, 'INVALID_SSO_TOKEN');
      expectProblem(await t.http.post('/api/v1/auth/sso').send({ token: await signWithKey(rsa), role: 'admin' }), 400, 'VALIDATION_FAILED');
    });

    it('allows a few seconds of clock skew, and no more', async () => {
      await signIn(await signWithKey(rsa, { expiresIn: -5, issuedAt: -300 }));
      await signIn(await signWithKey(rsa, { issuedAt: 5 }));
      expectProblem(await exchange(await signWithKey(rsa, { expiresIn: -30, issuedAt: -300 })), 401, 'INVALID_SSO_TOKEN');
    });

    it('accepts a token with a jti once; a replay is a 401', async () => {
      const token = await signWithKey(ec, { claims: { jti: randomUUID() } });
      await signIn(token);
      const replay = await exchange(token);
      expectProblem(replay, 401, 'INVALID_SSO_TOKEN');
      expect(replay.body.detail).toMatch(/jti/);
      const stored = await t.db.query('SELECT expires_at FROM sso_token_uses WHERE jti = $1', [JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).jti]);
      expect(stored).toHaveLength(1);
    });

    it('lets a token without a jti sign in more than once', async () => {
      const token = await signWithKey(ec);
      const first = await signIn(token);
      const second = await signIn(token);
      expect(second.user.id).toBe(first.user.id);
    });
  });

  describe('identity mapping', () => {
    it('signs the same sub in to the same account whatever its email becomes, refreshing name and email when the claims change', async () => {
      const sub = subject();
      const first = await signIn(await signWithKey(rsa, { claims: { sub, email: `${sub}@a.example`, email_verified: true, name: `Ada ${sub.slice(-8)}` } }));
      const second = await signIn(await signWithKey(ed, { claims: { sub, email: `${sub}@b.example`, email_verified: false, name: `Ada L ${sub.slice(-8)}` } }));
      expect(second.user).toEqual(expect.objectContaining({ id: first.user.id, email: `${sub}@b.example`, emailVerified: false, displayName: `Ada L ${sub.slice(-8)}` }));
      const count = await t.db.query('SELECT count(*)::int AS n FROM user_identities WHERE user_id = $1', [first.user.id]);
      expect(count[0].n).toBe(1);
    });

    it('keeps a name the reader chose in Margin until the newsroom changes its own', async () => {
      const sub = subject();
      const name = `Newsroom ${sub.slice(-8)}`;
      const first = await signIn(await signWithSecret(NEWSROOM_SECRETS[0], { claims: { sub, name } }));
      const chosen = `Chosen ${sub.slice(-8)}`;
      await t.http.patch('/api/v1/me').set('Authorization', `Bearer ${first.accessToken}`).send({ displayName: chosen }).expect(200);
      expect((await signIn(await signWithSecret(NEWSROOM_SECRETS[0], { claims: { sub, name } }))).user.displayName).toBe(chosen);
      expect((await signIn(await signWithSecret(NEWSROOM_SECRETS[0], { claims: { sub, name: `${name} B` } }))).user.displayName).toBe(`${name} B`);
    });

    it('makes a taken display name unique with a suffix, on creation and on refresh', async () => {
      const taken = await registerReader(t.http);
      const created = await signIn(await signWithKey(rsa, { claims: { name: taken.displayName.toUpperCase() } }));
      expect(created.user.displayName).toBe(`${taken.displayName.toUpperCase()} 2`);
      const again = await signIn(await signWithKey(rsa, { claims: { name: taken.displayName } }));
      expect(again.user.displayName).toBe(`${taken.displayName} 3`);
      const sub = subject();
      await signIn(await signWithKey(rsa, { claims: { sub, name: `Someone ${sub.slice(-8)}` } }));
      const renamed = await signIn(await signWithKey(rsa, { claims: { sub, name: taken.displayName } }));
      expect(renamed.user.displayName).toBe(`${taken.displayName} 4`);
    });

    it('derives a valid display name when name is missing, too short, too long or full of invisible characters', async () => {
      const sub = subject();
      const missing = await signIn(await signWithKey(rsa, { claims: { sub } }));
      expect(missing.user.displayName).toMatch(/^Reader [0-9a-f]{6}$/);
      expect((await signIn(await signWithKey(rsa, { claims: { name: 'x' } }))).user.displayName).toMatch(/^Reader [0-9a-f]{6}$/);
      const long = `${'Long'.repeat(20)}${randomUUID()}`;
      const cut = await signIn(await signWithKey(rsa, { claims: { name: long } }));
      expect(cut.user.displayName).toBe(long.slice(0, 40));
      const marker = randomUUID().slice(0, 8);
      const dirty = await signIn(await signWithKey(rsa, { claims: { name: `Zoë\u200B\u0000  Ørsted\u202E ${marker}` } }));
      expect(dirty.user.displayName).toBe(`Zoë Ørsted ${marker}`);
    });

    it('links a first sign-in to the local account when both sides verified the email', async () => {
      const local = await registerReader(t.http);
      await t.db.query('UPDATE users SET email_verified_at = now() WHERE id = $1', [local.id]);
      const linked = await signIn(await signWithKey(ec, { claims: { email: local.email.toUpperCase(), email_verified: true, name: 'Another Name' } }));
      expect(linked.user).toEqual(expect.objectContaining({ id: local.id, displayName: local.displayName, email: local.email }));
      // The password still works too.
      await t.http.post('/api/v1/auth/login').send({ email: local.email, password: local.password }).expect(200);
    });

    it.each([
      ['the token does not vouch for the email', false, true],
      ['the local account never verified its email', true, false],
    ])('answers 409 EMAIL_TAKEN when %s', async (_, tokenVerified, localVerified) => {
      const local = await registerReader(t.http);
      if (localVerified) await t.db.query('UPDATE users SET email_verified_at = now() WHERE id = $1', [local.id]);
      const response = await exchange(await signWithKey(ec, { claims: { email: local.email, email_verified: tokenVerified } }));
      expectProblem(response, 409, 'EMAIL_TAKEN');
      expect(await t.db.query('SELECT 1 FROM user_identities WHERE user_id = $1', [local.id])).toHaveLength(0);
    });

    it('answers 409 EMAIL_TAKEN when the verified email belongs to an account already linked to another sub', async () => {
      const sub = subject();
      const email = `${sub}@linked.example`;
      await signIn(await signWithKey(rsa, { claims: { sub, email, email_verified: true } }));
      expectProblem(await exchange(await signWithKey(rsa, { claims: { email, email_verified: true } })), 409, 'EMAIL_TAKEN');
    });

    it('leaves the email as it was when a later token carries an address another account holds', async () => {
      const other = await registerReader(t.http);
      const sub = subject();
      const first = await signIn(await signWithKey(rsa, { claims: { sub, email: `${sub}@mine.example` } }));
      const later = await signIn(await signWithKey(rsa, { claims: { sub, email: other.email, email_verified: true } }));
      expect(later.user).toEqual(expect.objectContaining({ id: first.user.id, email: `${sub}@mine.example` }));
    });

    it('never takes a role from the token', async () => {
      const body = await signIn(await signWithKey(rsa, { claims: { role: 'admin', roles: ['admin'], 'https://margin/role': 'moderator' } }));
      expect(body.user.role).toBe('reader');
    });

    it('creates one account for concurrent first sign-ins of one sub', async () => {
      const sub = subject();
      const tokens = await Promise.all(Array.from({ length: 6 }, () => signWithKey(rsa, { claims: { sub, email: `${sub}@race.example`, name: `Race ${sub.slice(-8)}` } })));
      const responses = await Promise.all(tokens.map((token) => exchange(token)));
      expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200, 200, 200]);
      expect(new Set(responses.map((response) => response.body.user.id)).size).toBe(1);
      const rows = await t.db.query('SELECT count(*)::int AS n FROM users WHERE email = $1', [`${sub}@race.example`]);
      expect(rows[0].n).toBe(1);
    });
  });

  describe('supporter_until', () => {
    it('makes the reader a supporter until then; a later token extends it, one without the claim leaves it, a past time ends it', async () => {
      const sub = subject();
      const until = new Date(Date.now() + 30 * 24 * 3600 * 1000);
      const first = await signIn(await signWithKey(rsa, { claims: { sub, supporter_until: until.toISOString() } }));
      expect(first.user.isSupporter).toBe(true);
      expect(first.user.supporter).toEqual(expect.objectContaining({ active: true, until: until.toISOString() }));
      const profile = await t.http.get(`/api/v1/users/${first.user.id}`).expect(200);
      expect(profile.body.isSupporter).toBe(true);

      const later = new Date(until.getTime() + 30 * 24 * 3600 * 1000);
      expect((await signIn(await signWithKey(rsa, { claims: { sub, supporter_until: later.toISOString() } }))).user.supporter.until).toBe(later.toISOString());
      expect((await signIn(await signWithKey(rsa, { claims: { sub } }))).user.supporter.until).toBe(later.toISOString());
      const ended = await signIn(await signWithKey(rsa, { claims: { sub, supporter_until: new Date(Date.now() - 1000).toISOString() } }));
      expect(ended.user.isSupporter).toBe(false);
      const again = await signIn(await signWithKey(rsa, { claims: { sub, supporter_until: later.toISOString() } }));
      expect(again.user.isSupporter).toBe(true);
      const nulled = await signIn(await signWithKey(rsa, { claims: { sub, supporter_until: null } }));
      expect(nulled.user.isSupporter).toBe(false);
      const rows = await t.db.query(`SELECT count(*)::int AS n FROM supporter_entitlements WHERE user_id = $1 AND source = 'newsroom'`, [first.user.id]);
      expect(rows[0].n).toBe(1);
    });
  });

  describe('sessions', () => {
    it('rotates refresh tokens, ends on logout, and is ended by a ban like any other session', async () => {
      const sub = subject();
      const body = await signIn(await signWithKey(rsa, { claims: { sub } }));
      const rotated = await t.http.post('/api/v1/auth/refresh').send({ refreshToken: body.refreshToken }).expect(200);
      expectProblem(await t.http.post('/api/v1/auth/refresh').send({ refreshToken: body.refreshToken }), 401, 'INVALID_REFRESH_TOKEN');
      // Reusing the old token revoked the whole session, the rotated pair included.
      expectProblem(await t.http.post('/api/v1/auth/refresh').send({ refreshToken: rotated.body.refreshToken }), 401, 'INVALID_REFRESH_TOKEN');

      const second = await signIn(await signWithKey(rsa, { claims: { sub } }));
      const auth = { Authorization: `Bearer ${second.accessToken}` };
      await t.http.post('/api/v1/auth/logout').set(auth).send({ refreshToken: second.refreshToken }).expect(204);
      expectProblem(await t.http.get('/api/v1/me').set(auth), 401, 'UNAUTHENTICATED');

      const third = await signIn(await signWithKey(rsa, { claims: { sub } }));
      const admin = await registerStaff(t.http, t.db, 'admin');
      await t.http.post(`/api/v1/admin/users/${third.user.id}/ban`).set(admin.auth).send({ reason: 'Spam' }).expect(200);
      expectProblem(await t.http.get('/api/v1/me').set('Authorization', `Bearer ${third.accessToken}`), 401, 'UNAUTHENTICATED');
      // A banned reader may still sign in (and read), like with a password, but not write.
      const banned = await signIn(await signWithKey(rsa, { claims: { sub } }));
      expect(banned.user.id).toBe(third.user.id);
      const write = await t.http.patch('/api/v1/me').set('Authorization', `Bearer ${banned.accessToken}`).send({ bio: 'x' });
      expect(write.status).toBe(403);
    });
  });

  describe('erasure', () => {
    it('removes the identity link: the same sub then gets a new, empty account', async () => {
      const local = await registerReader(t.http);
      await t.db.query('UPDATE users SET email_verified_at = now() WHERE id = $1', [local.id]);
      const sub = subject();
      const linked = await signIn(await signWithKey(rsa, { claims: { sub, email: local.email, email_verified: true } }));
      expect(linked.user.id).toBe(local.id);
      await t.http.delete('/api/v1/me').set('Authorization', `Bearer ${linked.accessToken}`).send({ password: local.password }).expect(204);
      expect(await t.db.query('SELECT 1 FROM user_identities WHERE user_id = $1', [local.id])).toHaveLength(0);
      const fresh = await signIn(await signWithKey(rsa, { claims: { sub } }));
      expect(fresh.user.id).not.toBe(local.id);
    });

    it('lets an account without a password confirm its erasure with a fresh newsroom token of its own subject', async () => {
      const sub = subject();
      const body = await signIn(await signWithKey(ed, { claims: { sub } }));
      const auth = { Authorization: `Bearer ${body.accessToken}` };
      expectProblem(await t.http.delete('/api/v1/me').set(auth).send({ password: 'anything at all' }), 403, 'INVALID_PASSWORD');
      expectProblem(await t.http.delete('/api/v1/me').set(auth).send({}), 400, 'VALIDATION_FAILED');
      // Another reader's token, or one that is not valid, confirms nothing.
      expectProblem(await t.http.delete('/api/v1/me').set(auth).send({ ssoToken: await signWithKey(ed) }), 403, 'INVALID_PASSWORD');
      expectProblem(await t.http.delete('/api/v1/me').set(auth).send({ ssoToken: await signWithKey(ed, { claims: { sub }, expiresIn: -120 }) }), 403, 'INVALID_PASSWORD');
      await t.http.delete('/api/v1/me').set(auth).send({ ssoToken: await signWithKey(ed, { claims: { sub, jti: randomUUID() } }) }).expect(204);
      expect(await t.db.query('SELECT 1 FROM user_identities WHERE subject = $1', [sub])).toHaveLength(0);
      const erased = await t.db.query('SELECT erased_at, display_name FROM users WHERE id = $1', [body.user.id]);
      expect(erased[0]).toEqual({ erased_at: expect.any(Date), display_name: null });
    });
  });
});

describe('newsroom sign-in key set refetch bound (e2e)', () => {
  let identity: NewsroomIdentityService;
  let t: TestApp;
  let key: SigningKey;

  beforeAll(async () => {
    identity = await NewsroomIdentityService.start();
    key = await newSigningKey('RS256');
    identity.publish(key);
    t = await createTestApp(ssoEnvironment(identity, { SSO_JWKS_REFETCH_INTERVAL_SECONDS: '3600' }));
  });
  afterAll(async () => {
    await t.close();
    await identity.close();
  });

  it('fetches the key set at most once per interval however many unknown kids arrive', async () => {
    await t.http.post('/api/v1/auth/sso').send({ token: await signWithKey(key) }).expect(200);
    expect(identity.fetches).toBe(1);
    const forged = await newSigningKey('RS256');
    const tokens = await Promise.all(Array.from({ length: 50 }, () => signWithKey(forged, { kid: `made-up-${randomUUID()}` })));
    const responses = await Promise.all(tokens.map((token) => t.http.post('/api/v1/auth/sso').send({ token })));
    for (const response of responses) expectProblem(response, 401, 'INVALID_SSO_TOKEN');
    expect(identity.fetches).toBe(1);
    await t.http.post('/api/v1/auth/sso').send({ token: await signWithKey(key) }).expect(200);
    expect(identity.fetches).toBe(1);
  });
});

describe('newsroom sign-in without a reachable key set, and unconfigured (e2e)', () => {
  it('answers 503 SSO_KEYS_UNAVAILABLE while the key set has never been fetched, and signs in once it answers', async () => {
    const identity = await NewsroomIdentityService.start();
    const key = await newSigningKey('EdDSA');
    identity.publish(key);
    identity.down = true;
    const t = await createTestApp(ssoEnvironment(identity));
    try {
      const response = await t.http.post('/api/v1/auth/sso').send({ token: await signWithKey(key) });
      expectProblem(response, 503, 'SSO_KEYS_UNAVAILABLE');
      // HS256 does not need the key set.
      await t.http.post('/api/v1/auth/sso').send({ token: await signWithSecret(NEWSROOM_SECRETS[1]) }).expect(200);
      identity.down = false;
      await t.http.post('/api/v1/auth/sso').send({ token: await signWithKey(key) }).expect(200);
    } finally {
      await t.close();
      await identity.close();
    }
  });

  it('answers 404 SSO_NOT_CONFIGURED without SSO_JWKS_URL and SSO_SECRETS', async () => {
    const t = await createTestApp();
    try {
      const { privateKey, publicKey } = await generateKeyPair('ES256');
      await exportJWK(publicKey);
      const token = await new SignJWT({ sub: 'x' }).setProtectedHeader({ alg: 'ES256' }).setExpirationTime('5m').sign(privateKey);
      expectProblem(await t.http.post('/api/v1/auth/sso').send({ token }), 404, 'SSO_NOT_CONFIGURED');
    } finally {
      await t.close();
    }
  });
});
