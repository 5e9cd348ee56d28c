import { createArticle } from '../factories/articles.factory';
import { registerReader } from '../factories/users.factory';
import { expectProblem } from '../support/problem';
import { createTestApp, TestApp } from '../support/test-app';

/**
 * The contract's "Conventions" and "Health and docs" sections, line by line, over HTTP only.
 * Each test names the contract sentence it pins.
 */
describe('contract: conventions, health and docs (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  describe('Conventions', () => {
    it('"ids are strings (UUIDs for our own rows)"', async () => {
      const reader = await registerReader(t.http);
      expect(reader.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    });

    it('"an article id is ... any string of 1–128 characters from [A-Za-z0-9._:-]"', async () => {
      await createArticle(t.http, { id: `a.b_c:d-${'x'.repeat(100)}` });
      await createArticle(t.http, { id: 'Z' });
      await t.http.get(`/api/v1/articles/a.b_c:d-${'x'.repeat(100)}`).expect(200);
      expectProblem(
        await t.http.put(`/api/v1/articles/${'x'.repeat(129)}`).set('X-Api-Key', t.config.cmsApiKey as string).send({ title: 'T', url: 'https://news.example/x' }),
        400,
        'VALIDATION_FAILED',
      );
      expectProblem(
        await t.http.put('/api/v1/articles/bad%20id').set('X-Api-Key', t.config.cmsApiKey as string).send({ title: 'T', url: 'https://news.example/x' }),
        400,
        'VALIDATION_FAILED',
      );
    });

    it('"Times are ISO-8601 UTC strings"', async () => {
      const reader = await registerReader(t.http);
      const me = await t.http.get('/api/v1/me').set(reader.auth).expect(200);
      expect(me.body.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
    });

    it('"Lists ... ?limit= (default 20, max 100) ... { items, nextCursor }"', async () => {
      const article = await createArticle(t.http);
      const reader = await registerReader(t.http);
      for (let i = 0; i < 21; i++) {
        await t.http.post(`/api/v1/articles/${article.id}/comments`).set(reader.auth).send({ body: `number ${i}` }).expect(201);
      }
      const first = await t.http.get(`/api/v1/articles/${article.id}/comments`).expect(200);
      expect(Object.keys(first.body).sort()).toEqual(['items', 'nextCursor']);
      expect(first.body.items).toHaveLength(20);
      expect(typeof first.body.nextCursor).toBe('string');
      const last = await t.http.get(`/api/v1/articles/${article.id}/comments`).query({ cursor: first.body.nextCursor }).expect(200);
      expect(last.body.items).toHaveLength(1);
      expect(last.body.nextCursor).toBeNull();
      await t.http.get(`/api/v1/articles/${article.id}/comments?limit=100`).expect(200);
      expectProblem(await t.http.get(`/api/v1/articles/${article.id}/comments?limit=101`), 400, 'VALIDATION_FAILED');
    });

    it.each([
      '/api/v1/articles/:article/comments',
      '/api/v1/users/:user/comments',
      '/api/v1/users/:user/followers',
      '/api/v1/users/:user/following',
      '/api/v1/me/feed',
      '/api/v1/me/notifications',
      '/api/v1/me/ignores',
      '/api/v1/me/donations',
    ])('"A malformed cursor is a 400": %s', async (template) => {
      const article = await createArticle(t.http);
      const reader = await registerReader(t.http);
      const path = template.replace(':article', article.id).replace(':user', reader.id);
      const response = await t.http.get(path).query({ cursor: 'not-a-cursor!!' }).set(reader.auth);
      expectProblem(response, 400, 'INVALID_CURSOR');
    });

    it('"Errors are application/problem+json ... { type, title, status, detail, code, errors? }" and no stack trace', async () => {
      const response = await t.http.post('/api/v1/auth/register').send({ email: 'not-an-email', password: 'short', displayName: 'x' });
      expectProblem(response, 400, 'VALIDATION_FAILED');
      expect(response.body.errors).toEqual(expect.arrayContaining([{ field: expect.any(String), message: expect.any(String) }]));
      expect(response.body.code).toMatch(/^[A-Z][A-Z0-9_]*$/);
      expect(JSON.stringify(response.body)).not.toMatch(/\bat .*\.(ts|js):\d+/);
    });

    it('"404 not found" for an unknown route is problem+json too', async () => {
      const response = await t.http.get('/api/v1/no-such-route');
      expect(response.status).toBe(404);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body).toEqual(expect.objectContaining({ status: 404, code: expect.stringMatching(/^[A-Z_]+$/) }));
    });

    it('"401 no or bad token"', async () => {
      expectProblem(await t.http.get('/api/v1/me'), 401, 'UNAUTHENTICATED');
      expectProblem(await t.http.get('/api/v1/me').set('Authorization', 'Bearer not.a.token'), 401, 'UNAUTHENTICATED');
    });

    it('"403 not allowed": a reader on a moderator endpoint', async () => {
      const reader = await registerReader(t.http);
      expectProblem(await t.http.get('/api/v1/admin/queue').set(reader.auth), 403, 'FORBIDDEN');
    });

    it('"413 body too large"', async () => {
      const response = await t.http
        .post('/api/v1/auth/login')
        .set('Content-Type', 'application/json')
        .set('X-Request-Id', 'too-big-1')
        .send(JSON.stringify({ email: 'a@example.test', password: 'x'.repeat(t.config.bodyLimitBytes + 10) }));
      expectProblem(response, 413, 'PAYLOAD_TOO_LARGE');
      expect(response.headers['x-request-id']).toBe('too-big-1');
    });

    it('"Unknown JSON fields are rejected (400)"', async () => {
      const reader = await registerReader(t.http);
      const response = await t.http.patch('/api/v1/me').set(reader.auth).send({ bio: 'hello', favouriteColour: 'blue' });
      expectProblem(response, 400, 'VALIDATION_FAILED');
    });

    it('"a NUL or other C0 control character" is rejected; newline and tab are allowed in comment bodies and bios', async () => {
      const reader = await registerReader(t.http);
      const article = await createArticle(t.http);
      expectProblem(await t.http.patch('/api/v1/me').set(reader.auth).send({ bio: 'a\u0000b' }), 400, 'VALIDATION_FAILED');
      expectProblem(await t.http.patch('/api/v1/me').set(reader.auth).send({ displayName: 'Bell\u0007name' }), 400, 'VALIDATION_FAILED');
      expectProblem(
        await t.http.post(`/api/v1/articles/${article.id}/comments`).set(reader.auth).send({ body: 'x\u001by' }),
        400,
        'VALIDATION_FAILED',
      );
      await t.http.patch('/api/v1/me').set(reader.auth).send({ bio: 'line one\n\tline two' }).expect(200);
      const posted = await t.http.post(`/api/v1/articles/${article.id}/comments`).set(reader.auth).send({ body: 'one\n\ttwo' }).expect(201);
      expect(posted.body.body).toBe('one\n\ttwo');
    });

    it('"JSON nested deeper than 32 levels" is rejected (400)', async () => {
      let nested: unknown = 'x';
      for (let i = 0; i < 40; i++) nested = { a: nested };
      const response = await t.http.post('/api/v1/auth/login').send({ email: 'a@example.test', password: 'whatever123', extra: nested });
      expect(response.status).toBe(400);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    });

    it('"Every response carries X-Request-Id (taken from the request if present, else generated)", errors included', async () => {
      const given = await t.http.get('/health').set('X-Request-Id', 'req-abc.123');
      expect(given.headers['x-request-id']).toBe('req-abc.123');
      const generated = await t.http.get('/health');
      expect(generated.headers['x-request-id']).toEqual(expect.any(String));
      expect(generated.headers['x-request-id'].length).toBeGreaterThan(0);
      for (const response of [
        await t.http.get('/api/v1/me').set('X-Request-Id', 'err-401'),
        await t.http.get('/api/v1/no-such-route').set('X-Request-Id', 'err-404'),
        await t.http.post('/api/v1/auth/login').set('X-Request-Id', 'err-400').send({ nope: true }),
      ]) {
        expect(response.status).toBeGreaterThanOrEqual(400);
        expect(response.headers['x-request-id']).toMatch(/^err-40[014]$/);
      }
    });
  });

  describe('Health and docs', () => {
    it('"GET /health → 200 {status:"ok"}"', async () => {
      const response = await t.http.get('/health').expect(200);
      expect(response.body).toEqual(expect.objectContaining({ status: 'ok' }));
    });

    it('"GET /health/ready → 200 when the database answers"', async () => {
      await t.http.get('/health/ready').expect(200);
    });

    it('"GET /metrics ... open when unset outside production", Prometheus text with HTTP requests by route template', async () => {
      await t.http.get('/health');
      const response = await t.http.get('/metrics').expect(200);
      expect(response.headers['content-type']).toMatch(/^text\/plain/);
      expect(response.text).toMatch(/route="\/health"/);
    });

    it('"GET /docs, GET /docs-json → OpenAPI 3 UI and document, every endpoint in it"', async () => {
      const ui = await t.http.get('/docs').redirects(1).expect(200);
      expect(ui.headers['content-type']).toMatch(/text\/html/);
      const doc = await t.http.get('/docs-json').expect(200);
      expect(doc.body.openapi).toMatch(/^3\./);
      const operations = new Set<string>();
      for (const [path, item] of Object.entries(doc.body.paths as Record<string, Record<string, unknown>>)) {
        for (const verb of Object.keys(item)) operations.add(`${verb.toUpperCase()} ${path}`);
      }
      const missing = CONTRACT_OPERATIONS.filter((operation) => !operations.has(operation));
      expect(missing).toEqual([]);
    });

    it('/docs-json documents each status and error code the contract names for an operation', async () => {
      const doc = (await t.http.get('/docs-json').expect(200)).body as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
      const undocumented: string[] = [];
      for (const [operation, status, ...codes] of CONTRACT_ANSWERS) {
        const [verb, path] = operation.split(' ');
        const response = doc.paths[path]?.[verb.toLowerCase()]?.responses?.[String(status)];
        if (!response) {
          undocumented.push(`${operation} ${status}`);
          continue;
        }
        for (const code of codes) if (!JSON.stringify(response).includes(`"${code}"`)) undocumented.push(`${operation} ${status} ${code}`);
      }
      expect(undocumented).toEqual([]);
    });
  });
});

