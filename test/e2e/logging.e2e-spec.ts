import { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import TestAgent from 'supertest/lib/agent';
import { createApp } from '../../src/app.factory';
import { loadConfig } from '../../src/config/app-config';
import { registerReader } from '../factories/users.factory';
import { expectProblem } from '../support/problem';
import { testEnvironment } from '../support/test-app';

type LogLine = Record<string, unknown> & { level: number; msg: string };

/** Collects what the app writes, one string per line, as a log shipper would read stdout. */
class CapturedLog {
  readonly raw: string[] = [];
  write(chunk: string): void {
    this.raw.push(...chunk.split('\n').filter(Boolean));
  }
  lines(): LogLine[] {
    return this.raw.map((line) => JSON.parse(line) as LogLine);
  }
  async requestLine(route: string): Promise<LogLine> {
    for (let attempt = 0; attempt < 50; attempt++) {
      const line = this.lines().find((entry) => entry.msg === 'request' && entry.route === route);
      if (line) return line;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`no request line for ${route}`);
  }
}

async function startApp(env: Record<string, string>, log: CapturedLog): Promise<{ app: NestFastifyApplication; http: TestAgent }> {
  const app = await createApp(loadConfig(testEnvironment(env)), { logDestination: log });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return { app, http: request(app.getHttpServer()) };
}

describe('logging (e2e)', () => {
  describe('at info, behind a trusted proxy', () => {
    const log = new CapturedLog();
    let app: NestFastifyApplication;
    let http: TestAgent;

    beforeAll(async () => {
      ({ app, http } = await startApp({ LOG_LEVEL: 'info', TRUST_PROXY: 'true' }, log));
    });
    afterAll(() => app.close());

    it('writes every line as JSON, with no Nest text and no colour codes', () => {
      expect(log.raw.length).toBeGreaterThan(0);
      for (const line of log.raw) {
        expect(line).not.toContain('\u001b[');
        expect(() => JSON.parse(line)).not.toThrow();
      }
    });

    it('keeps the route mapping out of info', () => {
      const atInfo = log.lines().filter((line) => line.level >= 30);
      expect(atInfo.filter((line) => ['RoutesResolver', 'RouterExplorer', 'InstanceLoader'].includes(line.context as string))).toEqual([]);
      expect(log.raw.join('\n')).not.toMatch(/Mapped \{/);
    });

    it('says when migrations ran', () => {
      const line = log.lines().find((entry) => entry.context === 'Migrations');
      expect(line).toEqual(expect.objectContaining({ level: 30, applied: expect.any(Array), msg: expect.stringMatching(/migration/) }));
    });

    it('writes one line per request with route template, status, code, user, address, bytes and duration', async () => {
      const reader = await registerReader(http);
      const response = await http
        .put(`/api/v1/users/${reader.id}/follow`)
        .set(reader.auth)
        .set('X-Request-Id', 'log-me-1')
        .set('X-Forwarded-For', '203.0.113.7');
      expectProblem(response, 400, 'FOLLOW_SELF');

      const line = await log.requestLine('/api/v1/users/:id/follow');
      expect(line).toEqual(
        expect.objectContaining({
          level: 40,
          reqId: 'log-me-1',
          method: 'PUT',
          status: 400,
          code: 'FOLLOW_SELF',
          userId: reader.id,
          ip: '203.0.113.7',
          bytes: Number(response.headers['content-length']),
          ms: expect.any(Number),
        }),
      );
      expect(log.lines().filter((entry) => entry.reqId === 'log-me-1')).toHaveLength(1);

      const everything = log.raw.join('\n');
      expect(everything).not.toContain(reader.email);
      expect(everything).not.toContain(reader.accessToken);
      expect(everything).not.toContain(reader.refreshToken);
      expect(everything).not.toContain(reader.password);
    });

    it('labels a path no route matches with one fixed name', async () => {
      await http.get('/api/v1/no/such/route/4711').set('X-Request-Id', 'log-me-2').expect(404);
      const line = await log.requestLine('unmatched');
      expect(line).toEqual(expect.objectContaining({ status: 404, code: 'NOT_FOUND' }));
      expect(log.raw.join('\n')).not.toContain('4711');
    });
  });

  describe('at warn', () => {
    const log = new CapturedLog();
    let app: NestFastifyApplication;
    let http: TestAgent;

    beforeAll(async () => {
      ({ app, http } = await startApp({ LOG_LEVEL: 'warn' }, log));
    });
    afterAll(() => app.close());

    it('writes nothing for a successful request and still reports a refused one', async () => {
      await http.get('/health').set('X-Request-Id', 'quiet-1').expect(200);
      await http.get('/api/v1/me').set('X-Request-Id', 'loud-1').expect(401);
      const line = await log.requestLine('/api/v1/me');
      expect(line).toEqual(expect.objectContaining({ reqId: 'loud-1', status: 401, code: 'UNAUTHENTICATED' }));
      expect(log.lines().filter((entry) => entry.reqId === 'quiet-1')).toEqual([]);
    });
  });
});
