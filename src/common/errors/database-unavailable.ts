import { AppError } from './app-error';

/** What a client is told to wait before trying again while a dependency is down. */
export const RETRY_AFTER_SECONDS = 5;

// Socket-level failures: the server is not there, not reachable, or dropped us.
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);

// SQLSTATEs that mean "the server cannot serve you now", not "your query is wrong":
// class 08 (connection exception), admin/crash shutdown, starting up or shutting
// down, and too many connections.
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);

// node-postgres reports a dropped or never-established connection only in its message.
const UNAVAILABLE_MESSAGES = [
  /connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /is not queryable/i,
];

function describesOutage(error: Record<string, unknown>): boolean {
  const code = typeof error.code === 'string' ? error.code : undefined;
  if (code && (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('08'))) return true;
  const message = typeof error.message === 'string' ? error.message : '';
  return UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message));
}

/**
 * True when `error` says the database cannot be reached or cannot serve now
 * (as opposed to a bad query). Looks through TypeORM's `driverError`, `cause`
 * chains and the AggregateError Node throws when every address of a host refused.
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 5) return false;
  const candidate = error as Record<string, unknown>;
  if (describesOutage(candidate)) return true;
  const nested = [candidate.driverError, candidate.cause, ...(Array.isArray(candidate.errors) ? candidate.errors : [])];
  return nested.some((inner) => inner !== error && isDatabaseUnavailable(inner, depth + 1));
}

/** The 503 a client gets for our outage: it says when to retry and is never a reason to sign out. */
export function serviceUnavailable(detail = 'The service is briefly unavailable; try again shortly'): AppError {
  return new AppError('SERVICE_UNAVAILABLE', detail, undefined, { 'Retry-After': String(RETRY_AFTER_SECONDS) });
}
