import fc from 'fast-check';
import { Response } from 'supertest';
import { createArticle, TEST_CMS_API_KEY } from '../factories/articles.factory';
import { registerReader, RegisteredReader } from '../factories/users.factory';
import { checkoutSession, invoice, signedDelivery, stripeEvent, stripeId } from './stripe-fixtures';
import { TestApp } from './test-app';

/**
 * A property-based fuzz of every write endpoint the running app documents in
 * /docs-json (so a new endpoint is covered without editing this file). Each
 * run sends one generated request: a body that follows the endpoint's schema
 * with hostile values in it, or any JSON, deep JSON, or not JSON at all; junk
 * path ids, query strings and headers; no token, a reader's, an admin's or a
 * forged one. Seeded: the seed is printed, and FUZZ_SEED replays it
 * (FUZZ_RUNS sets the runs per endpoint).
 */

type Schema = {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  nullable?: boolean;
  allOf?: Schema[];
};

interface Operation {
  method: 'post' | 'put' | 'patch' | 'delete';
  path: string;
  body: Schema | null;
  query: Schema[];
  queryNames: string[];
}

interface OpenApiDocument {
  paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: Schema }> }; parameters?: { in: string; name: string; schema?: Schema }[] }>>;
  components?: { schemas?: Record<string, Schema> };
}

const WRITE_METHODS = ['post', 'put', 'patch', 'delete'] as const;

/** Texts that have broken parsers, drivers or renderers somewhere. */
const HOSTILE_TEXTS = [
  '\u0000',
  'a\u0000b',
  '\uD800',
  'x\uDFFF',
  '\u0001\u0002\u001B[31m',
  '\u007F\u0085\u009F',
  '\u202EAdmin',
  'Admin\u200B',
  'b\u00ADad',
  "'; DROP TABLE users; --",
  '%00',
  '../../etc/passwd',
  '${jndi:ldap://127.0.0.1/a}',
  '<script>alert(1)</script>',
  '__proto__',
  'constructor',
  '9'.repeat(400),
  'x'.repeat(6000),
  '😀'.repeat(3000),
  '2026-W01',
  '20270101',
  '2026-02-30',
  '+275760-09-13T00:00:00Z',
  '-0',
  'NaN',
  'Infinity',
  '',
  ' ',
];
const HOSTILE_NUMBERS = [0, -1, -0, 1.5, 2 ** 31, 2 ** 53, -(2 ** 63), 1e308, Number.MAX_SAFE_INTEGER + 2, 99_999_999, 100_000_000];

/** What leaks look like: stacks, SQL, driver or ORM messages, file paths. */
const LEAKS = [
  /QueryFailedError|EntityNotFound|TypeORM/i,
  /\n\s+at \S+ \(/,
  /node_modules|\/src\/|\.ts:\d+/,
  /\b(SELECT|INSERT INTO|UPDATE \w+ SET|DELETE FROM)\b/,
  /violates|duplicate key|syntax error at|invalid input syntax|invalid byte sequence|out of range for type|value too long/i,
  /TypeError|RangeError|ReferenceError|Cannot read propert/,
];

const hostileText = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_TEXTS) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.tuple(fc.string({ maxLength: 10 }), fc.constantFrom(...HOSTILE_TEXTS)).map(([a, b]) => a + b) },
);

const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  hostileText,
  fc.constantFrom(...HOSTILE_NUMBERS),
  fc.constantFrom(null, true, false, [], {}),
);

function resolve(schema: Schema | undefined, document: OpenApiDocument): Schema {
  if (!schema) return {};
  if (schema.$ref) return resolve(document.components?.schemas?.[schema.$ref.split('/').pop() as string], document);
  if (schema.allOf) return schema.allOf.map((part) => resolve(part, document)).reduce((merged, part) => ({ ...merged, ...part, properties: { ...merged.properties, ...part.properties } }), {});
  return schema;
}

