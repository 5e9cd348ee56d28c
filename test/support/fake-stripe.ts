import { once } from 'node:events';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedStripeRequest {
  method: string;
  path: string;
  query: Record<string, unknown>;
  /** The form body decoded into nested objects and arrays, as Stripe reads it. */
  body: Record<string, unknown>;
  idempotencyKey: string | undefined;
  stripeVersion: string | undefined;
}

type StripeObject = Record<string, unknown> & { id: string };

interface PlannedFailure {
  status: number;
  error: { type: string; code?: string; message: string };
}

/** Decodes `a[b][0][c]=x` form fields the way Stripe's API does. */
export function decodeStripeForm(encoded: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(encoded)) {
    const path = key.replace(/\]/g, '').split('[');
    let node: Record<string, unknown> = root;
    path.forEach((segment, index) => {
      if (index === path.length - 1) {
        node[segment] = value;
        return;
      }
      const nextIsIndex = /^\d+$/.test(path[index + 1]);
      node[segment] ??= nextIsIndex ? [] : {};
      node = node[segment] as Record<string, unknown>;
    });
  }
  return root;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/**
 * An in-process Stripe API double on 127.0.0.1 (random port) for the real SDK:
 * it records every request and answers Checkout Sessions, customers,
 * subscription reads, invoice payments and billing portal sessions with the
 * shapes the current API version returns. Tests plant subscriptions and
 * invoice payments, delays and failures.
 */
export class FakeStripe {
  readonly requests: RecordedStripeRequest[] = [];
  private readonly server: Server;
  private readonly idempotentReplies = new Map<string, StripeObject>();
  private readonly subscriptions = new Map<string, StripeObject>();
  private readonly invoicePayments = new Map<string, StripeObject[]>();
  private readonly failures = new Map<string, PlannedFailure[]>();
  private readonly delays = new Map<string, number[]>();
  private sequence = 0;

  private constructor() {
    this.server = createServer((request, response) => void this.handle(request, response));
  }