/** The operations of the contract's sections that are built (not e-mail, SSO, live streams or the front ends). */
const CONTRACT_OPERATIONS = [
  'GET /health',
  'GET /health/ready',
  'GET /metrics',
  'POST /api/v1/auth/register',
  'POST /api/v1/auth/login',
  'POST /api/v1/auth/refresh',
  'POST /api/v1/auth/logout',
  'GET /api/v1/me',
  'PATCH /api/v1/me',
  'DELETE /api/v1/me',
  'GET /api/v1/users/{id}',
  'GET /api/v1/users/{id}/comments',
  'PUT /api/v1/articles/{articleId}',
  'GET /api/v1/articles/{articleId}',
  'POST /api/v1/articles/counts',
  'GET /api/v1/articles/{articleId}/comments',
  'GET /api/v1/comments/{id}/replies',
  'GET /api/v1/comments/{id}',
  'POST /api/v1/articles/{articleId}/comments',
  'PATCH /api/v1/comments/{id}',
  'DELETE /api/v1/comments/{id}',
  'PUT /api/v1/comments/{id}/reaction',
  'DELETE /api/v1/comments/{id}/reaction',
  'POST /api/v1/comments/{id}/reports',
  'PUT /api/v1/users/{id}/follow',
  'DELETE /api/v1/users/{id}/follow',
  'GET /api/v1/users/{id}/followers',
  'GET /api/v1/users/{id}/following',
  'GET /api/v1/me/feed',
  'PUT /api/v1/me/ignores/{userId}',
  'DELETE /api/v1/me/ignores/{userId}',
  'GET /api/v1/me/ignores',
  'GET /api/v1/me/notifications',
  'POST /api/v1/me/notifications/read',
  'GET /api/v1/admin/queue',
  'POST /api/v1/admin/comments/{id}/hide',
  'POST /api/v1/admin/comments/{id}/unhide',
  'POST /api/v1/admin/comments/{id}/approve',
  'POST /api/v1/admin/comments/{id}/feature',
  'POST /api/v1/admin/comments/{id}/unfeature',
  'GET /api/v1/admin/comments/{id}/history',
  'POST /api/v1/admin/users/{id}/suspend',
  'POST /api/v1/admin/users/{id}/ban',
  'POST /api/v1/admin/users/{id}/unban',
  'PUT /api/v1/admin/users/{id}/role',
  'PATCH /api/v1/admin/articles/{articleId}',
  'GET /api/v1/admin/audit-log',
  'GET /api/v1/admin/settings/moderation',
  'PUT /api/v1/admin/settings/moderation',
  'GET /api/v1/admin/webhooks',
  'GET /api/v1/admin/webhooks/{id}',
  'PUT /api/v1/admin/webhooks/{id}',
  'DELETE /api/v1/admin/webhooks/{id}',
  'GET /api/v1/admin/webhooks/{id}/deliveries',
  'GET /api/v1/articles/{articleId}/appeal',
  'PUT /api/v1/admin/appeals/{id}',
  'POST /api/v1/donations/checkout',
  'GET /api/v1/donations/{id}',
  'POST /api/v1/webhooks/stripe',
  'GET /api/v1/me/donations',
  'POST /api/v1/me/billing-portal',
  'GET /api/v1/admin/donations/summary',
];

