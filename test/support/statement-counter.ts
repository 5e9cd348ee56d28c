import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { TestApp } from './test-app';

type Statement = Parameters<PostgresQueryRunner['query']>;
type RequestListener = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * Which counting window the statement being sent belongs to. A request takes the
 * window open when it arrives; whatever it causes (its transaction, after-commit
 * handlers) carries it along. Background work (job workers, timers, work left by
 * earlier requests) carries none, so it is never counted, however slow the machine.
 */
const windowOfRequest = new AsyncLocalStorage<object>();
let openWindow: object | null = null;
const scopedServers = new WeakSet<Server>();

function scopeRequests(server: Server): void {
  if (scopedServers.has(server)) return;
  scopedServers.add(server);
  for (const listener of server.listeners('request') as RequestListener[]) {
    server.removeListener('request', listener);
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      if (openWindow === null) listener.call(server, request, response);
      else windowOfRequest.run(openWindow, () => listener.call(server, request, response));
    });
  }
}

/** Sends the request(s) in `send` and returns the statements the app ran on their behalf, in order. */
export async function statementsOf<T>(t: TestApp, send: () => PromiseLike<T>): Promise<{ result: T; statements: Statement[] }> {
  scopeRequests(t.app.getHttpServer() as Server);
  const window = {};
  const statements: Statement[] = [];
  const original = PostgresQueryRunner.prototype.query;
  const spy = jest.spyOn(PostgresQueryRunner.prototype, 'query').mockImplementation(function (this: PostgresQueryRunner, ...args: Statement) {
    if (windowOfRequest.getStore() === window) statements.push(args);
    return original.apply(this, args);
  });
  openWindow = window;
  try {
    const result = await send();
    return { result, statements };
  } finally {
    openWindow = null;
    spy.mockRestore();
  }
}
