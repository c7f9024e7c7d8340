import { Command, Option } from 'commander';
import type { ApiClient } from './api-client';
import { CliError, EXIT } from './io';
import { createProgress, orderedCounts, Progress, ProgressMode } from './progress';
import type { CliContext } from './registry';

/*
 * What the commands that work through a CSV file (`accounts enrich`, `contacts enrich`) share:
 * the --progress option, --in/--out, one abort for the run, and how a run ends.
 */

/** `--progress auto|bar|plain|none`. */
export const progressOption = () =>
  new Option('--progress <mode>', 'progress on stderr: a bar on a terminal, plain lines otherwise')
    .choices(['auto', 'bar', 'plain', 'none'])
    .default('auto');

/** `--in` and `--out` as paths: --out is required unless --dry-run, and is never the input. */
export function inOut(
  ctx: CliContext,
  opts: { in: string; out?: string; dryRun?: boolean },
): { input: string; output?: string } {
  if (!opts.dryRun && !opts.out) {
    throw new CliError('--out <file> is required (or use --dry-run)', EXIT.usage);
  }
  const input = ctx.path(opts.in);
  const output = opts.out ? ctx.path(opts.out) : undefined;
  if (output === input) throw new CliError('--out must not be the input file', EXIT.usage);
  return { input, output };
}

export interface BulkSession {
  /** One controller for the run: Ctrl-C, or a fatal error in one item, stops every item. */
  abort: AbortController;
  client: ApiClient;
  progress: Progress;
  /** Stops the progress and lets go of Ctrl-C (in a finally). */
  close(): void;
}

export function bulkSession(
  ctx: CliContext,
  cmd: Command,
  mode: ProgressMode,
  label: string,
): BulkSession {
  const abort = new AbortController();
  const stop = () => abort.abort();
  ctx.signal?.addEventListener('abort', stop, { once: true });
  const progress = createProgress(ctx.io.stderr, mode, label);
  return {
    abort,
    client: ctx.client(cmd, abort.signal),
    progress,
    close: () => {
      progress.stop();
      ctx.signal?.removeEventListener('abort', stop);
    },
  };
}

export interface RunEnd {
  interrupted: boolean;
  unfinished: number;
  skipped: number;
  counts: Record<string, number>;
}

/** `done: 12 row(s) → out.csv (7 succeeded, 1 failed; 0 skipped as already done)`. */
export function doneLine(sum: RunEnd, total: number, what: string, output: string): string {
  const counts = orderedCounts(sum.counts)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
  return (
    `${sum.interrupted ? 'interrupted' : 'done'}: ${total} ${what} → ${output}` +
    ` (${counts || 'nothing to do'}; ${sum.skipped} skipped as already done)`
  );
}

/** The exit code of a run (130 interrupted, 1 some rows unfinished, else 0) and how to resume. */
export function runExit(ctx: CliContext, sum: RunEnd): number {
  if (sum.interrupted) {
    ctx.err('run the same command again to resume');
    return EXIT.interrupted;
  }
  if (sum.unfinished) {
    ctx.err(`${sum.unfinished} row(s) did not finish: run the same command again to resume`);
    return EXIT.failure;
  }
  return EXIT.ok;
}

/** What a dry run of a CSV command prints: the sums, the refused rows (20 at most), the notes. */
export interface EstimatePrint {
  valid: [label: string, count: number];
  calls: [label: string, count: number];
  cost_min_usd: number;
  cost_max_usd: number;
  refused: [label: string, lines: string[]];
  notes: string[];
}

/** `  valid rows:      2` … aligned lines of a dry run's sums on stdout. */
export function printEstimate(ctx: CliContext, e: EstimatePrint): void {
  const line = (label: string, value: string) => ctx.out(`  ${`${label}:`.padEnd(16)} ${value}`);
  line(e.valid[0], String(e.valid[1]));
  line(e.calls[0], `${e.calls[1]} at most`);
  line('estimated cost', `$${e.cost_min_usd} – $${e.cost_max_usd}`);
  const [label, refused] = e.refused;
  if (refused.length) {
    line(label, `${refused.length} row(s)`);
    for (const r of refused.slice(0, 20)) ctx.out(`    ${r}`);
    if (refused.length > 20) ctx.out(`    … and ${refused.length - 20} more`);
  }
  for (const n of e.notes) ctx.out(`  note: ${n}`);
}
