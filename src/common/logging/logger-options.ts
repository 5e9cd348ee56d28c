import { RequestMethod } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import type { Params } from 'nestjs-pino';
import { AppConfig } from '../../config/app-config';

/** Paths pino blanks out: credentials never reach the logs. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["stripe-signature"]',
  '*.password',
  '*.refreshToken',
  '*.accessToken',
];

const EXPECTED_OUTAGE = Symbol('margin:expected-outage');

/**
 * Marks a response whose 5xx is an expected answer (a feature the operator has
 * not configured), so the request log shows it as a warning, not as an error.
 */
export function markExpectedOutage(response: object): void {
  (response as Record<symbol, boolean>)[EXPECTED_OUTAGE] = true;
}

export function requestLogLevel(response: object & { statusCode: number }, error?: unknown): 'error' | 'warn' | 'info' {
  if ((response as Record<symbol, boolean>)[EXPECTED_OUTAGE]) return 'warn';
  return error || response.statusCode >= 500 ? 'error' : response.statusCode >= 400 ? 'warn' : 'info';
}

export function loggerOptions(config: AppConfig): Params {
  const pretty = process.stdout.isTTY && config.nodeEnv !== 'production';
  return {
    forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
    pinoHttp: {
      level: config.logLevel,
      genReqId: (request: IncomingMessage) => (request as IncomingMessage & { id?: string }).id ?? 'unknown',
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: {
        req: (request: { id: string; method: string; url: string }) => ({ id: request.id, method: request.method, url: request.url }),
        res: (response: { statusCode: number }) => ({ statusCode: response.statusCode }),
      },
      customLogLevel: (_request, response, error) => requestLogLevel(response, error),
      transport: pretty ? { target: 'pino-pretty', options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l' } } : undefined,
    },
  };
}
