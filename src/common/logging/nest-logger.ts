import { Logger, LoggerService } from '@nestjs/common';
import type { Logger as PinoLogger } from 'pino';
import { AppConfig } from '../../config/app-config';
import { rootLogger } from './root-logger';

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

// Nest announces every module and every route at start-up (about a hundred lines); useful when
// debugging wiring, noise otherwise.
const WIRING_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer']);

/** Nest's logger interface over pino, so framework and application lines share one JSON format. */
export class NestPinoLogger implements LoggerService {
  constructor(readonly pino: PinoLogger) {}

  log(message: unknown, ...rest: unknown[]): void {
    const context = rest.at(-1);
    this.write(typeof context === 'string' && WIRING_CONTEXTS.has(context) ? 'debug' : 'info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  /**
   * Nest passes `(message, ...details, context)`; an error's stack arrives as a string detail.
   * Objects are merged into the line so their fields stay searchable.
   */
  private write(level: Level, message: unknown, rest: unknown[]): void {
    if (!this.pino.isLevelEnabled(level)) return;
    const strings = rest.filter((part): part is string => typeof part === 'string');
    const context = strings.length > 0 ? strings[strings.length - 1] : undefined;
    const details = strings.slice(0, -1);
    if (message instanceof Error) {
      this.pino[level]({ context, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      const text = details.join(' ') || undefined;
      this.pino[level]({ context, ...message }, text);
    } else {
      const stack = level === 'error' && details.length > 0 ? details.join('\n') : undefined;
      this.pino[level]({ context, stack }, String(message));
    }
  }
}

/**
 * Makes every `new Logger(context)` in the process write JSON through pino, including lines
 * logged before the Nest application exists (the embedded database starting up).
 */
export function installProcessLogger(config: Pick<AppConfig, 'logLevel'>): NestPinoLogger {
  const logger = new NestPinoLogger(rootLogger(config));
  Logger.overrideLogger(logger);
  return logger;
}
