import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AddressInfo } from 'node:net';
import { generatedDocument } from '../../src/common/openapi/openapi-cli';
import { stableJson } from '../../src/common/openapi/stable-json';
import { runClientFlow } from '../client/margin-client-flow';
import { createTestApp, TestApp } from '../support/test-app';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');
const bin = (name: string) => join(ROOT, 'node_modules', '.bin', name);

/** The `openapi:client` script's own arguments, writing to `output` instead of the committed file. */
function clientScriptArguments(output: string): string[] {
  const script = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts['openapi:client'];
  const [, ...args] = script.split(' ');
  const at = args.indexOf('-o');
  return [...args.slice(0, at + 1), output, ...args.slice(at + 2)];
}

describe('OpenAPI document and the client generated from it (e2e)', () => {
  let t: TestApp;
  let baseUrl: string;

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(() => t.close());

  it('writes the same document as the running app serves at /docs-json', async () => {
    const served = (await t.http.get('/docs-json').expect(200)).body as unknown;
    expect(await generatedDocument()).toBe(stableJson(served));
  });

  it('keeps the committed client types in step with openapi.json', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'margin-client-'));
    try {
      const output = join(directory, 'margin-api.d.ts');
      await run(bin('openapi-typescript'), clientScriptArguments(output), { cwd: ROOT });
      expect(readFileSync(output, 'utf8')).toBe(readFileSync(join(ROOT, 'test', 'client', 'margin-api.d.ts'), 'utf8'));
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  }, 60_000);

  it('type-checks a program written against the generated client', async () => {
    await expect(run(bin('tsc'), ['-p', join(ROOT, 'test', 'client', 'tsconfig.json')], { cwd: ROOT })).resolves.toBeDefined();
  }, 120_000);

  it('drives the running app through the generated client: register, me, article, comment, thread, typed errors', async () => {
    const unique = randomBytes(4).toString('hex');
    const result = await runClientFlow(baseUrl, t.config.cmsApiKey as string, unique);
    expect(result).toEqual({
      displayName: `Client ${unique}`,
      meEmail: `client-${unique}@example.com`,
      articleStatus: 201,
      postedBody: 'Typed from the generated client',
      threadBodies: ['Typed from the generated client'],
      duplicateStatus: 409,
      duplicateCode: 'EMAIL_TAKEN',
      missingArticleCode: 'ARTICLE_NOT_FOUND',
    });
  });
});
