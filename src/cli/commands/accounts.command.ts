import { Command } from 'commander';
import { basename } from 'node:path';
import { dryRun } from '../accounts-enrich/dry-run';
import { planRun } from '../accounts-enrich/plan';
import { runEnrichment } from '../accounts-enrich/run';
import {
  bulkSession,
  doneLine,
  inOut,
  printEstimate,
  progressOption,
  runExit,
} from '../bulk-command';
import { durationOption, EXIT, intOption, moneyOption } from '../io';
import type { ProgressMode } from '../progress';
import type { CliContext, CommandGroup } from '../registry';
import { pollIntervalMs } from '../task-wait';

interface EnrichOpts {
  in: string;
  out?: string;
  websiteColumn?: string;
  accountIdColumn?: string;
  nameColumn?: string;
  dryRun?: boolean;
  concurrency: number;
  limit?: number;
  timeout?: number;
  budgetUsd?: number;
  progress: ProgressMode;
}

/** `assay accounts enrich`: a CSV of accounts in, a CSV of company profiles out. */
export const accountsCommands: CommandGroup = {
  name: 'accounts',
  description: 'Enrich accounts (company profiles from their websites)',
  register(group: Command, ctx: CliContext) {
    group
      .command('enrich')
      .description(
        'Enrich every row of a CSV file (an account_enhancement task per row) into an output CSV; ' +
          'a re-run skips the rows already done',
      )
      .requiredOption('-i, --in <file>', 'input CSV with a header row')
      .option('-o, --out <file>', 'output CSV (required unless --dry-run); resumed if it exists')
      .option(
        '--website-column <name>',
        'column of the website or domain (default: website, domain, url, …)',
      )
      .option(
        '--account-id-column <name>',
        'column of your account id (default: account_id, id, …; none: do not send one)',
      )
      .option(
        '--name-column <name>',
        'column of the company name (default: name, company_name, company, …; none)',
      )
      .option('--dry-run', 'print the estimate (provider calls, cost range) and create nothing')
      .option('-c, --concurrency <n>', 'rows in flight at once (1–50)', intOption(1, 50), 5)
      .option('--limit <n>', 'only the first n rows of the input', intOption(1, 10_000_000))
      .option(
        '--timeout <duration>',
        'per row: stop waiting after this long; the row is resumed by a re-run (default 30m)',
        durationOption,
      )
      .option(
        '--budget-usd <usd>',
        'most each row may spend on paid providers (budget_usd)',
        moneyOption,
      )
      .addOption(progressOption())
      .action(
        ctx.action(async (opts: EnrichOpts, cmd: Command) => {
          const { input, output } = inOut(ctx, opts);
          const plan = planRun({
            input,
            output,
            limit: opts.limit,
            budgetUsd: opts.budgetUsd,
            websiteColumn: opts.websiteColumn,
            accountIdColumn: opts.accountIdColumn,
            nameColumn: opts.nameColumn,
          });
          const json = ctx.globals(cmd).json;
          const { abort, client, progress, close } = bulkSession(ctx, cmd, opts.progress, 'rows');
          const cols = (['website', 'account_id', 'name'] as const)
            .filter((f) => plan.map[f] >= 0)
            .map((f) => `${f} ← "${plan.header[plan.map[f]]}"`)
            .join(', ');
          try {
            if (opts.dryRun) {
              progress.note(
                `dry run: ${plan.todo.length} of ${plan.rows.length} row(s) to estimate (${cols})`,
              );
              const sum = await dryRun(client, abort, plan, progress, opts.concurrency);
              if (json) ctx.out(JSON.stringify(sum, null, 2));
              else {
                ctx.out(
                  `Dry run, nothing created: ${plan.todo.length} row(s) of ${basename(input)} would be submitted` +
                    (sum.skipped
                      ? ` (${sum.skipped} already done in ${basename(output!)}, skipped)`
                      : ''),
                );
                printEstimate(ctx, {
                  ...sum,
                  valid: ['valid rows', sum.valid],
                  calls: ['provider calls', sum.calls],
                  refused: [
                    'would fail',
                    sum.invalid.map(
                      (i) => `row ${i.row} ${i.website || '(no website)'}: ${i.error}`,
                    ),
                  ],
                });
              }
              return EXIT.ok;
            }

            progress.note(
              `enriching ${plan.todo.length} of ${plan.rows.length} row(s) of ${basename(input)} ` +
                `into ${basename(output!)}` +
                (plan.rows.length > plan.todo.length
                  ? ` (${plan.rows.length - plan.todo.length} already done, skipped)`
                  : '') +
                `; ${cols}; concurrency ${opts.concurrency}`,
            );
            if (plan.dropped) {
              progress.note(
                `note: ${plan.dropped} done row(s) of ${basename(output!)} match no input row and are not written again`,
              );
            }
            const sum = await runEnrichment(client, abort, plan, progress, {
              output: output!,
              concurrency: opts.concurrency,
              pollMs: pollIntervalMs(ctx.env),
              rowTimeoutMs: opts.timeout ?? 30 * 60_000,
            });
            if (json) ctx.out(JSON.stringify({ ...sum, out: output }, null, 2));
            ctx.err(doneLine(sum, plan.rows.length, 'row(s)', output!));
            const failed = plan.rows.filter(
              (r) => !r.previous && r.status && r.status !== 'succeeded',
            );
            if (failed.length && !json && progress.mode !== 'plain') {
              for (const r of failed.slice(0, 10)) {
                ctx.err(
                  `  row ${r.number} ${r.body.website || '(no website)'}: ${r.status} ${r.error ?? ''}`.trimEnd(),
                );
              }
              if (failed.length > 10)
                ctx.err(`  … and ${failed.length - 10} more (see assay_error)`);
            }
            return runExit(ctx, sum);
          } finally {
            close();
          }
        }),
      );
  },
};
