import type { LoggerService } from '@nestjs/common';
import pino from 'pino';
import type { AppConfig } from '../config/app.config';
import { logDestination } from './log-format';
import { redactSecrets } from './redact';

type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/**
 * A Nest LoggerService over a plain pino logger: what Nest and Assay log before the application's
 * logger exists (migrations, start-up checks) comes out in the same format.
 */
export class PinoLoggerService implements LoggerService {
  constructor(private readonly pino: pino.Logger) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: Level, message: unknown, params: unknown[]): void {
    // Nest passes the context last.
    const context = typeof params[params.length - 1] === 'string' ? params.pop() : undefined;
    const fields: Record<string, unknown> = context ? { context } : {};
    if (message instanceof Error) fields.err = message;
    else if (message && typeof message === 'object') Object.assign(fields, message);
    const text = typeof message === 'string' ? message : undefined;
    this.pino[level](redactSecrets(fields) as Record<string, unknown>, text);
  }
}

/** The process's logger before (and besides) the application's: same level and format. */
export function processLogger(
  config: Pick<AppConfig, 'LOG_LEVEL' | 'LOG_FORMAT'>,
): PinoLoggerService {
  const destination = logDestination(config);
  const options = { level: config.LOG_LEVEL };
  return new PinoLoggerService(destination ? pino(options, destination) : pino(options));
}

/**
 * Nest's own boot lines — every module initialised, every route mapped (~60 lines) — are debug:
 * at info a start says what matters (roles, task types, providers, where it listens).
 */
const BOOT_CONTEXTS = new Set([
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestFactory',
  'NestApplication',
]);

export class QuietBootLogger implements LoggerService {
  constructor(private readonly inner: LoggerService) {}

  log(message: unknown, ...params: unknown[]): void {
    const context = params[params.length - 1];
    if (typeof context === 'string' && BOOT_CONTEXTS.has(context)) {
      this.inner.debug?.(message, ...params);
      return;
    }
    this.inner.log(message, ...params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.inner.error(message, ...params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.inner.warn(message, ...params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.inner.debug?.(message, ...params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.inner.verbose?.(message, ...params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.inner.fatal?.(message, ...params);
  }
}
