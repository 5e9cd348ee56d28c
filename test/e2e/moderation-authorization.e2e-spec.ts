import { randomUUID } from 'node:crypto';
import { createArticle } from '../factories/articles.factory';
import { postComment } from '../factories/moderation.factory';
import { registerReader, registerStaff, RegisteredReader } from '../factories/users.factory';
import { expectProblem } from '../support/problem';
import { createTestApp, TestApp } from '../support/test-app';

type Role = 'moderator' | 'admin';

interface AdminEndpoint {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: (ids: { commentId: string; userId: string; articleId: string }) => string;
  /** The least role the contract allows. */
  minimum: Role;
  body?: (ids: { futureIso: string; commentId: string }) => Record<string, unknown>;
  /** What must exist before the call (the target of a read or a delete). */
  prepare?: (t: TestApp, ids: { commentId: string }) => Promise<void>;
  /** The status an allowed call answers, when not 200 (201 for upserts that create). */
  allowedStatus?: number;
}

/**
 * Webhook endpoints here live on the shared database: each probe's endpoint subscribes to one rare event type, is
 * made by hand under the call's fresh id, and every one is removed when the file ends.
 */
const PROBE_WEBHOOK = { url: 'https://hooks.example.invalid/margin', secret: 'probe-secret-0123456789', events: ['donation.refunded'] };
const probeWebhookIds: string[] = [];
async function createProbeWebhook(t: TestApp, { commentId }: { commentId: string }): Promise<void> {
  probeWebhookIds.push(commentId);
  await t.db.query(`INSERT INTO webhook_endpoints (id, url, secret, events) VALUES ($1, $2, $3, $4)`, [
    commentId, PROBE_WEBHOOK.url, PROBE_WEBHOOK.secret, PROBE_WEBHOOK.events,
  ]);
}

/**
 * Every admin endpoint of the contract. A new admin route must be added here;
 * the last test fails when the app serves an /admin route this table lacks.
 */
const ADMIN_ENDPOINTS: AdminEndpoint[] = [
  { method: 'get', path: () => '/api/v1/admin/queue?state=reported', minimum: 'moderator' },
  { method: 'post', path: ({ commentId }) => `/api/v1/admin/comments/${commentId}/hide`, minimum: 'moderator', body: () => ({ reason: 'spam' }) },
  { method: 'post', path: ({ commentId }) => `/api/v1/admin/comments/${commentId}/unhide`, minimum: 'moderator' },
  { method: 'post', path: ({ commentId }) => `/api/v1/admin/comments/${commentId}/approve`, minimum: 'moderator' },
  { method: 'post', path: ({ commentId }) => `/api/v1/admin/comments/${commentId}/feature`, minimum: 'moderator' },
  { method: 'post', path: ({ commentId }) => `/api/v1/admin/comments/${commentId}/unfeature`, minimum: 'moderator' },
  { method: 'get', path: ({ commentId }) => `/api/v1/admin/comments/${commentId}/history`, minimum: 'moderator' },
  { method: 'post', path: () => '/api/v1/admin/comments/bulk', minimum: 'moderator', body: ({ commentId }) => ({ ids: [commentId], action: 'approve' }) },
  { method: 'get', path: ({ userId }) => `/api/v1/admin/users/${userId}`, minimum: 'moderator' },
  { method: 'get', path: ({ userId }) => `/api/v1/admin/users/${userId}/comments`, minimum: 'moderator' },
  { method: 'get', path: ({ userId }) => `/api/v1/admin/users/${userId}/notes`, minimum: 'moderator' },
  { method: 'post', path: ({ userId }) => `/api/v1/admin/users/${userId}/notes`, minimum: 'moderator', body: () => ({ body: 'Warned once\nby e-mail' }), allowedStatus: 201 },
  {
    method: 'post',
    path: ({ userId }) => `/api/v1/admin/users/${userId}/suspend`,
    minimum: 'moderator',
    body: ({ futureIso }) => ({ until: futureIso, reason: 'cooling off' }),
  },
  { method: 'post', path: ({ userId }) => `/api/v1/admin/users/${userId}/unsuspend`, minimum: 'moderator', body: () => ({ reason: 'appeal' }) },
  { method: 'post', path: ({ userId }) => `/api/v1/admin/users/${userId}/ban`, minimum: 'admin', body: () => ({ reason: 'spam ring' }) },
  { method: 'post', path: ({ userId }) => `/api/v1/admin/users/${userId}/unban`, minimum: 'admin', body: () => ({ reason: 'appeal' }) },
  { method: 'put', path: ({ userId }) => `/api/v1/admin/users/${userId}/role`, minimum: 'admin', body: () => ({ role: 'reader' }) },
  { method: 'patch', path: ({ articleId }) => `/api/v1/admin/articles/${articleId}`, minimum: 'moderator', body: () => ({ commentsOpen: true }) },
  { method: 'get', path: () => '/api/v1/admin/audit-log', minimum: 'admin' },
  { method: 'get', path: () => '/api/v1/admin/settings/moderation', minimum: 'admin' },
  { method: 'put', path: () => '/api/v1/admin/settings/moderation', minimum: 'admin', body: () => ({ bannedWords: [], premoderateNewReaders: false }) },
  {
    method: 'put',
    path: ({ commentId }) => `/api/v1/admin/appeals/${commentId}`,
    minimum: 'admin',
    body: () => ({
      headline: 'Support us',
      body: 'Reader-funded journalism.',
      currencies: { gbp: { amounts: [500], defaultAmount: 500, min: 100, max: 10000 } },
      frequencies: ['one_off'],
    }),
  },
  { method: 'get', path: ({ articleId }) => `/api/v1/admin/donations/summary?articleId=${articleId}`, minimum: 'admin' },
  { method: 'get', path: () => '/api/v1/admin/webhooks', minimum: 'admin' },
  { method: 'put', path: ({ commentId }) => `/api/v1/admin/webhooks/${commentId}`, minimum: 'admin', prepare: createProbeWebhook, body: () => PROBE_WEBHOOK },
  { method: 'get', path: ({ commentId }) => `/api/v1/admin/webhooks/${commentId}`, minimum: 'admin', prepare: createProbeWebhook },
  { method: 'delete', path: ({ commentId }) => `/api/v1/admin/webhooks/${commentId}`, minimum: 'admin', prepare: createProbeWebhook, allowedStatus: 204 },
  { method: 'get', path: ({ commentId }) => `/api/v1/admin/webhooks/${commentId}/deliveries`, minimum: 'admin', prepare: createProbeWebhook },
];

