import { ClientRequest, IncomingHttpHeaders, IncomingMessage, request as httpRequest } from 'node:http';

/** One Server-Sent Event as a browser's EventSource would dispatch it (comments kept apart). */
export interface ReceivedEvent {
  id?: string;
  event: string;
  data: string;
}

/**
 * A real HTTP client on a live stream (node:http, no EventSource polyfill): it
 * parses the text/event-stream as it arrives and lets a test wait for what it
 * expects, or for the stream's end.
 */
export class SseClient {
  readonly events: ReceivedEvent[] = [];
  readonly comments: string[] = [];
  status = 0;
  headers: IncomingHttpHeaders = {};
  ended = false;
  private pending = '';
  private waiters: (() => void)[] = [];

  private constructor(
    readonly request: ClientRequest,
    readonly response: IncomingMessage,
  ) {}

  /** Opens `path` on `baseUrl` and resolves once the status and headers are in. */
  static open(baseUrl: string, path: string, headers: Record<string, string> = {}): Promise<SseClient> {
    return new Promise((resolve, reject) => {
      const url = new URL(path, baseUrl);
      const request = httpRequest(url, { headers: { accept: 'text/event-stream', ...headers }, agent: false });
      request.on('error', reject);
      request.on('response', (response) => {
        const client = new SseClient(request, response);
        client.status = response.statusCode ?? 0;
        client.headers = response.headers;
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => client.receive(chunk));
        const finish = () => {
          client.ended = true;
          client.wake();
        };
        response.on('end', finish);
        response.on('close', finish);
        response.on('error', finish);
        request.on('error', finish);
        resolve(client);
      });
      request.end();
    });
  }

  /** The parsed `data` of every event of one type, in arrival order. */
  dataOf<T = unknown>(type: string): T[] {
    return this.events.filter((event) => event.event === type).map((event) => JSON.parse(event.data) as T);
  }

  /** Waits until `check` holds for what has arrived; fails with what did arrive after `ms`. */
  async until(check: (client: SseClient) => boolean, what: string, ms = 10_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!check(this)) {
      const left = deadline - Date.now();
      if (this.ended || left <= 0) {
        throw new Error(`${what}: ${this.ended ? 'the stream ended' : 'timed out'}; received ${JSON.stringify(this.events)}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  untilEvent(type: string, count = 1, ms?: number): Promise<void> {
    return this.until((client) => client.events.filter((event) => event.event === type).length >= count, `waiting for ${count} ${type}`, ms);
  }

  untilEnded(ms?: number): Promise<void> {
    return this.until((client) => client.ended, 'waiting for the stream to end', ms);
  }

  /** The id of the last event received (what EventSource sends as Last-Event-ID). */
  get lastEventId(): string | undefined {
    return [...this.events].reverse().find((event) => event.id !== undefined)?.id;
  }

  /** Stops reading without closing: the server's writes pile up in the socket. */
  pause(): void {
    this.response.pause();
  }

  close(): void {
    this.request.destroy();
    this.response.destroy();
  }

  private receive(chunk: string): void {
    this.pending += chunk;
    let boundary = this.pending.indexOf('\n\n');
    while (boundary >= 0) {
      this.parseBlock(this.pending.slice(0, boundary));
      this.pending = this.pending.slice(boundary + 2);
      boundary = this.pending.indexOf('\n\n');
    }
    this.wake();
  }

  private parseBlock(block: string): void {
    const event: ReceivedEvent = { event: 'message', data: '' };
    const data: string[] = [];
    let hasField = false;
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) {
        this.comments.push(line.slice(1).trim());
        continue;
      }
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'id') event.id = value;
      else if (field === 'event') event.event = value;
      else if (field === 'data') data.push(value);
      else continue;
      hasField = true;
    }
    if (!hasField || data.length === 0) return;
    event.data = data.join('\n');
    this.events.push(event);
  }

  private wake(): void {
    const waiters = this.waiters.splice(0);
    for (const wake of waiters) wake();
  }
}

/** Where a test app listens: streams need a real port, not supertest's in-process server. */
export function baseUrlOf(server: { address(): unknown }): string {
  const address = server.address() as { port: number };
  return `http://127.0.0.1:${address.port}`;
}
