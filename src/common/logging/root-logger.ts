import pino, { DestinationStream, Logger as PinoLogger } from 'pino';
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
  '*.token',
];

let processLogger: { level: string; logger: PinoLogger } | undefined;

/**
 * The one pino logger of a process. On a terminal it is pretty-printed for people; anywhere
 * else (containers, CI, files) every line is JSON for machines, with no colour codes.
 * Tests pass their own destination to read what was written.
 */
export function rootLogger(config: Pick<AppConfig, 'logLevel'>, destination?: DestinationStream): PinoLogger {
  const options = { level: config.logLevel, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
  if (destination) return pino(options, destination);
  // main.ts and createApp both ask: one logger (and one pretty-printing worker) per process.
  if (processLogger?.level !== config.logLevel) {
    const pretty = process.stdout.isTTY === true;
    const transport = pretty
      ? { target: 'pino-pretty', options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l' } }
      : undefined;
    processLogger = { level: config.logLevel, logger: pino({ ...options, transport }) };
  }
  return processLogger.logger;
}