/** A value that fits the schema, so that a request gets past validation to the code behind it. */
function plausible(schema: Schema, document: OpenApiDocument, depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(schema, document);
  if (s.enum) return fc.constantFrom(...s.enum);
  switch (s.type) {
    case 'integer':
    case 'number':
      return fc.integer({ min: Math.max(s.minimum ?? 1, -1e6), max: Math.min(s.maximum ?? 10_000, 1e9) });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return depth > 3 ? fc.constant([]) : fc.array(plausible(s.items ?? {}, document, depth + 1), { minLength: 1, maxLength: 3 });
    case 'object':
      return depth > 3 || !s.properties ? fc.constant({}) : objectOf(s, document, depth, () => false);
    default:
      if (s.format === 'date-time') return fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((date) => date.toISOString());
      if (s.format === 'email') return fc.stringMatching(/^[a-z]{1,10}$/).map((local) => `${local}-${Date.now()}@example.test`);
      if (s.format === 'uri') return fc.constantFrom('https://news.example/story', 'http://127.0.0.1/x');
      if (s.format === 'uuid') return fc.uuid();
      return fc.stringMatching(/^[A-Za-z0-9 ]{2,30}$/);
  }
}

function objectOf(s: Schema, document: OpenApiDocument, depth: number, hostileField: (name: string) => boolean): fc.Arbitrary<unknown> {
  const entries = Object.entries(s.properties ?? {});
  return fc.record(
    Object.fromEntries(
      entries.map(([name, property]) => [name, hostileField(name) ? fc.oneof(anyJson, hostileText) : plausible(property, document, depth + 1)]),
    ),
    { requiredKeys: s.required ?? entries.map(([name]) => name) },
  );
}

/** The schema's shape with one or more fields replaced by hostile values, maybe with an unknown field. */
function hostileBody(schema: Schema | null, document: OpenApiDocument): fc.Arbitrary<{ raw: string } | { json: unknown }> {
  const generic = fc.oneof(
    anyJson.map((json) => ({ json })),
    fc.integer({ min: 30, max: 3000 }).map((depth) => ({ raw: `${'['.repeat(depth)}${']'.repeat(depth)}` })),
    fc.constantFrom('{', '{"a":}', 'nul', '\u0000', '{"a":"\\ud800"}', '{"a":1e400}', '{"__proto__":{"x":1}}', '').map((raw) => ({ raw })),
  );
  const resolved = schema ? resolve(schema, document) : null;
  if (!resolved?.properties) return generic;
  const names = Object.keys(resolved.properties);
  const shaped = fc
    .tuple(fc.subarray(names, { minLength: 1 }), fc.option(fc.tuple(fc.string({ maxLength: 12 }), anyJson)))
    .chain(([hostile, extra]) =>
      objectOf(resolved, document, 0, (name) => hostile.includes(name)).map((body) => ({
        json: extra ? { ...(body as object), [extra[0]]: extra[1] } : body,
      })),
    );
  const valid = plausible(resolved, document).map((json) => ({ json }));
  return fc.oneof({ weight: 4, arbitrary: shaped }, { weight: 1, arbitrary: valid }, { weight: 2, arbitrary: generic });
}

const headerText = fc.stringMatching(/^[\t\x20-\x7e]{0,60}$/);
const junkHeaders = fc.record(
  {
    'X-Request-Id': headerText,
    'X-Forwarded-For': fc.oneof(headerText, fc.constantFrom('127.0.0.1, 10.0.0.1', '::1', 'unknown, , ,')),
    'X-Api-Key': fc.oneof(headerText, fc.constant(TEST_CMS_API_KEY)),
    'Accept-Language': headerText,
    'Stripe-Signature': headerText,
  },
  { requiredKeys: [] },
);

function operationsOf(document: OpenApiDocument): Operation[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    WRITE_METHODS.filter((method) => item[method]).map((method) => {
      const operation = item[method];
      const body = operation.requestBody?.content?.['application/json']?.schema ?? null;
      const query = (operation.parameters ?? []).filter((parameter) => parameter.in === 'query');
      return { method, path, body, query: query.map((parameter) => parameter.schema ?? {}), queryNames: query.map((parameter) => parameter.name) };
    }),
  );
}

interface Fixtures {
  reader: RegisteredReader;
  admin: RegisteredReader;
  articleId: string;
  commentId: string;
  donationId: string;
}

