import { ArgumentsHost, Logger } from '@nestjs/common';
import pino from 'pino';
import { Writable } from 'node:stream';
import { NestPinoLogger } from '../logging/nest-logger';
import { ProblemDetailsFilter } from './problem-details.filter';

function capturedLogger(lines: Record<string, unknown>[]): NestPinoLogger {
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return new NestPinoLogger(pino({ level: 'info' }, stream));
}

function hostFor(request: { id: string; url: string }, sent: { status?: number; body?: unknown }): ArgumentsHost {
  const reply = {
    header: () => reply,
    status: (status: number) => ((sent.status = status), reply),
    send: (body: unknown) => ((sent.body = body), reply),
  };
  return { switchToHttp: () => ({ getResponse: () => reply, getRequest: () => request }) } as unknown as ArgumentsHost;
}

describe('ProblemDetailsFilter', () => {
  const lines: Record<string, unknown>[] = [];
  beforeAll(() => Logger.overrideLogger(capturedLogger(lines)));
  afterAll(() => Logger.overrideLogger(false));

  it('logs an unexpected error with the request id the client was given, and tells the client nothing of it', async () => {
    const sent: { status?: number; body?: unknown } = {};
    new ProblemDetailsFilter().catch(new Error('relation "secret_table" does not exist'), hostFor({ id: 'req-4711', url: '/api/v1/x?y=1' }, sent));
    await new Promise((resolve) => setImmediate(resolve));
    expect(sent.status).toBe(500);
    expect(JSON.stringify(sent.body)).not.toContain('secret_table');
    expect(lines).toContainEqual(expect.objectContaining({ level: 50, context: 'Errors', reqId: 'req-4711', msg: 'Unhandled error' }));
  });
});
