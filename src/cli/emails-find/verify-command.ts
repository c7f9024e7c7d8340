import { Command } from 'commander';
import { basename } from 'node:path';
import { bulkSession, inOut } from '../bulk-command';
import { EXIT } from '../io';
import type { ProgressMode } from '../progress';
import type { CliContext } from '../registry';
import { pollIntervalMs } from '../task-wait';
import { planVerify, runVerify } from './verify';

export interface VerifyOpts {
  in: string;
  out?: string;
  column?: string;
  chunk: number;
  dryRun?: boolean;
  progress: ProgressMode;
}

/** `assay emails verify`: the addresses of a CSV verified into an output CSV (resumed). */
export async function runVerifyCommand(
  ctx: CliContext,
  opts: VerifyOpts,
  cmd: Command,
): Promise<number> {
  const { input, output } = inOut(ctx, opts);
  const plan = planVerify(input, output, opts.column);
  if (opts.dryRun) {
    ctx.out(
      `Dry run, nothing created: ${plan.todo.length} address(es) of ${plan.rows.length} row(s) to verify ` +
        `in ${Math.ceil(plan.todo.length / opts.chunk)} task(s) (${plan.done.size} row(s) already done)`,
    );
    return EXIT.ok;
  }
  const { abort, client, progress, close } = bulkSession(ctx, cmd, opts.progress, 'addresses');
  try {
    progress.note(
      `verifying ${plan.todo.length} address(es) of ${basename(input)} into ${basename(output!)}` +
        (plan.done.size ? ` (${plan.done.size} row(s) already done)` : ''),
    );
    const sum = await runVerify(client, abort.signal, plan, progress, {
      output: output!,
      chunk: opts.chunk,
      pollMs: pollIntervalMs(ctx.env),
    });
    const counts = Object.entries(sum.counts)
      .map(([k, n]) => `${n} ${k}`)
      .join(', ');
    if (ctx.globals(cmd).json) ctx.out(JSON.stringify({ ...sum, out: output }, null, 2));
    ctx.err(`done: ${plan.todo.length} address(es) → ${output} (${counts || 'nothing to do'})`);
    if (sum.failed) {
      ctx.err(`${sum.failed} address(es) were not verified: run the same command again to resume`);
      return EXIT.failure;
    }
    return EXIT.ok;
  } finally {
    close();
  }
}
