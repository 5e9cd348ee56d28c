import { JobQueue } from '../../src/notifications/jobs/job-queue';
import { FAN_OUT_JOB } from '../../src/notifications/notification-producer';
import { expectProblem } from '../support/problem';
import { createIsolatedTestApp } from '../support/isolated-test-app';
import { createTestApp, TestApp } from '../support/test-app';

/** The value of one sample line, e.g. `http_requests_total{route="/health",method="GET",status="200"} 3`. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  for (const line of text.split('\n')) {
    const match = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = (match[2] ?? '').split(',');
    if (wanted.every((label) => present.includes(label))) return Number(match[3]);
  }
  return undefined;
}

describe('metrics (e2e)', () => {
  describe('without METRICS_TOKEN outside production', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await createTestApp({ RATE_LIMIT_MAX: '3' });
    });
    afterAll(() => t.close());

    it('counts requests by route template, method and status, with a latency histogram', async () => {
      await t.http.get('/health').expect(200);
      await t.http.get('/api/v1/articles/no-such-article').expect(404);
      await t.http.get('/api/v1/nothing/here/123').expect(404);
      const response = await t.http.get('/metrics').expect(200);
      expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = response.text;
      expect(sample(text, 'http_requests_total', { route: '/health', method: 'GET', status: '200' })).toBeGreaterThanOrEqual(1);
      expect(sample(text, 'http_requests_total', { route: '/api/v1/articles/:articleId', method: 'GET', status: '404' })).toBeGreaterThanOrEqual(1);
      expect(sample(text, 'http_requests_total', { route: 'unmatched', method: 'GET', status: '404' })).toBeGreaterThanOrEqual(1);
      expect(text).not.toContain('/api/v1/nothing/here/123');
      expect(sample(text, 'http_request_duration_seconds_bucket', { route: '/health', method: 'GET', status: '200', le: '+Inf' })).toBeGreaterThanOrEqual(1);
      expect(sample(text, 'http_request_duration_seconds_count', { route: '/health' })).toBeGreaterThanOrEqual(1);
    });

    it('reports the database pool, live streams and process metrics', async () => {
      const text = (await t.http.get('/metrics').expect(200)).text;
      expect(sample(text, 'margin_db_pool_connections_in_use')).toBeGreaterThanOrEqual(0);
      // Background workers share the pool, so an idle app may still have a query waiting for a moment.
      expect(sample(text, 'margin_db_pool_waiting')).toBeGreaterThanOrEqual(0);
      expect(sample(text, 'margin_live_stream_connections')).toBe(0);
      expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
      expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    });

    it('shows every pool connection in use, and the queries waiting for one, while the pool is exhausted', async () => {
      const pool = (t.db.driver as unknown as { master: { totalCount: number; idleCount: number; waitingCount: number } }).master;
      const size = t.config.databasePoolSize;
      const held = Array.from({ length: size + 3 }, () => t.db.query('SELECT pg_sleep(1.5)'));
      const until = Date.now() + 5_000;
      const exhausted = () => pool.totalCount - pool.idleCount === size && pool.waitingCount >= 3;
      while (!exhausted() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 10));
      // The pool gauges are read first, before the scrape's own backlog query waits for a connection.
      const text = (await t.http.get('/metrics').expect(200)).text;
      await Promise.all(held);
      expect(sample(text, 'margin_db_pool_connections_in_use')).toBe(size);
      expect(sample(text, 'margin_db_pool_waiting')).toBeGreaterThanOrEqual(3);
    });

    it('is not under /api/v1 and not cut off by the rate limit', async () => {
      await t.http.get('/api/v1/metrics').expect(404);
      for (let scrape = 0; scrape < 6; scrape++) await t.http.get('/metrics').expect(200);
    });
  });

  describe('with METRICS_TOKEN', () => {
    let t: TestApp;
    const token = 'metrics-token-0123456789';

    beforeAll(async () => {
      t = await createTestApp({ METRICS_TOKEN: token });
    });
    afterAll(() => t.close());

    it('answers only its bearer', async () => {
      expectProblem(await t.http.get('/metrics'), 401, 'UNAUTHENTICATED');
      expectProblem(await t.http.get('/metrics').set('Authorization', 'Bearer not-the-token-at-all'), 401, 'UNAUTHENTICATED');
      const response = await t.http.get('/metrics').set('Authorization', `Bearer ${token}`).expect(200);
      expect(response.text).toContain('http_requests_total');
    });
  });

  describe('job queues', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await createIsolatedTestApp();
    });
    afterAll(() => t.close());

    it('shows the depth of each queue and how long its oldest due job has waited', async () => {
      const queue = { queue: FAN_OUT_JOB };
      const before = (await t.http.get('/metrics').expect(200)).text;
      expect(sample(before, 'margin_job_queue_depth', queue)).toBe(0);
      expect(sample(before, 'margin_job_queue_oldest_age_seconds', queue)).toBe(0);

      const jobs = t.app.get(JobQueue);
      await jobs.send(FAN_OUT_JOB, { commentId: '00000000-0000-4000-8000-000000000000' });
      // As if no worker had taken it for 90 seconds.
      await t.db.query(`UPDATE pgboss.job SET start_after = now() - interval '90 seconds' WHERE name = $1`, [FAN_OUT_JOB]);
      const queued = (await t.http.get('/metrics').expect(200)).text;
      expect(sample(queued, 'margin_job_queue_depth', queue)).toBe(1);
      expect(sample(queued, 'margin_job_queue_oldest_age_seconds', queue)).toBeGreaterThanOrEqual(90);
      expect(sample(queued, 'margin_job_queue_oldest_age_seconds', queue)).toBeLessThan(120);

      await jobs.drain([FAN_OUT_JOB]);
      const drained = (await t.http.get('/metrics').expect(200)).text;
      expect(sample(drained, 'margin_job_queue_depth', queue)).toBe(0);
    });
  });
});
