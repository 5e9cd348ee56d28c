import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { noteProblemCode } from '../logging/request-log';
import { AppError } from './app-error';
import { isDatabaseUnavailable, serviceUnavailable } from './database-unavailable';
import { genericCodeForStatus, PROBLEM_CONTENT_TYPE, ProblemDetails, problemFor } from './problem-details';

/**
 * Turns anything thrown into RFC 9457 problem+json. Only AppError details and
 * framework messages we chose reach the client; driver text, SQL and stacks are logged.
 */
const OUTAGE_LOG_EVERY_MS = 10_000;

/** At most one outage warning per interval, however many requests fail during it. */
const outageLog = {
  lastAt: -Infinity,
  shouldLog(now: number): boolean {
    if (now - this.lastAt < OUTAGE_LOG_EVERY_MS) return false;
    this.lastAt = now;
    return true;
  },
};

// The driver's code only: its message may carry the host and port.
function outageReason(exception: unknown): string {
  const { code, driverError } = exception as { code?: unknown; driverError?: { code?: unknown } };
  return String(code ?? driverError?.code ?? 'connection failure');
}

function toProblem(exception: unknown, logger: Logger, reqId: string | undefined): { problem: ProblemDetails; headers: Record<string, string> } {
  if (exception instanceof AppError) {
    return { problem: problemFor(exception.code, exception.detail, exception.errors), headers: exception.headers ?? {} };
  }
  if (exception instanceof ThrottlerException) {
    return { problem: problemFor('RATE_LIMITED', 'Too many requests; try again later'), headers: {} };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    // Nest re-throws Fastify's body-parser errors as plain HttpExceptions, keeping only the message.
    const code = status === 400 && /JSON/.test(exception.message) ? 'INVALID_JSON' : genericCodeForStatus(status);
    const detail = status === 404 ? 'No such resource' : undefined;
    if (status >= 500) logger.error({ err: exception, reqId }, 'Framework error');
    return { problem: problemFor(code, detail), headers: {} };
  }
  if (isDatabaseUnavailable(exception)) {
    // An outage, not a bug: the client retries after Retry-After; one line per burst is enough in the logs.
    if (outageLog.shouldLog(Date.now())) logger.warn({ reqId }, `Database unavailable: ${outageReason(exception)}`);
    const unavailable = serviceUnavailable();
    return { problem: problemFor(unavailable.code, unavailable.detail), headers: unavailable.headers ?? {} };
  }
  // The request's id on the line ties it to the request line and to what the client was told (X-Request-Id).
  logger.error(exception instanceof Error ? { err: exception, reqId } : { exception, reqId }, 'Unhandled error');
  return { problem: problemFor('INTERNAL_ERROR', 'Something went wrong on our side'), headers: {} };
}

function sendProblem(
  reply: FastifyReply,
  request: FastifyRequest | undefined,
  problem: ProblemDetails,
  headers: Record<string, string>,
) {
  if (request) problem.instance = request.url.split('?')[0];
  noteProblemCode(reply, problem.code);
  for (const [name, value] of Object.entries(headers)) void reply.header(name, value);
  void reply.status(problem.status).header('content-type', PROBLEM_CONTENT_TYPE).send(problem);
}

@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    const { problem, headers } = toProblem(exception, this.logger, (request as { id?: string } | undefined)?.id);
    sendProblem(reply, request, problem, headers);
  }
}
