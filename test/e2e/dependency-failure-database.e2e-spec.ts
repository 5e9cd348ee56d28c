import { Response } from 'supertest';
import { createArticle } from '../factories/articles.factory';
import { postComment } from '../factories/comments.factory';
import { registerReader, RegisteredReader } from '../factories/users.factory';
import { CuttableTcpProxy } from '../support/cuttable-tcp-proxy';
import { expectProblem } from '../support/problem';
import { createTestApp, TestApp } from '../support/test-app';

function expectOutage(response: Response): void {
  expectProblem(response, 503, 'SERVICE_UNAVAILABLE');
  expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
  expect(JSON.stringify(response.body)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|terminated|timeout exceeded/i);
}

/** Waits until the app reaches its database again (the pool reconnects on its own). */
async function untilReady(t: TestApp, deadlineMs = 15_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  while ((await t.http.get('/health/ready')).status !== 200) {
    if (Date.now() > until) throw new Error('the app did not reach its database again');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('when PostgreSQL goes away (e2e)', () => {
  let proxy: CuttableTcpProxy;
  let t: TestApp;
  let reader: RegisteredReader;
  let articleId: string;

  beforeAll(async () => {
    const front = await CuttableTcpProxy.inFrontOf(process.env.TEST_DATABASE_TCP_URL as string);
    proxy = front.proxy;
    t = await createTestApp({ DATABASE_URL: front.url });
    reader = await registerReader(t.http);
    articleId = (await createArticle(t.http)).id;
    await postComment(t.http, reader, articleId);
  });

  afterAll(async () => {
    await proxy.restore();
    await t.close();
    await proxy.close();
  });

  afterEach(async () => {
    await proxy.restore();
    await untilReady(t);
  });

  it('answers 503 with Retry-After to anonymous reads, signed-in reads and writes, and keeps /health alive', async () => {
    await proxy.refuse();
    expectOutage(await t.http.get(`/api/v1/articles/${articleId}`));
    expectOutage(await t.http.get(`/api/v1/users/${reader.id}`));
    expectOutage(await t.http.get('/api/v1/me').set(reader.auth));
    expectOutage(await t.http.post(`/api/v1/articles/${articleId}/comments`).set(reader.auth).send({ body: 'while down' }));
    expectOutage(await t.http.post('/api/v1/auth/login').send({ email: reader.email, password: reader.password }));
    expectOutage(await t.http.get('/health/ready'));
    expect((await t.http.get('/health')).status).toBe(200);
  });

  it('never signs a reader out for our outage: no 401, and the same tokens work once the database is back', async () => {
    await proxy.refuse();
    expectOutage(await t.http.get('/api/v1/me').set(reader.auth));
    // A public read with a token must not quietly fall back to the anonymous view either.
    expectOutage(await t.http.get(`/api/v1/articles/${articleId}`).set(reader.auth));
    expectOutage(await t.http.post('/api/v1/auth/refresh').send({ refreshToken: reader.refreshToken }));

    await proxy.restore();
    await untilReady(t);
    const me = await t.http.get('/api/v1/me').set(reader.auth);
    expect({ status: me.status, id: me.body.id }).toEqual({ status: 200, id: reader.id });
    expect((await t.http.post('/api/v1/auth/refresh').send({ refreshToken: reader.refreshToken })).status).toBe(200);
  });

  it('answers 503 within the pool connection timeout when the database host stops answering', async () => {
    await proxy.blackHole();
    const started = Date.now();
    expectOutage(await t.http.get('/api/v1/me').set(reader.auth));
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
