import { Command } from 'commander';
import { basename } from 'node:path';
import { bulkSession, doneLine, inOut, progressOption, runExit } from '../bulk-command';
import { planInteractions } from '../interactions-submit/plan';
import { interactionCells, runInteractions } from '../interactions-submit/run';
import { durationOption, intOption } from '../io';
import type { ProgressMode } from '../progress';
import type { CliContext, CommandGroup } from '../registry';
import { InteractionDetail, interactionPath, pollIntervalMs } from '../task-wait';

interface SubmitOpts {
  in: string;
  out: string;
  concurrency: number;
  timeout?: number;
  progress: ProgressMode;
}

/** `assay interactions submit|status`: recorded conversations in bulk from a CSV, and one's state. */
export const interactionsCommands: CommandGroup = {
  name: 'interactions',
  description: 'Recorded conversations: transcribed, scrubbed, their people looked up, synthesised',
  register(group: Command, ctx: CliContext) {
    group
      .command('submit')
      .description(
        'Upload a recording per row: columns file (audio, path relative to the CSV), user_id and ' +
          'mode (recap or live; default recap). The output adds the job id, state, transcript ' +
          'lines, PII removed, people, the first draft and the summary; a re-run skips the rows done',
      )
      .requiredOption('-i, --in <file>', 'input CSV with a header row')
      .requiredOption('-o, --out <file>', 'output CSV; resumed if it exists')
      .option('-c, --concurrency <n>', 'recordings in flight at once (1–20)', intOption(1, 20), 2)
      .option(
        '--timeout <duration>',
        'per recording: stop waiting after this long (default 30m)',
        durationOption,
      )
      .addOption(progressOption())
      .action(ctx.action((opts: SubmitOpts, cmd: Command) => submit(ctx, opts, cmd)));

    group
      .command('status')
      .description('Show a conversation: state, progress, error (GET /api/v1/interactions/{id})')
      .argument('<id>', 'the job_id of the upload')
      .action(
        ctx.action(async (id: string, _opts: unknown, cmd: Command) => {
          const { body } = await ctx.client(cmd).get<InteractionDetail>(interactionPath(id));
          if (ctx.globals(cmd).json) ctx.out(JSON.stringify(body, null, 2));
          else ctx.out(describeInteraction(body));
        }),
      );
  },
};

async function submit(ctx: CliContext, opts: SubmitOpts, cmd: Command): Promise<number> {
  const { input, output } = inOut(ctx, opts);
  const plan = planInteractions(input, output);
  const { abort, client, progress, close } = bulkSession(ctx, cmd, opts.progress, 'recordings');
  try {
    progress.note(
      `submitting ${plan.todo.length} of ${plan.rows.length} recording(s) of ${basename(input)} into ${basename(output!)}`,
    );
    const sum = await runInteractions(client, abort, plan, progress, {
      output: output!,
      concurrency: opts.concurrency,
      pollMs: pollIntervalMs(ctx.env),
      timeoutMs: opts.timeout ?? 30 * 60_000,
    });
    if (ctx.globals(cmd).json) ctx.out(JSON.stringify({ ...sum, out: output }, null, 2));
    ctx.err(doneLine(sum, sum.recordings, 'recording(s)', output!));
    return runExit(ctx, sum);
  } finally {
    close();
  }
}

function describeInteraction(i: InteractionDetail): string {
  const [lines, pii, people, , , summary] = interactionCells(i);
  const rows: Array<[string, string | undefined]> = [
    ['id', i.id],
    ['user_id', i.user_id],
    ['mode', i.mode],
    ['state', i.state],
    ['progress', i.progress],
    ['error', i.error ? [i.error.code, i.error.message].filter(Boolean).join(': ') : undefined],
    ['lines', lines],
    ['pii_removed', pii],
    ['people', people],
    ['summary', summary],
  ];
  const shown = rows.filter(([, v]) => v !== undefined && v !== null && v !== '');
  const width = Math.max(...shown.map(([k]) => k.length)) + 2;
  return shown.map(([k, v]) => `${`${k}:`.padEnd(width)}${v}`).join('\n');
}