function isPairedAt(text: string, at: number): boolean {
  const unit = text.charCodeAt(at);
  const isHigh = (code: number) => code >= 0xd800 && code <= 0xdbff;
  const isLow = (code: number) => code >= 0xdc00 && code <= 0xdfff;
  return isHigh(unit) ? isLow(text.charCodeAt(at + 1)) : isHigh(text.charCodeAt(at - 1));
}

/** Real ids for the path's parameters (so requests reach the handlers), or junk. */
function pathValue(path: string, name: string, fixtures: Fixtures): fc.Arbitrary<string> {
  const segment = path.split(`{${name}}`)[0];
  const real =
    name === 'articleId' ? fixtures.articleId
    : name === 'userId' || segment.endsWith('/users/') ? fixtures.reader.id
    : segment.endsWith('/comments/') ? fixtures.commentId
    : segment.endsWith('/appeals/') ? 'default'
    : segment.endsWith('/donations/') ? fixtures.donationId
    : fixtures.articleId;
  // encodeURIComponent refuses unpaired surrogates; bytes that are not UTF-8 at all go in as they are.
  const encoded = hostileText.map((text) => encodeURIComponent(text.replace(/[\uD800-\uDFFF]/g, (unit, at: number) => (isPairedAt(text, at) ? unit : '\uFFFD'))).slice(0, 2000) || 'x');
  const junk = fc.oneof(encoded, fc.constantFrom('%ED%A0%80', '%FF%FE', '%00', '%', '..%2F..', 'a%2Fb'));
  return fc.oneof({ weight: 3, arbitrary: fc.constant(real) }, { weight: 1, arbitrary: junk });
}

function problemsWith(response: Response): string[] {
  const problems: string[] = [];
  if (response.status >= 500) problems.push(`answered ${response.status}: ${response.text.slice(0, 300)}`);
  if (response.status >= 400) {
    if (!/^application\/problem\+json/.test(response.headers['content-type'] ?? '')) problems.push(`error without problem+json: ${response.headers['content-type']}`);
    if (!/^[A-Z][A-Z0-9_]*$/.test(String(response.body?.code))) problems.push(`no stable code: ${JSON.stringify(response.body)}`);
    const leak = LEAKS.find((pattern) => pattern.test(response.text ?? ''));
    if (leak) problems.push(`leaks ${leak}: ${response.text.slice(0, 500)}`);
    if (problems.length > 0) problems.push(`body ${response.text.slice(0, 300)}`);
  }
  return problems;
}

/** Signed Stripe events: handled types with payloads bent out of shape, unknown types, junk. */
function signedStripeEvents(fixtures: Fixtures): fc.Arbitrary<unknown> {
  const ref = { donationId: fixtures.donationId, articleId: fixtures.articleId };
  const objects = [checkoutSession(ref), invoice(ref, { subscription: stripeId('sub') }), { id: stripeId('sub'), object: 'subscription' }, { payment_intent: stripeId('pi'), amount_refunded: 1 }];
  const bent = fc.tuple(fc.constantFrom(...objects), fc.dictionary(fc.constantFrom('id', 'subscription', 'payment_intent', 'client_reference_id', 'metadata', 'lines', 'payments', 'parent', 'amount_paid', 'amount_refunded', 'status', 'created', 'currency'), anyJson, { maxKeys: 4 }))
    .map(([object, changes]) => ({ ...object, ...changes }));
  const types = fc.constantFrom(
    'checkout.session.completed', 'checkout.session.async_payment_succeeded', 'checkout.session.async_payment_failed', 'checkout.session.expired',
    'invoice.paid', 'invoice.payment_failed', 'customer.subscription.updated', 'customer.subscription.deleted',
    'charge.refunded', 'charge.dispute.created', 'charge.dispute.closed', 'made.up',
  );
  const event = fc.tuple(types, fc.oneof(bent, anyJson)).map(([type, object]) => stripeEvent(type, object) as Record<string, unknown>);
  return fc.tuple(event, fc.dictionary(fc.constantFrom('id', 'type', 'created', 'data'), anyJson, { maxKeys: 2 })).map(([base, changes]) => ({ ...base, ...changes }));
}

