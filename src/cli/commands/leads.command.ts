import { Command } from 'commander';
import { basename } from 'node:path';
import {
  bulkSession,
  doneLine,
  inOut,
  printEstimate,
  progressOption,
  runExit,
} from '../bulk-command';
import { durationOption, EXIT, intOption, moneyOption } from '../io';
import { dryRunLeads } from '../leads-generate/dry-run';
import { planLeads, readProduct } from '../leads-generate/plan';
import { runLeads } from '../leads-generate/run';
import type { ProgressMode } from '../progress';
import type { CliContext, CommandGroup } from '../registry';
import { pollIntervalMs } from '../task-wait';

interface GenerateOpts {
  in: string;
  out?: string;
  product: string;
  websiteColumn?: string;
  accountIdColumn?: string;
  nameColumn?: string;
  maxPeople?: number;
  dryRun?: boolean;
  concurrency: number;
  limit?: number;
  timeout?: number;
  budgetUsd?: number;
  progress: ProgressMode;
}

/** `assay leads generate`: a CSV of accounts in, a CSV of scored leads out. */
export const leadsCommands: CommandGroup = {
  name: 'leads',
  description: 'Find and score the people at accounts for a product',
  register(group: Command, ctx: CliContext) {
    group
      .command('generate')
      .description(
        'A lead generation task per account of a CSV file; the output has a row per lead (highest fit first); ' +
          'a re-run skips the accounts already done',
      )
      .requiredOption('-i, --in <file>', 'input CSV of accounts with a header row')
      .option('-o, --out <file>', 'output CSV (required unless --dry-run); resumed if it exists')
      .requiredOption(
        '-p, --product <file>',
        'JSON file of the product: {"name", "description", "icp_description", "persona_role_titles": {"buyers": [], "influencers": [], "end_users": []}, "additional_lead_signals"}',
      )
      .option(
        '--website-column <name>',
        'column of the website or domain (default: website, domain, url, …)',
      )
      .option(
        '--account-id-column <name>',
        'column of your account id (default: account_id, id, …; else the website)',
      )
      .option(
        '--name-column <name>',
        'column of the company name (default: name, company, …; else the website)',
      )
      .option('--max-people <n>', 'most people considered per account', intOption(1, 10_000))
      .option('--dry-run', 'print the estimate (provider calls, cost range) and create nothing')
      .option('-c, --concurrency <n>', 'accounts in flight at once (1–20)', intOption(1, 20), 2)
      .option('--limit <n>', 'only the first n accounts of the input', intOption(1, 10_000_000))
      .option(
        '--timeout <duration>',
        'per account: stop waiting after this long (default 60m)',
        durationOption,
      )
      .option('--budget-usd <usd>', 'most each account may spend on paid providers', moneyOption)
      .addOption(progressOption())
      .action(ctx.action((opts: GenerateOpts, cmd: Command) => generate(ctx, opts, cmd)));
  },
};

async function generate(ctx: CliContext, opts: GenerateOpts, cmd: Command): Promise<number> {
  const { input, output } = inOut(ctx, opts);
  const plan = planLeads({
    input,
    output,
    product: readProduct(ctx.path(opts.product)),
    limit: opts.limit,
    maxPeople: opts.maxPeople,
    budgetUsd: opts.budgetUsd,
    websiteColumn: opts.websiteColumn,
    accountIdColumn: opts.accountIdColumn,
    nameColumn: opts.nameColumn,
  });
  const json = ctx.globals(cmd).json;
  const { abort, client, progress, close } = bulkSession(ctx, cmd, opts.progress, 'accounts');
  try {
    if (opts.dryRun) {
      const sum = await dryRunLeads(client, abort, plan, opts.concurrency);
      if (json) ctx.out(JSON.stringify(sum, null, 2));
      else {
        ctx.out(`Dry run, nothing created: ${plan.todo.length} account(s) of ${basename(input)}`);
        printEstimate(ctx, {
          ...sum,
          valid: ['valid accounts', sum.valid],
          calls: ['provider calls', sum.calls],
          refused: ['would fail', sum.invalid],
        });
      }
      return EXIT.ok;
    }
    progress.note(
      `generating leads for ${plan.todo.length} of ${plan.rows.length} account(s) of ${basename(input)} into ${basename(output!)}`,
    );
    const sum = await runLeads(client, abort, plan, progress, {
      output: output!,
      concurrency: opts.concurrency,
      pollMs: pollIntervalMs(ctx.env),
      timeoutMs: opts.timeout ?? 60 * 60_000,
    });
    if (json) ctx.out(JSON.stringify({ ...sum, out: output }, null, 2));
    ctx.err(doneLine(sum, sum.accounts, `account(s), ${sum.leads} lead(s)`, output!));
    return runExit(ctx, sum);
  } finally {
    close();
  }
}