/** Payments must be configured for the donation admin endpoints to answer; none of these calls reach Stripe. */
const PAYMENTS_ENV = { STRIPE_SECRET_KEY: 'sk_test_authorization_table', STRIPE_WEBHOOK_SECRET: 'whsec_authorization_table' };

const describeEndpoint = (endpoint: AdminEndpoint) =>
  `${endpoint.method.toUpperCase()} ${endpoint.path({ commentId: ':id', userId: ':id', articleId: ':articleId' })}`;

describe('moderation authorization (e2e)', () => {
  let t: TestApp;
  let reader: RegisteredReader;
  let moderator: RegisteredReader;
  let admin: RegisteredReader;

  beforeAll(async () => {
    t = await createTestApp(PAYMENTS_ENV);
    [reader, moderator, admin] = await Promise.all([
      registerReader(t.http),
      registerStaff(t.http, t.db, 'moderator'),
      registerStaff(t.http, t.db, 'admin'),
    ]);
  });
  afterAll(async () => {
    await t.db.query(`DELETE FROM webhook_endpoints WHERE id = ANY($1)`, [probeWebhookIds]);
    await t.close();
  });

  /** Fresh targets for each call, so one caller's action never changes what the next one sees. */
  async function targets() {
    const article = await createArticle(t.http);
    const author = await registerReader(t.http);
    const comment = await postComment(t.http, author, article.id);
    return { commentId: comment.id, userId: author.id, articleId: article.id, futureIso: new Date(Date.now() + 3_600_000).toISOString() };
  }

  async function call(endpoint: AdminEndpoint, ids: Awaited<ReturnType<typeof targets>>, headers: Record<string, string>) {
    await endpoint.prepare?.(t, ids);
    const request = t.http[endpoint.method](endpoint.path(ids)).set(headers);
    return endpoint.body ? request.send(endpoint.body(ids)) : request;
  }

  describe.each(ADMIN_ENDPOINTS.map((endpoint) => [describeEndpoint(endpoint), endpoint] as const))('%s', (_, endpoint) => {
    it('refuses anonymous callers with 401', async () => {
      expectProblem(await call(endpoint, await targets(), {}), 401, 'UNAUTHENTICATED');
    });

    it('refuses readers with 403', async () => {
      expectProblem(await call(endpoint, await targets(), reader.auth), 403, 'FORBIDDEN');
    });

    it('refuses the CMS API key (it is not an admin token)', async () => {
      expectProblem(await call(endpoint, await targets(), { 'X-Api-Key': t.config.cmsApiKey as string }), 401, 'UNAUTHENTICATED');
    });

    it(`${endpoint.minimum === 'admin' ? 'refuses' : 'allows'} moderators`, async () => {
      const response = await call(endpoint, await targets(), moderator.auth);
      if (endpoint.minimum === 'admin') expectProblem(response, 403, 'FORBIDDEN');
      else expect(response.status).toBe(endpoint.allowedStatus ?? 200);
    });

    it('allows admins', async () => {
      // An upsert answers 201 when it creates.
      const allowed = endpoint.allowedStatus ? [endpoint.allowedStatus] : [200, 201];
      expect(allowed).toContain((await call(endpoint, await targets(), admin.auth)).status);
    });
  });

  it('lists every /admin route the application serves', async () => {
    const document = (await t.http.get('/docs-json').expect(200)).body as { paths: Record<string, Record<string, unknown>> };
    const served = Object.entries(document.paths)
      // The live queue is a stream authorized by a ticket: test/e2e/live.e2e-spec.ts covers who may open it.
      .filter(([path]) => path.startsWith('/api/v1/admin') && path !== '/api/v1/admin/queue/live')
      .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();
    const placeholder = randomUUID();
    const listed = ADMIN_ENDPOINTS.map(
      (endpoint) =>
        `${endpoint.method.toUpperCase()} ${endpoint
          .path({ commentId: placeholder, userId: placeholder, articleId: placeholder })
          .split('?')[0]
          .replace(placeholder, endpoint.path({ commentId: '', userId: '', articleId: '' }).includes('/articles/') ? '{articleId}' : '{id}')}`,
    ).sort();
    expect(served).toEqual(listed);
  });
});
