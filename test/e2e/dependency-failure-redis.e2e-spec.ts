import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { register } from 'prom-client';
import { registerReader } from '../factories/users.factory';
import { CuttableTcpProxy } from '../support/cuttable-tcp-proxy';
import { expectProblem } from '../support/problem';
import { createTestApp, TestApp } from '../support/test-app';

const SHARED_REDIS = 'redis://127.0.0.1:6379/0';

function randomAddress(): string {
  return `2001:db8::${randomBytes(2).toString('hex')}:${randomBytes(2).toString('hex')}`;
}

function login(t: TestApp, address: string) {
  return t.http
    .post('/api/v1/auth/login')
    .set('X-Forwarded-For', address)
    .send({ email: 'nobody@example.test', password: 'wrong password' });
}

async function metricValue(name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = register.getSingleMetric(name);
  if (!metric) return 0;
  const { values } = await metric.get();
  const found = values.find((value) => Object.entries(labels).every(([key, wanted]) => value.labels[key] === wanted));
  return found?.value ?? 0;
}

async function until(check: () => Promise<boolean>, what: string, deadlineMs = 10_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const readiness = async (t: TestApp) => (await t.http.get('/health/ready')).body as { status: string; redis?: string };

describe('when Redis goes away (e2e)', () => {
  let proxy: CuttableTcpProxy;
  let redisUrl: string;
  const apps: TestApp[] = [];
  const start = async () => {
    const t = await createTestApp({ REDIS_URL: redisUrl, TRUST_PROXY: '1', AUTH_RATE_LIMIT_MAX: '2' });
    apps.push(t);
    return t;
  };

  beforeEach(async () => {
    ({ proxy, url: redisUrl } = await CuttableTcpProxy.inFrontOf(SHARED_REDIS));
  });

  afterEach(async () => {
    await proxy.restore();
    for (const t of apps.splice(0)) await t.close();
    await proxy.close();
    jest.restoreAllMocks();
  });

  it('keeps answering with per-instance limits, reports readiness as degraded, warns once and counts the fallbacks', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn');
    const t = await start();
    expect(await readiness(t)).toEqual({ status: 'ok', redis: 'up' });
    const fallbacksBefore = await metricValue('margin_redis_fallback_total', { use: 'rate_limit' });

    await proxy.refuse();
    await until(async () => (await readiness(t)).redis === 'down', 'readiness to see Redis down');
    const ready = await t.http.get('/health/ready');
    expect({ status: ready.status, body: ready.body }).toEqual({ status: 200, body: { status: 'degraded', redis: 'down' } });
    expect(await metricValue('margin_redis_up')).toBe(0);

    const reader = await registerReader(t.http);
    expect((await t.http.get('/api/v1/me').set(reader.auth)).status).toBe(200);
    const address = randomAddress();
    const attempts = [await login(t, address), await login(t, address), await login(t, address)];
    expect(attempts.slice(0, 2).map((response) => response.status)).toEqual([401, 401]);
    expectProblem(attempts[2], 429, 'RATE_LIMITED');
    // Reconnection goes on in the background meanwhile; none of it adds a warning.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await t.http.get('/api/v1/me').set(reader.auth)).status).toBe(200);

    const outageWarnings = warn.mock.calls.filter(([message]) => /Redis is unreachable/.test(String(message)));
    expect(outageWarnings).toHaveLength(1);
    expect(await metricValue('margin_redis_fallback_total', { use: 'rate_limit' })).toBeGreaterThanOrEqual(fallbacksBefore + 5);
  });

  it('recovers by itself when Redis is back: readiness is ok and limits are shared across instances again', async () => {
    const [first, second] = [await start(), await start()];
    await proxy.refuse();
    await until(async () => (await readiness(first)).redis === 'down', 'Redis down');
    expect((await login(first, randomAddress())).status).toBe(401);

    await proxy.restore();
    await until(async () => (await readiness(first)).status === 'ok' && (await readiness(second)).status === 'ok', 'Redis back');
    expect(await readiness(first)).toEqual({ status: 'ok', redis: 'up' });
    expect(await metricValue('margin_redis_up')).toBe(1);
    const address = randomAddress();
    expect((await login(first, address)).status).toBe(401);
    expect((await login(second, address)).status).toBe(401);
    expectProblem(await login(first, address), 429, 'RATE_LIMITED');
  });

  it('does not make requests wait on a Redis that accepts connections but never answers', async () => {
    const t = await start();
    await proxy.blackHole();
    const reader = await registerReader(t.http);
    const started = Date.now();
    for (let i = 0; i < 5; i += 1) expect((await t.http.get('/api/v1/me').set(reader.auth)).status).toBe(200);
    expect(Date.now() - started).toBeLessThan(2_500);
    expect((await readiness(t)).status).toBe('degraded');
  });

  it('starts, and serves, when Redis is unreachable from the start', async () => {
    await proxy.refuse();
    const t = await start();
    expect(await readiness(t)).toEqual({ status: 'degraded', redis: 'down' });
    const reader = await registerReader(t.http);
    expect((await t.http.get('/api/v1/me').set(reader.auth)).status).toBe(200);
  });
});