  static async start(): Promise<FakeStripe> {
    const fake = new FakeStripe();
    fake.server.listen(0, '127.0.0.1');
    await once(fake.server, 'listening');
    return fake;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** The environment that points the app's SDK at this double. */
  environment(): Record<string, string> {
    return {
      STRIPE_SECRET_KEY: 'sk_test_fake_0123456789',
      STRIPE_WEBHOOK_SECRET: FAKE_WEBHOOK_SECRET,
      STRIPE_API_HOST: '127.0.0.1',
      STRIPE_API_PORT: String(this.port),
      STRIPE_API_PROTOCOL: 'http',
    };
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  requestsTo(method: string, path: string): RecordedStripeRequest[] {
    return this.requests.filter((request) => request.method === method && request.path === path);
  }

  /** The Checkout Session create request that carried this donation id. */
  checkoutRequestFor(donationId: string): RecordedStripeRequest | undefined {
    return this.requestsTo('POST', '/v1/checkout/sessions').find((request) => request.body.client_reference_id === donationId);
  }

  setSubscription(subscription: StripeObject): void {
    this.subscriptions.set(subscription.id, structuredClone(subscription));
  }

  setInvoicePayments(invoiceId: string, payments: StripeObject[]): void {
    this.invoicePayments.set(invoiceId, payments);
  }

  /** The next request to `method path` fails with Stripe's error shape. */
  failNext(method: string, path: string, status: number, type = 'api_error', code?: string): void {
    const key = `${method} ${path}`;
    this.failures.set(key, [...(this.failures.get(key) ?? []), { status, error: { type, code, message: 'Planned failure' } }]);
  }

  /** The next request to `method path` is answered after `ms`, with the state as it was when it arrived. */
  delayNext(method: string, path: string, ms: number): void {
    const key = `${method} ${path}`;
    this.delays.set(key, [...(this.delays.get(key) ?? []), ms]);
  }

  private nextId(prefix: string): string {
    this.sequence += 1;
    return `${prefix}_test_${Date.now().toString(36)}${this.sequence.toString().padStart(6, '0')}`;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const url = new URL(request.url ?? '/', 'http://fake-stripe');
    const method = request.method ?? 'GET';
    const recorded: RecordedStripeRequest = {
      method,
      path: url.pathname,
      query: decodeStripeForm(url.search.slice(1)),
      body: decodeStripeForm(Buffer.concat(chunks).toString('utf8')),
      idempotencyKey: header(request, 'idempotency-key'),
      stripeVersion: header(request, 'stripe-version'),
    };
    this.requests.push(recorded);
    const key = `${method} ${routeOf(url.pathname)}`;
    const failure = this.failures.get(key)?.shift();
    const { status, body } = failure ? { status: failure.status, body: { error: failure.error } } : this.answer(recorded);
    const delay = this.delays.get(key)?.shift();
    if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
    response.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_${this.sequence}` });
    response.end(JSON.stringify(body));
  }

  private answer(request: RecordedStripeRequest): { status: number; body: unknown } {
    const replay = request.idempotencyKey ? this.idempotentReplies.get(`${request.path} ${request.idempotencyKey}`) : undefined;
    if (replay) return { status: 200, body: replay };
    const created = this.create(request);
    if (created) {
      if (request.idempotencyKey) this.idempotentReplies.set(`${request.path} ${request.idempotencyKey}`, created);
      return { status: 200, body: created };
    }
    const customerMatch = /^\/v1\/customers\/([^/]+)$/.exec(request.path);
    if (request.method === 'POST' && customerMatch) {
      const body = request.body as { email?: string; name?: string; metadata?: Record<string, string> };
      return { status: 200, body: { id: customerMatch[1], object: 'customer', email: body.email || null, name: body.name || null, metadata: body.metadata ?? {}, livemode: false } };
    }
    const subscriptionMatch = /^\/v1\/subscriptions\/([^/]+)$/.exec(request.path);
    if (request.method === 'GET' && subscriptionMatch) {
      const subscription = this.subscriptions.get(subscriptionMatch[1]);
      return subscription ? { status: 200, body: structuredClone(subscription) } : notFound('subscription', subscriptionMatch[1]);
    }
    if (request.method === 'GET' && request.path === '/v1/invoice_payments') {
      const data = this.invoicePayments.get(String(request.query.invoice)) ?? [];
      return { status: 200, body: { object: 'list', data, has_more: false, url: '/v1/invoice_payments' } };
    }
    return notFound('route', request.path);
  }

  private create(request: RecordedStripeRequest): StripeObject | null {
    if (request.method !== 'POST') return null;
    switch (request.path) {
      case '/v1/checkout/sessions':
        return this.checkoutSession(request.body);
      case '/v1/customers':
        return { id: this.nextId('cus'), object: 'customer', created: nowSeconds(), email: request.body.email ?? null, metadata: request.body.metadata ?? {}, livemode: false };
      case '/v1/billing_portal/sessions': {
        const id = this.nextId('bps');
        return {
          id,
          object: 'billing_portal.session',
          created: nowSeconds(),
          customer: request.body.customer,
          return_url: request.body.return_url,
          livemode: false,
          url: `https://billing.stripe.com/p/session/${id}`,
        };
      }
      default:
        return null;
    }
  }

  private checkoutSession(body: Record<string, unknown>): StripeObject {
    const id = this.nextId('cs');
    const lineItems = body.line_items as { price_data: { unit_amount: string; currency: string } }[];
    return {
      id,
      object: 'checkout.session',
      mode: body.mode,
      status: 'open',
      payment_status: 'unpaid',
      client_reference_id: body.client_reference_id ?? null,
      customer: body.customer ?? null,
      customer_email: body.customer_email ?? null,
      metadata: body.metadata ?? {},
      amount_total: Number(lineItems[0].price_data.unit_amount),
      currency: lineItems[0].price_data.currency,
      submit_type: body.submit_type ?? null,
      success_url: body.success_url,
      cancel_url: body.cancel_url,
      payment_intent: null,
      subscription: null,
      created: nowSeconds(),
      expires_at: nowSeconds() + 24 * 3600,
      livemode: false,
      url: `https://checkout.stripe.com/c/pay/${id}`,
    };
  }
}

export const FAKE_WEBHOOK_SECRET = 'whsec_fake_0123456789abcdef';

function routeOf(path: string): string {
  return path.replace(/^\/v1\/subscriptions\/[^/]+$/, '/v1/subscriptions/:id');
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function notFound(kind: string, id: string): { status: number; body: unknown } {
  return {
    status: 404,
    body: { error: { type: 'invalid_request_error', code: 'resource_missing', message: `No such ${kind}: '${id}'`, param: 'id' } },
  };
}
