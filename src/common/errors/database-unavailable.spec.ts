import { QueryFailedError } from 'typeorm';
import { isDatabaseUnavailable, RETRY_AFTER_SECONDS, serviceUnavailable } from './database-unavailable';

function withCode(code: string, message = 'boom'): Error {
  return Object.assign(new Error(message), { code });
}

describe('isDatabaseUnavailable', () => {
  it.each(['ECONNREFUSED', 'ENOTFOUND', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'EAI_AGAIN'])(
    'recognises the socket failure %s',
    (code) => expect(isDatabaseUnavailable(withCode(code))).toBe(true),
  );

  it.each([
    ['57P01', 'terminating connection due to administrator command'],
    ['57P02', 'terminating connection due to crash of another server process'],
    ['57P03', 'the database system is starting up'],
    ['53300', 'sorry, too many clients already'],
    ['08006', 'connection failure'],
    ['08001', 'could not establish connection'],
  ])('recognises SQLSTATE %s inside a QueryFailedError', (code, message) => {
    const error = new QueryFailedError('SELECT 1', [], withCode(code, message));
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    'Connection terminated unexpectedly',
    'Connection terminated due to connection timeout',
    'timeout exceeded when trying to connect',
    'Client has encountered a connection error and is not queryable',
  ])('recognises node-postgres reporting "%s"', (message) => {
    expect(isDatabaseUnavailable(new Error(message))).toBe(true);
  });

  it('looks inside causes and the AggregateError of a host with several addresses', () => {
    const aggregate = new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')], 'connect failed');
    expect(isDatabaseUnavailable(aggregate)).toBe(true);
    expect(isDatabaseUnavailable(new Error('wrapped', { cause: withCode('57P03') }))).toBe(true);
  });

  it('leaves query mistakes, constraint violations and programming errors alone', () => {
    expect(isDatabaseUnavailable(new QueryFailedError('SELECT', [], withCode('23505', 'duplicate key')))).toBe(false);
    expect(isDatabaseUnavailable(new QueryFailedError('SELEC', [], withCode('42601', 'syntax error')))).toBe(false);
    expect(isDatabaseUnavailable(new TypeError('x is undefined'))).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
    expect(isDatabaseUnavailable('ECONNREFUSED')).toBe(false);
  });

  it('does not loop on an error that is its own cause', () => {
    const error = new Error('odd') as Error & { cause?: unknown };
    error.cause = error;
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});

describe('serviceUnavailable', () => {
  it('is a 503 SERVICE_UNAVAILABLE that tells the client when to retry', () => {
    const error = serviceUnavailable();
    expect({ status: error.status, code: error.code }).toEqual({ status: 503, code: 'SERVICE_UNAVAILABLE' });
    expect(error.headers).toEqual({ 'Retry-After': String(RETRY_AFTER_SECONDS) });
  });
});
