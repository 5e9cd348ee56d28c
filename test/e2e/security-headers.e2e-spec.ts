import { createTestApp, TestApp } from '../support/test-app';

// Every header helmet's defaults sent before the headers were computed once at start-up,
// with the policy minus `upgrade-insecure-requests`.
const EXPECTED_HEADERS = {
  'content-security-policy':
    "default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action 'self';frame-ancestors 'none';" +
    "img-src 'self' data:;object-src 'none';script-src 'self';script-src-attr 'none';style-src 'self' 'unsafe-inline';" +
    "connect-src 'self'",
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'SAMEORIGIN',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
};

describe('security headers (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it.each([
    ['a JSON answer', '/health', 200],
    ['a problem answer', '/api/v1/no-such-route', 404],
    ['the metrics', '/metrics', 200],
  ])('sends every security header on %s', async (_what, path, status) => {
    const response = await t.http.get(path).expect(status);
    expect(response.headers).toEqual(expect.objectContaining(EXPECTED_HEADERS));
  });

  it('does not ask browsers to upgrade to HTTPS', async () => {
    const response = await t.http.get('/health');
    expect(response.headers['content-security-policy']).not.toMatch(/upgrade-insecure-requests/);
  });

  it('serves /docs and its assets over plain HTTP on a host that is not localhost', async () => {
    const page = await t.http.get('/docs').set('Host', 'comments.newsroom.example:3000').redirects(1).expect(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.headers).toEqual(expect.objectContaining(EXPECTED_HEADERS));
    const scripts = [...page.text.matchAll(/src="\.\/(docs\/[^"]+\.js)"/g)].map((match) => match[1]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) {
      const asset = await t.http.get(`/${script}`).set('Host', 'comments.newsroom.example:3000').expect(200);
      expect(asset.headers['content-type']).toMatch(/javascript/);
    }
  });
});
