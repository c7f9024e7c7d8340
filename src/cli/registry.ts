import type { Command } from 'commander';
import { resolve } from 'node:path';
import { ApiClient, apiConfig } from './api-client';
import { CliEnv, CliIo, writeLine } from './io';

/** Options every command accepts (before or after its name). */
export interface GlobalOptions {
  /** Overrides ASSAY_URL. */
  url?: string;
  /** Print JSON on stdout instead of text. */
  json?: boolean;
}

/**
 * What a command group gets to build its commands: the environment, the (redacted) output
 * streams, the API client and a way to set the exit code.
 */
export interface CliContext {
  readonly env: CliEnv;
  readonly io: CliIo;
  /** Aborted on Ctrl-C. */
  readonly signal?: AbortSignal;
  /** The global options as parsed for `cmd`. */
  globals(cmd: Command): GlobalOptions;
  /** A client for ASSAY_URL / ASSAY_API_KEY (or --url); `signal` overrides the context's. */
  client(cmd: Command, signal?: AbortSignal): ApiClient;
  /** A line on stdout (data). */
  out(line?: string): void;
  /** A line on stderr (messages, progress). */
  err(line?: string): void;
  /** A path of the command line, against the working directory. */
  path(p: string): string;
  /**
   * Wraps an action: its returned number becomes the exit code; a thrown CliError is printed
   * (its message only, never a stack) with its exit code.
   */
  action<A extends unknown[]>(
    fn: (...args: A) => Promise<number | void>,
  ): (...args: A) => Promise<void>;
}

/**
 * A group of commands (`assay tasks …`, `assay accounts …`). A module adds its commands to the
 * CLI by writing one group in `src/cli/commands/<name>.command.ts` and listing it in
 * `src/cli/commands/index.ts`; nothing else changes.
 */
export interface CommandGroup {
  /** The command word, e.g. `tasks`. */
  name: string;
  description: string;
  /** Adds the group's subcommands to `group` (already named and described). */
  register(group: Command, ctx: CliContext): void;
}

export class Context implements CliContext {
  exitCode = 0;

  constructor(
    readonly env: CliEnv,
    readonly io: CliIo,
  ) {}

  get signal(): AbortSignal | undefined {
    return this.io.signal;
  }

  globals(cmd: Command): GlobalOptions {
    return cmd.optsWithGlobals<GlobalOptions>();
  }

  client(cmd: Command, signal?: AbortSignal): ApiClient {
    return new ApiClient(apiConfig(this.env, this.globals(cmd).url), signal ?? this.signal);
  }

  out(line = ''): void {
    writeLine(this.io.stdout, line);
  }

  err(line = ''): void {
    writeLine(this.io.stderr, line);
  }

  path(p: string): string {
    return resolve(this.io.cwd ?? process.cwd(), p);
  }

  action<A extends unknown[]>(
    fn: (...args: A) => Promise<number | void>,
  ): (...args: A) => Promise<void> {
    return async (...args: A) => {
      const code = await fn(...args);
      if (typeof code === 'number') this.exitCode = code;
    };
  }
}
