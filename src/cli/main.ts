/**
 * `assay`, the command line for analysts: talks to a running Assay over its REST API
 * (`ASSAY_URL`, `ASSAY_API_KEY`). `bin/assay.js` checks the Node.js major and calls cliMain();
 * tests call run() in-process with their own environment and captured output.
 */
import { Command, CommanderError } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DEFAULT_URL } from './api-client';
import { COMMAND_GROUPS } from './commands';
import { CliEnv, CliError, CliIo, EXIT, redacting, writeLine } from './io';
import { CommandGroup, Context } from './registry';

/** Builds the program: global options, then every command group. */
export function buildProgram(ctx: Context, groups: CommandGroup[] = COMMAND_GROUPS): Command {
  const program = new Command('assay');
  program
    .description(
      `Command line for Assay: talks to the server at ASSAY_URL (default ${DEFAULT_URL}) ` +
        'with the key in ASSAY_API_KEY.',
    )
    .version(version(), '-V, --version')
    .option('--url <url>', 'Assay base URL (overrides ASSAY_URL)')
    .option('--json', 'print JSON on stdout instead of text')
    .configureOutput({
      writeOut: (s) => void ctx.io.stdout.write(s),
      writeErr: (s) => void ctx.io.stderr.write(s),
      getOutHasColors: () => false,
      getErrHasColors: () => false,
      getOutHelpWidth: () => ctx.io.stdout.columns ?? 100,
      getErrHelpWidth: () => ctx.io.stderr.columns ?? 100,
    })
    // Errors come back to run() instead of ending the process (settings are inherited by subcommands).
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .addHelpText(
      'after',
      '\nEnvironment:\n' +
        `  ASSAY_URL              the server (default ${DEFAULT_URL})\n` +
        '  ASSAY_API_KEY          an API key of the server (sent as X-API-Key; never printed)\n' +
        '  ASSAY_POLL_INTERVAL_MS how often waits ask for a task (default 1000)\n' +
        '\nExit codes: 0 ok; 1 API or I/O error, failed task, unfinished rows; 2 usage error or ' +
        '`tasks wait` timeout; 130 interrupted.\n' +
        'Reference: docs/cli.md',
    );
  for (const g of groups) {
    const group = program.command(g.name).description(g.description);
    g.register(group, ctx);
  }
  return program;
}

/**
 * Runs one command line (`argv` without node and the script) and resolves to its exit code. It
 * never calls process.exit and writes only to `io`, with the API key redacted from every byte.
 */
export async function run(
  argv: string[],
  env: CliEnv = process.env,
  io: CliIo = processIo(),
): Promise<number> {
  const secret = env.ASSAY_API_KEY?.trim();
  const safe: CliIo = {
    ...io,
    stdout: redacting(io.stdout, secret),
    stderr: redacting(io.stderr, secret),
  };
  const ctx = new Context(env, safe);
  try {
    await buildProgram(ctx).parseAsync(argv, { from: 'user' });
    return ctx.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version end "with an error" too; commander already printed the message.
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (err instanceof CliError) {
      writeLine(safe.stderr, `assay: ${err.message}`);
      return err.exitCode;
    }
    writeLine(safe.stderr, `assay: unexpected error: ${(err as Error)?.stack ?? String(err)}`);
    return EXIT.failure;
  }
}

export function processIo(signal?: AbortSignal): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    cwd: process.cwd(),
    signal,
  };
}

/**
 * The process entry (bin/assay.js): the first Ctrl-C asks the running command to stop and save
 * (exit 130), a second one quits at once; the exit code is set, not forced, so output is flushed.
 */
export function cliMain(argv: string[] = process.argv.slice(2)): void {
  const abort = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    if (++interrupts > 1) {
      // A progress bar hides the cursor until it stops: show it again before leaving.
      if (process.stderr.isTTY) process.stderr.write('\x1b[?25h\n');
      process.exit(EXIT.interrupted);
    }
    process.stderr.write('\nassay: stopping (saving what is done; Ctrl-C again to quit at once)\n');
    abort.abort();
  };
  process.on('SIGINT', onSigint);
  // `assay tasks list | head`: a closed pipe is not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  void run(argv, process.env, processIo(abort.signal)).then((code) => {
    process.off('SIGINT', onSigint);
    process.exitCode = code;
  });
}

/** The version of the package (package.json above src/cli or dist/src/cli). */
function version(): string {
  for (let dir = __dirname, i = 0; i < 5; i++, dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      try {
        return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version ?? '0.0.0';
      } catch {
        break;
      }
    }
  }
  return '0.0.0';
}

if (require.main === module) cliMain();
