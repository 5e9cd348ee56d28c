import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  headers: IncomingMessage['headers'];
  rawBody: string;
  body: { id: string; type: string; createdAt: string; data: Record<string, unknown> };
  /** The status this receiver answered with; null while it holds the request unanswered. */
  answered: number | null;
  receivedAt: Date;
}

/** How the receiver answers a request: a status, or `hang` (never answer until `release()`). */
export type Answer = number | 'hang';

/**
 * A newsroom's webhook receiver in the test process: it records every request as received (raw bytes included,
 * for signature checks) and answers as `respond` decides, 200 by default.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  respond: (webhook: ReceivedWebhook) => Answer | Promise<Answer> = () => 200;
  private readonly hung: ServerResponse[] = [];
  private readonly waiters: (() => void)[] = [];

  private constructor(private readonly server: Server) {}

  static async start(): Promise<WebhookReceiver> {
    const server = createServer();
    const receiver = new WebhookReceiver(server);
    server.on('request', (request: IncomingMessage, response: ServerResponse) => receiver.handle(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks/margin`;
  }

  /** Requests answered with a 2xx, in the order they arrived. */
  get accepted(): ReceivedWebhook[] {
    return this.received.filter((webhook) => webhook.answered !== null && webhook.answered >= 200 && webhook.answered < 300);
  }

  /** Resolves once a request is being held unanswered. */
  async untilHanging(): Promise<void> {
    while (this.hung.length === 0) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  get hanging(): number {
    return this.hung.filter((response) => !response.writableEnded && !response.destroyed).length;
  }

  /** Answers every held request with `status`. */
  release(status = 200): void {
    for (const response of this.hung.splice(0)) {
      const webhook = this.received.find((candidate) => (candidate as unknown as { response?: ServerResponse }).response === response);
      if (webhook) webhook.answered = status;
      if (!response.destroyed) response.writeHead(status).end();
    }
  }

  async stop(): Promise<void> {
    this.release(200);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      void (async () => {
        const rawBody = Buffer.concat(chunks).toString('utf8');
        const webhook: ReceivedWebhook = { headers: request.headers, rawBody, body: JSON.parse(rawBody), answered: null, receivedAt: new Date() };
        this.received.push(webhook);
        const answer = await this.respond(webhook);
        if (answer === 'hang') {
          Object.defineProperty(webhook, 'response', { value: response, enumerable: false });
          this.hung.push(response);
          for (const wake of this.waiters.splice(0)) wake();
          return;
        }
        webhook.answered = answer;
        response.writeHead(answer, { 'content-type': 'text/plain' }).end(answer < 300 ? 'ok' : 'not now');
      })();
    });
  }
}

/** Checks `X-Margin-Signature` the way a receiver would: HMAC-SHA256 of "<t>.<raw body>" with the shared secret. */
export function signatureIsValid(header: string | string[] | undefined, rawBody: string, secret: string): boolean {
  const match = typeof header === 'string' ? /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header) : null;
  if (!match) return false;
  const expected = createHmac('sha256', secret).update(`${match[1]}.${rawBody}`).digest();
  return timingSafeEqual(expected, Buffer.from(match[2], 'hex'));
}
