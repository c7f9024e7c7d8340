import { Command } from 'commander';
import { basename } from 'node:path';
import { bulkSession, doneLine, inOut, progressOption, runExit } from '../bulk-command';
import { durationOption, intOption } from '../io';
import type { ProgressMode } from '../progress';
import type { CliContext, CommandGroup } from '../registry';
import { planResearch } from '../research-linkedin/plan';
import { runResearch } from '../research-linkedin/run';
import { pollIntervalMs } from '../task-wait';

interface LinkedInOpts {
  in: string;
  out: string;
  concurrency: number;
  timeout?: number;
  progress: ProgressMode;
}

/** `assay research linkedin`: a CSV of leads with their captured activity files → their reports. */
export const researchCommands: CommandGroup = {
  name: 'research',
  description: 'Research reports from captured LinkedIn activity',
  register(group: Command, ctx: CliContext) {
    group
      .command('linkedin')
      .description(
        'A lead_linkedin_research task per row: columns lead_id, person_name, person_linkedin_url, ' +
          'company_name (account_id, person_role_title, captured_at optional) and posts_file, ' +
          'comments_file, reactions_file (HTML captures, paths relative to the CSV; empty: not captured). ' +
          'The output adds the report summary and the first email draft; a re-run skips the rows done',
      )
      .requiredOption('-i, --in <file>', 'input CSV with a header row')
      .requiredOption('-o, --out <file>', 'output CSV; resumed if it exists')
      .option('-c, --concurrency <n>', 'leads in flight at once (1–20)', intOption(1, 20), 2)
      .option(
        '--timeout <duration>',
        'per lead: stop waiting after this long (default 20m)',
        durationOption,
      )
      .addOption(progressOption())
      .action(ctx.action((opts: LinkedInOpts, cmd: Command) => linkedin(ctx, opts, cmd)));
  },
};

async function linkedin(ctx: CliContext, opts: LinkedInOpts, cmd: Command): Promise<number> {
  const { input, output } = inOut(ctx, opts);
  const plan = planResearch(input, output);
  const { abort, client, progress, close } = bulkSession(ctx, cmd, opts.progress, 'leads');
  try {
    progress.note(
      `researching ${plan.todo.length} of ${plan.rows.length} lead(s) of ${basename(input)} into ${basename(output!)}`,
    );
    const sum = await runResearch(client, abort, plan, progress, {
      output: output!,
      concurrency: opts.concurrency,
      pollMs: pollIntervalMs(ctx.env),
      timeoutMs: opts.timeout ?? 20 * 60_000,
    });
    if (ctx.globals(cmd).json) ctx.out(JSON.stringify({ ...sum, out: output }, null, 2));
    ctx.err(doneLine(sum, sum.leads, 'lead(s)', output!));
    return runExit(ctx, sum);
  } finally {
    close();
  }
}
