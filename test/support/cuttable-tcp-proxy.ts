import { createServer, Server, Socket, connect } from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 in front of a real server, which a test can cut
 * and restore, so an app pointed at it sees the server go away and come back:
 * - `refuse()`: stop listening and drop every connection (ECONNREFUSED, "connection terminated");
 * - `blackHole()`: drop every connection, then accept new ones and never answer (a hung network);
 * - `restore()`: forward again on the same port.
 */
export class CuttableTcpProxy {
  private server?: Server;
  private mode: 'forward' | 'black-hole' = 'forward';
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  /** A proxy in front of the server of a `postgres://` (or any) URL, and that URL rewritten to go through it. */
  static async inFrontOf(url: string): Promise<{ proxy: CuttableTcpProxy; url: string }> {
    const parsed = new URL(url);
    const proxy = new CuttableTcpProxy(parsed.hostname, Number(parsed.port || 5432));
    await proxy.listen();
    parsed.hostname = '127.0.0.1';
    parsed.port = String(proxy.port);
    return { proxy, url: parsed.toString() };
  }

  async refuse(): Promise<void> {
    this.dropConnections();
    await this.closeServer();
  }

  async blackHole(): Promise<void> {
    this.mode = 'black-hole';
    this.dropConnections();
    if (!this.server) await this.listen();
  }

  async restore(): Promise<void> {
    this.mode = 'forward';
    this.dropConnections();
    if (!this.server) await this.listen();
  }

  async close(): Promise<void> {
    this.dropConnections();
    await this.closeServer();
  }

  private async listen(): Promise<void> {
    const server = createServer((client) => this.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  private accept(client: Socket): void {
    this.track(client);
    if (this.mode === 'black-hole') return;
    const upstream = connect(this.targetPort, this.targetHost);
    this.track(upstream);
    client.pipe(upstream).pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end);
    upstream.on('close', end);
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.sockets.delete(socket));
  }

  private dropConnections(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  private async closeServer(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
