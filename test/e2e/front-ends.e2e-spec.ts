import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { CLIENT_ARGUMENTS } from '../../scripts/build-web';
import { expectProblem } from '../support/problem';
import { createTestApp, TestApp } from '../support/test-app';
import { buildWebForTest } from '../support/web-build';

const NEWSROOM = 'https://news.example';
const ROOT = resolve(__dirname, '..', '..');

describe('front ends served by Margin (e2e)', () => {
  let web: Awaited<ReturnType<typeof buildWebForTest>>;
  let t: TestApp;

  beforeAll(async () => {
    web = await buildWebForTest();
    t = await createTestApp({ EMBED_ORIGINS: `${NEWSROOM},https://amp.news.example` }, { webDirectory: web.directory });
  });
  afterAll(async () => {
    await t?.close();
    web?.remove();
  });

  it.each(['margin.js', 'count.js'])('serves /embed/%s as a script any page can load, cached briefly with an ETag', async (name) => {
    const response = await t.http.get(`/embed/${name}`).set('Origin', 'https://elsewhere.example');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(response.headers['cache-control']).toBe('public, max-age=300');
    // Module scripts are fetched with CORS, from the newsroom's origin.
    expect(response.headers['access-control-allow-origin']).toBe('*');
    expect(response.headers['cross-origin-resource-policy']).toBe('cross-origin');
    const etag = response.headers.etag;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await t.http.get(`/embed/${name}`).set('If-None-Match', etag);
    expect(again.status).toBe(304);
  });

  it('margin.js is an ES module that defines <margin-comments>', async () => {
    const response = await t.http.get('/embed/margin.js').buffer(true).parse((res, done) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      res.on('end', () => done(null, text));
    });
    expect(response.body).toContain('customElements.define("margin-comments"');
    expect(response.body).toContain('import.meta.url');
  });

  it('lets only Margin and EMBED_ORIGINS frame /embed/frame', async () => {
    const response = await t.http.get('/embed/frame?article=a-1');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['content-security-policy']).toContain(`frame-ancestors 'self' ${NEWSROOM} https://amp.news.example;`);
    expect(response.headers['content-security-policy']).toContain("script-src 'self'");
    expect(response.headers['x-frame-options']).toBeUndefined();
    expect(response.text).toContain('/embed/margin.js');
    // Every other page still refuses to be framed.
    const console = await t.http.get('/console/');
    expect(console.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(console.headers['x-frame-options']).toBe('SAMEORIGIN');
  });

  it('EMBED_ORIGINS join the CORS allow-list; other sites get no CORS grant', async () => {
    const preflight = await t.http
      .options('/api/v1/articles/a-1/comments')
      .set('Origin', NEWSROOM)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization,content-type');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(NEWSROOM);
    const other = await t.http.get('/api/v1/articles/a-1').set('Origin', 'https://evil.example');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('serves the console as a page whose hashed assets are cached for a year', async () => {
    const redirect = await t.http.get('/console');
    expect(redirect.status).toBe(301);
    expect(redirect.headers.location).toBe('/console/');
    const page = await t.http.get('/console/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['cache-control']).toBe('no-cache');
    const script = /src="(\/console\/assets\/console-[A-Z0-9]+\.js)"/.exec(page.text)?.[1];
    const stylesheet = /href="(\/console\/assets\/console-[A-Z0-9]+\.css)"/.exec(page.text)?.[1];
    expect(script).toBeDefined();
    expect(stylesheet).toBeDefined();
    const js = await t.http.get(script as string);
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const css = await t.http.get(stylesheet as string);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expectProblem(await t.http.get('/console/assets/console-NOPE.js'), 404, 'NOT_FOUND');
  });

  it('the demo page (development only) sets up its article so the thread works at once', async () => {
    const redirect = await t.http.get('/embed/demo');
    expect(redirect.status).toBe(302);
    expect(redirect.headers.location).toBe('/embed/demo?article=demo-harbour-fire');
    const id = `demo-${Date.now()}`;
    expectProblem(await t.http.get(`/api/v1/articles/${id}`), 404, 'ARTICLE_NOT_FOUND');
    const page = await t.http.get(`/embed/demo?article=${id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<margin-comments');
    const article = await t.http.get(`/api/v1/articles/${id}`);
    expect(article.status).toBe(200);
    expect(article.body.commentsOpen).toBe(true);
    expectProblem(await t.http.get('/embed/demo?article=no%20spaces'), 400, 'VALIDATION_FAILED');
  });
});

describe('the front ends\' typed client (e2e)', () => {
  it('is in step with the committed openapi.json (npm run openapi:client regenerates it)', () => {
    const output = join(mkdtempSync(join(tmpdir(), 'margin-web-client-')), 'margin-api.d.ts');
    const args = CLIENT_ARGUMENTS.map((arg) => (arg === 'web/src/api/margin-api.d.ts' ? output : arg));
    execFileSync(join(ROOT, 'node_modules', '.bin', 'openapi-typescript'), args, { cwd: ROOT, stdio: 'pipe' });
    expect(readFileSync(output, 'utf8')).toBe(readFileSync(join(ROOT, 'web', 'src', 'api', 'margin-api.d.ts'), 'utf8'));
    rmSync(dirname(output), { recursive: true, force: true });
  });
});

describe('npm run web:budget', () => {
  const budget = (directory: string) =>
    spawnSync(join(ROOT, 'node_modules', '.bin', 'ts-node'), ['--transpile-only', 'scripts/web-budget.ts', directory], { cwd: ROOT, encoding: 'utf8' });
  const made: string[] = [];
  afterAll(() => made.forEach((directory) => rmSync(directory, { recursive: true, force: true })));
  const builtWith = (margin: string, count = 'document.title;') => {
    const directory = mkdtempSync(join(tmpdir(), 'margin-budget-'));
    made.push(directory);
    mkdirSync(join(directory, 'embed'));
    writeFileSync(join(directory, 'embed', 'margin.js'), margin);
    writeFileSync(join(directory, 'embed', 'count.js'), count);
    return directory;
  };

  it('fails over budget, and when margin.js loads other modules (they would escape the count)', () => {
    const small = builtWith('customElements.define("margin-comments", class extends HTMLElement {});');
    expect(budget(small).status).toBe(0);
    const large = builtWith(randomBytes(48 * 1024).toString('base64'));
    const over = budget(large);
    expect(over.status).toBe(1);
    expect(over.stdout).toMatch(/FAIL margin\.js: [\d.]+ kB gzipped \(budget 40 kB/);
    const chunked = budget(builtWith('import("./chunk-1.js").then((m) => m.start());'));
    expect(chunked.status).toBe(1);
    expect(chunked.stdout).toContain('loads other modules');
    const bigCount = budget(builtWith('x', randomBytes(3 * 1024).toString('base64')));
    expect(bigCount.stdout).toMatch(/FAIL count\.js/);
  }, 30_000);
});

describe('front ends where they are not built, or in production (e2e)', () => {
  it('answers 503 problem+json naming the build step, and no demo page in production', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'margin-web-empty-'));
    const t = await createTestApp({ NODE_ENV: 'production' }, { webDirectory: empty });
    try {
      const missing = await t.http.get('/embed/margin.js');
      expectProblem(missing, 503, 'SERVICE_UNAVAILABLE');
      expect(missing.body.detail).toContain('npm run build');
      expectProblem(await t.http.get('/console/'), 503, 'SERVICE_UNAVAILABLE');
      expect((await t.http.get('/embed/demo?article=x')).status).toBe(404);
      // Without EMBED_ORIGINS the frame may be shown by Margin's own pages only.
      expect((await t.http.get('/embed/frame')).headers['content-security-policy']).toContain("frame-ancestors 'self';");
    } finally {
      await t.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