/** Statuses (and codes) the contract names per operation. */
const CONTRACT_ANSWERS: Array<[string, number, ...string[]]> = [
  ['GET /health', 200],
  ['GET /health/ready', 200],
  ['GET /health/ready', 503],
  ['POST /api/v1/auth/register', 201],
  ['POST /api/v1/auth/register', 409, 'EMAIL_TAKEN', 'DISPLAY_NAME_TAKEN'],
  ['POST /api/v1/auth/register', 400, 'VALIDATION_FAILED'],
  ['POST /api/v1/auth/register', 429, 'RATE_LIMITED'],
  ['POST /api/v1/auth/login', 200],
  ['POST /api/v1/auth/login', 401],
  ['POST /api/v1/auth/login', 429, 'RATE_LIMITED'],
  ['POST /api/v1/auth/refresh', 200],
  ['POST /api/v1/auth/refresh', 401],
  ['POST /api/v1/auth/logout', 204],
  ['POST /api/v1/auth/logout', 401],
  ['GET /api/v1/me', 200],
  ['GET /api/v1/me', 401],
  ['PATCH /api/v1/me', 200],
  ['PATCH /api/v1/me', 403, 'ACCOUNT_SUSPENDED', 'ACCOUNT_BANNED'],
  ['DELETE /api/v1/me', 204],
  ['GET /api/v1/users/{id}', 200],
  ['GET /api/v1/users/{id}', 404],
  ['GET /api/v1/users/{id}/comments', 400, 'INVALID_CURSOR'],
  ['PUT /api/v1/articles/{articleId}', 200],
  ['PUT /api/v1/articles/{articleId}', 201],
  ['PUT /api/v1/articles/{articleId}', 401],
  ['PUT /api/v1/articles/{articleId}', 403],
  ['GET /api/v1/articles/{articleId}', 200],
  ['GET /api/v1/articles/{articleId}', 404],
  ['POST /api/v1/articles/counts', 200],
  ['POST /api/v1/articles/counts', 400],
  ['GET /api/v1/articles/{articleId}/comments', 200],
  ['GET /api/v1/articles/{articleId}/comments', 400, 'INVALID_CURSOR'],
  ['GET /api/v1/comments/{id}/replies', 200],
  ['GET /api/v1/comments/{id}', 200],
  ['GET /api/v1/comments/{id}', 404],
  ['POST /api/v1/articles/{articleId}/comments', 201],
  ['POST /api/v1/articles/{articleId}/comments', 400],
  ['POST /api/v1/articles/{articleId}/comments', 404],
  ['POST /api/v1/articles/{articleId}/comments', 409, 'COMMENTS_CLOSED', 'PARENT_NOT_REPLYABLE', 'DUPLICATE_COMMENT'],
  ['POST /api/v1/articles/{articleId}/comments', 422, 'COMMENT_REJECTED'],
  ['POST /api/v1/articles/{articleId}/comments', 429, 'RATE_LIMITED'],
  ['PATCH /api/v1/comments/{id}', 200],
  ['PATCH /api/v1/comments/{id}', 409, 'COMMENT_EDIT_WINDOW_CLOSED'],
  ['DELETE /api/v1/comments/{id}', 204],
  ['PUT /api/v1/comments/{id}/reaction', 204],
  ['PUT /api/v1/comments/{id}/reaction', 403],
  ['DELETE /api/v1/comments/{id}/reaction', 204],
  ['POST /api/v1/comments/{id}/reports', 202],
  ['POST /api/v1/comments/{id}/reports', 409],
  ['PUT /api/v1/users/{id}/follow', 204],
  ['PUT /api/v1/users/{id}/follow', 400, 'FOLLOW_SELF'],
  ['DELETE /api/v1/users/{id}/follow', 204],
  ['GET /api/v1/users/{id}/followers', 200],
  ['GET /api/v1/users/{id}/following', 200],
  ['GET /api/v1/me/feed', 200],
  ['PUT /api/v1/me/ignores/{userId}', 204],
  ['DELETE /api/v1/me/ignores/{userId}', 204],
  ['GET /api/v1/me/ignores', 200],
  ['GET /api/v1/me/notifications', 200],
  ['POST /api/v1/me/notifications/read', 204],
  ['GET /api/v1/admin/queue', 200],
  ['GET /api/v1/admin/queue', 403, 'FORBIDDEN'],
  ['POST /api/v1/admin/comments/{id}/hide', 200],
  ['POST /api/v1/admin/comments/{id}/unhide', 200],
  ['POST /api/v1/admin/comments/{id}/approve', 200],
  ['POST /api/v1/admin/comments/{id}/feature', 200],
  ['POST /api/v1/admin/comments/{id}/unfeature', 200],
  ['GET /api/v1/admin/comments/{id}/history', 200],
  ['POST /api/v1/admin/users/{id}/suspend', 200],
  ['POST /api/v1/admin/users/{id}/ban', 200],
  ['POST /api/v1/admin/users/{id}/unban', 200],
  ['PUT /api/v1/admin/users/{id}/role', 200],
  ['PATCH /api/v1/admin/articles/{articleId}', 200],
  ['GET /api/v1/admin/audit-log', 200],
  ['GET /api/v1/admin/settings/moderation', 200],
  ['PUT /api/v1/admin/settings/moderation', 200],
  ['GET /api/v1/admin/webhooks/{id}/deliveries', 200],
  ['GET /api/v1/articles/{articleId}/appeal', 200],
  ['POST /api/v1/donations/checkout', 201],
  ['POST /api/v1/donations/checkout', 400],
  ['POST /api/v1/donations/checkout', 404],
  ['POST /api/v1/donations/checkout', 503, 'PAYMENTS_NOT_CONFIGURED'],
  ['GET /api/v1/donations/{id}', 200],
  ['POST /api/v1/webhooks/stripe', 400],
  ['POST /api/v1/webhooks/stripe', 503, 'PAYMENTS_NOT_CONFIGURED'],
  ['GET /api/v1/me/donations', 200],
  ['POST /api/v1/me/billing-portal', 201],
  ['POST /api/v1/me/billing-portal', 503, 'PAYMENTS_NOT_CONFIGURED'],
  ['GET /api/v1/admin/donations/summary', 200],
];

describe('contract: rate limits (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ AUTH_RATE_LIMIT_MAX: '2' });
  });
  afterAll(() => t.close());

  it('"429 too many requests (with Retry-After)", problem+json and X-Request-Id like every other answer', async () => {
    const attempt = () => t.http.post('/api/v1/auth/login').set('X-Request-Id', 'limited-1').send({ email: 'nobody@example.test', password: 'not the password' });
    expect((await attempt()).status).toBe(401);
    expect((await attempt()).status).toBe(401);
    const limited = await attempt();
    expectProblem(limited, 429, 'RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.headers['x-request-id']).toBe('limited-1');
  });
});
