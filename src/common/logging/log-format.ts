import type { DestinationStream } from 'pino';
import pretty from 'pino-pretty';
import type { AppConfig } from '../config/app.config';

type FormatConfig = Pick<AppConfig, 'LOG_FORMAT'>;

/** `auto` means pretty on a terminal (someone is reading), JSON lines otherwise (a collector is). */
export function usePrettyLogs(
  config: FormatConfig,
  stdoutIsTty: boolean = process.stdout.isTTY === true,
): boolean {
  if (config.LOG_FORMAT === 'pretty') return true;
  if (config.LOG_FORMAT === 'json') return false;
  return stdoutIsTty;
}

/**
 * Where pino writes: undefined for its default (JSON to stdout), or a pino-pretty stream. The
 * stream is synchronous so that lines written just before an exit are not lost, and the same
 * redaction has run before the line reaches it.
 */
export function logDestination(config: FormatConfig): DestinationStream | undefined {
  if (!usePrettyLogs(config)) return undefined;
  return pretty({
    colorize: process.stdout.isTTY === true,
    sync: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,context',
    // "[Migrations] applied …": the component first, as Nest's own console logger does.
    messageFormat: '{if context}[{context}] {end}{msg}',
    singleLine: false,
  });
}
