import { InvalidArgumentError } from 'commander';

/**
 * What a command reads and writes, passed in rather than taken from `process`, so that `run()` can
 * be called in-process (tests) with captured output, and so that every byte written can be
 * redacted (the API key never reaches a terminal or a log).
 */
export interface CliStream {
  write(chunk: string): unknown;
  /** A terminal: progress is drawn as a bar; otherwise it is written as plain lines. */
  isTTY?: boolean;
  columns?: number;
}

export interface CliIo {
  stdout: CliStream;
  stderr: CliStream;
  /** For `--data-file -`. */
  stdin?: NodeJS.ReadableStream;
  /** Relative paths (`--in`, `--out`, `--data-file`) are resolved against it (default: process.cwd()). */
  cwd?: string;
  /** Aborted on Ctrl-C: long commands stop, save what they have and exit 130. */
  signal?: AbortSignal;
}

export type CliEnv = Record<string, string | undefined>;

/** A failure with a message for the user and an exit code (no stack trace is printed). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Exit codes of every command. */
export const EXIT = {
  ok: 0,
  /** An API or I/O error, a failed or cancelled task (`tasks wait`), rows left unfinished. */
  failure: 1,
  /** Bad usage or configuration, or `tasks wait` timed out. */
  usage: 2,
  timeout: 2,
  interrupted: 130,
} as const;

/**
 * A stream whose every write has `secret` replaced by `***`. Keeps `isTTY` and `columns`, so a
 * progress bar drawn through it still sees a terminal.
 */
export function redacting(stream: CliStream, secret: string | undefined): CliStream {
  if (!secret || secret.length < 4) return stream;
  return {
    write: (chunk: string) => stream.write(String(chunk).split(secret).join('***')),
    get isTTY() {
      return stream.isTTY;
    },
    get columns() {
      return stream.columns;
    },
  };
}

/** A line to a stream (a newline added). */
export function writeLine(stream: CliStream, line = ''): void {
  stream.write(`${line}\n`);
}

/** Waits `ms` (or until `signal` aborts, whichever is first). */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** `500ms`, `30s`, `5m`, `2h`, or a plain number of seconds → milliseconds. */
export function parseDuration(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/i.exec(text);
  if (!m) throw new CliError(`"${text}" is not a duration (e.g. 90, 30s, 5m, 1h)`, EXIT.usage);
  const n = Number(m[1]);
  const unit = (m[2] ?? 's').toLowerCase();
  const factor = unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'm' ? 60_000 : 3_600_000;
  return Math.round(n * factor);
}

/** Option parser: a whole number within [min, max]. */
export function intOption(min: number, max: number) {
  return (text: string): number => {
    const n = Number(text);
    if (!/^\s*\d+\s*$/.test(text) || n < min || n > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}.`);
    }
    return n;
  };
}

/** Option parser: an amount in USD from 0 to 1,000,000 (`--budget-usd`). */
export function moneyOption(text: string): number {
  const n = Number(text);
  if (!/^\s*\d+(\.\d+)?\s*$/.test(text) || n > 1_000_000) {
    throw new InvalidArgumentError('expected an amount in USD from 0 to 1000000.');
  }
  return n;
}

/** Option parser: a duration (see parseDuration). */
export function durationOption(text: string): number {
  try {
    return parseDuration(text);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message + '.');
  }
}

/** `1.5 s`, `3 m 20 s`, `1 h 5 m` for progress lines. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
