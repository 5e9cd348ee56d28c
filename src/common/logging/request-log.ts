import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger as PinoLogger } from 'pino';

const PROBLEM_CODE = Symbol('problemCode');
type WithProblemCode = { [PROBLEM_CODE]?: string };

/** Routes Fastify matched none of share one label, so a scan of random paths cannot grow metrics. */
export const UNMATCHED_ROUTE = 'unmatched';

/** Called by the problem+json filter, so the request line can say which problem was answered. */
export function noteProblemCode(reply: FastifyReply, code: string): void {
  (reply as WithProblemCode)[PROBLEM_CODE] = code;
}

const EXPECTED_OUTAGE = Symbol('margin:expected-outage');
type WithExpectedOutage = { [EXPECTED_OUTAGE]?: boolean };

/**
 * Marks a response whose 5xx is an expected answer (a feature the operator has
 * not configured), so the request log shows it as a warning, not as an error.
 */
export function markExpectedOutage(response: object): void {
  (response as WithExpectedOutage)[EXPECTED_OUTAGE] = true;
}

/** The level of a request's line: by status, an expected outage as a warning, scrapes of /metrics at debug. */
export function requestLogLevel(response: object & { statusCode: number }, route?: string): 'error' | 'warn' | 'info' | 'debug' {
  if ((response as WithExpectedOutage)[EXPECTED_OUTAGE]) return 'warn';
  const status = response.statusCode;
  return status >= 500 ? 'error' : status >= 400 ? 'warn' : route === '/metrics' ? 'debug' : 'info';
}

export function routeTemplateOf(request: FastifyRequest): string {
  return request.routeOptions.url ?? UNMATCHED_ROUTE;
}

/**
 * One line per request, written once the response is sent. The level follows the status, and
 * the level check comes first: at `warn`, a successful request costs one comparison and no
 * object. Scrapes of /metrics are kept to `debug` so they do not drown the requests.
 */
export function logRequest(logger: PinoLogger, request: FastifyRequest, reply: FastifyReply, route: string): void {
  const status = reply.statusCode;
  const level = requestLogLevel(reply.raw, route);
  if (!logger.isLevelEnabled(level)) return;
  const length = reply.getHeader('content-length');
  logger[level](
    {
      reqId: request.id,
      method: request.method,
      route,
      status,
      code: (reply as WithProblemCode)[PROBLEM_CODE],
      userId: (request as { user?: { id?: string } }).user?.id,
      ip: request.ip,
      bytes: length === undefined ? undefined : Number(length),
      ms: Math.round(reply.elapsedTime * 10) / 10,
    },
    'request',
  );
}
