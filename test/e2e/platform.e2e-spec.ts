import { randomBytes } from 'node:crypto';
import { Server } from 'node:http';
import { AddressInfo, connect } from 'node:net';
import { registerReader } from '../factories/users.factory';
import { createIsolatedTestApp } from '../support/isolated-test-app';
import { expectProblem } from '../support/problem';
import { createTestApp, TestApp } from '../support/test-app';

describe('platform: health, docs, errors, headers (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ CORS_ORIGINS: 'https://news.example,https://www.news.example', BODY_LIMIT_BYTES: '2048' });
  });
  afterAll(() => t.close());

  it('GET /health answers ok', async () => {
    expect((await t.http.get('/health').expect(200)).body).toEqual({ status: 'ok' });
  });

  it('GET /health/ready answers ok while the database answers', async () => {
    expect((await t.http.get('/health/ready').expect(200)).body).toEqual({ status: 'ok' });
  });

  it('serves the OpenAPI document with every accounts endpoint and the problem schema', async () => {
    const document = (await t.http.get('/docs-json').expect(200)).body;
    expect(document.openapi).toMatch(/^3\./);
    for (const path of ['/api/v1/auth/register', '/api/v1/auth/login', '/api/v1/auth/refresh', '/api/v1/auth/logout', '/api/v1/me', '/api/v1/users/{id}', '/health', '/health/ready']) {
      expect(Object.keys(document.paths)).toContain(path);
    }
    expect(document.components.schemas).toEqual(expect.objectContaining({ ProblemView: expect.any(Object), RegisterDto: expect.any(Object), UserView: expect.any(Object) }));
    expect(document.components.schemas.RegisterDto.properties.password.minLength).toBe(10);
  });

  it('serves the docs UI at /docs', async () => {
    const response = await t.http.get('/docs').redirects(1).expect(200);
    expect(response.headers['content-type']).toMatch(/text\/html/);
    expect(response.text).toContain('swagger');
  });

  it('echoes a well-formed X-Request-Id and makes one otherwise', async () => {
    const echoed = await t.http.get('/health').set('X-Request-Id', 'abc-123.def');
    expect(echoed.headers['x-request-id']).toBe('abc-123.def');
    const generated = await t.http.get('/health');
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const replaced = await t.http.get('/health').set('X-Request-Id', 'bad id with spaces <script>');
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('carries the request id on errors too', async () => {
    const response = await t.http.get('/api/v1/no-such-thing').set('X-Request-Id', 'trace-me');
    expectProblem(response, 404, 'NOT_FOUND');
    expect(response.headers['x-request-id']).toBe('trace-me');
  });

  it('answers headers over the parser limit with a problem+json 431, not the framework shape', async () => {
    const server = t.app.getHttpServer() as Server;
    if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      let answer = '';
      socket.on('data', (chunk) => (answer += chunk.toString()));
      socket.on('end', () => resolve(answer));
      socket.on('close', () => resolve(answer));
      socket.on('error', reject);
      socket.write(`GET /health HTTP/1.1\r\nHost: x\r\nX-Padding: ${'a'.repeat(20_000)}\r\n\r\n`);
    });
    const [head, body] = raw.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 431 /);
    expect(head.toLowerCase()).toContain('content-type: application/problem+json');
    expect(JSON.parse(body)).toEqual(expect.objectContaining({ status: 431, code: 'HEADERS_TOO_LARGE' }));
  });

  it('answers an unknown route with a problem+json 404', async () => {
    expectProblem(await t.http.get('/api/v1/nothing/here'), 404, 'NOT_FOUND');
  });

  it('answers malformed JSON with 400 INVALID_JSON and no parser text', async () => {
    const response = await t.http.post('/api/v1/auth/login').set('Content-Type', 'application/json').send('{"email": ');
    expectProblem(response, 400, 'INVALID_JSON');
    expect(JSON.stringify(response.body)).not.toMatch(/Unexpected|position|SyntaxError/);
  });

  it('answers a body over the limit with 413 PAYLOAD_TOO_LARGE', async () => {
    const response = await t.http.post('/api/v1/auth/register').send({ email: 'a@example.test', password: 'x'.repeat(5000), displayName: 'Big' });
    expectProblem(response, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('answers a non-JSON body with 415', async () => {
    const response = await t.http.post('/api/v1/auth/login').set('Content-Type', 'text/plain').send('hello');
    expectProblem(response, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('sends helmet security headers', async () => {
    const response = await t.http.get('/health');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['content-security-policy']).toContain("default-src 'self'");
    expect(response.headers['x-frame-options']).toBeDefined();
  });

  it('allows CORS only for the configured origins', async () => {
    const allowed = await t.http.options('/api/v1/me').set('Origin', 'https://news.example').set('Access-Control-Request-Method', 'GET');
    expect(allowed.headers['access-control-allow-origin']).toBe('https://news.example');
    const refused = await t.http.options('/api/v1/me').set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'GET');
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('never leaks a stack, SQL or driver message', async () => {
    // The request must reach SQL and fail there: on a database of its own, a column the
    // profile query reads is renamed away, so PostgreSQL answers with an error naming it.
    const isolated = await createIsolatedTestApp();
    try {
      const reader = await registerReader(isolated.http);
      await isolated.db.query('ALTER TABLE users RENAME COLUMN bio TO bio_renamed_away');
      const response = await isolated.http.get(`/api/v1/users/${reader.id}`);
      expectProblem(response, 500, 'INTERNAL_ERROR');
      expect(JSON.stringify(response.body)).not.toMatch(/QueryFailedError|syntax|at .*\.ts|SELECT|bio|column|does not exist|relation/);
    } finally {
      await isolated.close();
    }
  });
});

describe('rate limits (e2e)', () => {
  it('answers past the credential limit with 429 RATE_LIMITED and Retry-After', async () => {
    const t = await createTestApp({ AUTH_RATE_LIMIT_MAX: '3' });
    try {
      const attempts = [];
      for (let i = 0; i < 4; i += 1) {
        attempts.push(await t.http.post('/api/v1/auth/login').send({ email: 'nobody@example.test', password: 'wrong password' }));
      }
      expect(attempts.slice(0, 3).map((response) => response.status)).toEqual([401, 401, 401]);
      expectProblem(attempts[3], 429, 'RATE_LIMITED');
      expect(Number(attempts[3].headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await t.close();
    }
  });

  it('counts per client address from X-Forwarded-For only when TRUST_PROXY is on', async () => {
    const behindProxy = await createTestApp({ AUTH_RATE_LIMIT_MAX: '1', TRUST_PROXY: 'true' });
    try {
      const login = (ip: string) =>
        behindProxy.http.post('/api/v1/auth/login').set('X-Forwarded-For', ip).send({ email: 'n@example.test', password: 'wrong password' });
      expect((await login('203.0.113.1')).status).toBe(401);
      expect((await login('203.0.113.2')).status).toBe(401);
      expect((await login('203.0.113.1')).status).toBe(429);
    } finally {
      await behindProxy.close();
    }
    const direct = await createTestApp({ AUTH_RATE_LIMIT_MAX: '1' });
    try {
      const login = (ip: string) =>
        direct.http.post('/api/v1/auth/login').set('X-Forwarded-For', ip).send({ email: 'n@example.test', password: 'wrong password' });
      expect((await login('203.0.113.1')).status).toBe(401);
      expect((await login('203.0.113.2')).status).toBe(429);
    } finally {
      await direct.close();
    }
  });

  it('counts a signed-in reader by account under the general limit', async () => {
    const t = await createTestApp({ RATE_LIMIT_MAX: '5' });
    try {
      const reader = await registerReader(t.http);
      const statuses = [];
      for (let i = 0; i < 6; i += 1) statuses.push((await t.http.get('/api/v1/me').set(reader.auth)).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    } finally {
      await t.close();
    }
  });
});

describe('readiness without a database (e2e)', () => {
  it('GET /health/ready answers 503 when the database does not answer, /health stays 200', async () => {
    const t = await createTestApp();
    try {
      await t.db.destroy();
      expectProblem(await t.http.get('/health/ready'), 503, 'SERVICE_UNAVAILABLE');
      await t.http.get('/health').expect(200);
    } finally {
      await t.app.close().catch(() => undefined);
    }
  });
});

describe('rate limits shared through Redis (e2e)', () => {
  it('counts across app instances when REDIS_URL is set', async () => {
    const env = { AUTH_RATE_LIMIT_MAX: '2', REDIS_URL: 'redis://127.0.0.1:6379/0', TRUST_PROXY: 'true' };
    const first = await createTestApp(env);
    const second = await createTestApp(env);
    const address = `2001:db8::${randomBytes(2).toString('hex')}:${randomBytes(2).toString('hex')}`;
    try {
      const login = (t: TestApp) =>
        t.http.post('/api/v1/auth/login').set('X-Forwarded-For', address).send({ email: 'n@example.test', password: 'wrong password' });
      expect((await login(first)).status).toBe(401);
      expect((await login(second)).status).toBe(401);
      const third = await login(first);
      expectProblem(third, 429, 'RATE_LIMITED');
      expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await first.close();
      await second.close();
    }
  });
});