export async function runWriteEndpointFuzz(t: TestApp, admin: RegisteredReader): Promise<void> {
  const seed = Number(process.env.FUZZ_SEED ?? 20_261_110);
  const numRuns = Number(process.env.FUZZ_RUNS ?? 12);
  process.stdout.write(`hostile-input fuzz: seed ${seed}, ${numRuns} runs per endpoint (replay with FUZZ_SEED=${seed})\n`);

  const document = (await t.http.get('/docs-json').expect(200)).body as OpenApiDocument;
  const operations = operationsOf(document);
  expect(operations.length).toBeGreaterThan(20);
  expect(operations.map((operation) => `${operation.method} ${operation.path}`)).toContain('post /api/v1/webhooks/stripe');

  const reader = await registerReader(t.http);
  const author = await registerReader(t.http);
  const article = await createArticle(t.http);
  const comment = (await t.http.post(`/api/v1/articles/${article.id}/comments`).set(author.auth).send({ body: 'A fuzzed thread' }).expect(201)).body;
  const donation = (await t.http.post('/api/v1/donations/checkout').send({ articleId: article.id, amount: 500, currency: 'gbp', frequency: 'one_off' }).expect(201)).body;
  const fixtures: Fixtures = { reader, admin, articleId: article.id, commentId: comment.id, donationId: donation.donationId };

  const auth = fc.constantFrom<Record<string, string>>(
    {},
    reader.auth,
    admin.auth,
    admin.auth,
    { Authorization: 'Bearer not.a.token' },
    { Authorization: `Bearer ${reader.accessToken.slice(0, -3)}abc` },
  );

  const failures: string[] = [];
  for (const [index, operation] of operations.entries()) {
    const names = [...operation.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
    const path = fc.tuple(...names.map((name) => pathValue(operation.path, name, fixtures))).map((values) =>
      names.reduce((built, name, at) => built.replace(`{${name}}`, values[at]), operation.path),
    );
    const query = fc.oneof(
      fc.constant(''),
      fc.dictionary(fc.oneof(fc.constantFrom(...operation.queryNames, 'limit', 'cursor', 'sort', 'from', 'to'), fc.string({ maxLength: 8 })), hostileText, { maxKeys: 3 })
        .map((entries) => `?${new URLSearchParams(entries as Record<string, string>).toString()}`.slice(0, 4000)),
    );
    const isStripe = operation.path === '/api/v1/webhooks/stripe';
    const body = isStripe ? fc.oneof(signedStripeEvents(fixtures).map((json) => ({ stripe: json })), hostileBody(null, document)) : hostileBody(operation.body, document);
    const contentType = fc.constantFrom('application/json', 'application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded');

    const outcome = await fc.check(
      fc.asyncProperty(path, query, body, auth, junkHeaders, contentType, async (url, search, payload, authorization, headers, type) => {
        let request = t.http[operation.method](url + search).set(headers).set(authorization).set('Content-Type', type);
        if ('stripe' in payload) {
          const delivery = signedDelivery(payload.stripe);
          request = request.set('Content-Type', 'application/json').set('Stripe-Signature', delivery.signature);
          request = request.send(delivery.payload);
        } else {
          request = request.send('raw' in payload ? payload.raw : JSON.stringify(payload.json === undefined ? null : payload.json));
        }
        const response = await request;
        const problems = problemsWith(response);
        if (problems.length > 0) {
          throw new Error(`${operation.method.toUpperCase()} ${(url + search).slice(0, 200)} → ${response.status}: ${problems.join('; ').slice(0, 600)}`);
        }
      }),
      { seed: seed + index, numRuns, endOnFailure: true },
    );
    if (outcome.failed) failures.push(`${operation.method} ${operation.path} (seed ${seed + index}): ${String((outcome.errorInstance as Error)?.message ?? outcome.errorInstance)}`);
  }
  // Every endpoint is tried before failing, so one run shows every endpoint that breaks.
  expect(failures).toEqual([]);
}
