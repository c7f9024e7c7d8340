import { Command, Option } from 'commander';
import { basename } from 'node:path';
import { ApiError, oneLineError } from '../api-client';
import { eachRow } from '../accounts-enrich/row-pool';
import { CliError, durationOption, EXIT, intOption, moneyOption } from '../io';
import { planLeads, readProduct } from '../leads-generate/plan';
import { runLeads } from '../leads-generate/run';
import { createProgress, orderedCounts, ProgressMode } from '../progress';
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

interface Estimate {
  calls: number;
  cost_min_usd: number;
  cost_max_usd: number;
  notes?: string[];
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
      .addOption(
        new Option(
          '--progress <mode>',
          'progress on stderr: a bar on a terminal, plain lines otherwise',
        )
          .choices(['auto', 'bar', 'plain', 'none'])
          .default('auto'),
      )
      .action(
        ctx.action(async (opts: GenerateOpts, cmd: Command) => {
          if (!opts.dryRun && !opts.out) {
            throw new CliError('--out <file> is required (or use --dry-run)', EXIT.usage);
          }
          const input = ctx.path(opts.in);
          const output = opts.out ? ctx.path(opts.out) : undefined;
          if (output === input) throw new CliError('--out must not be the input file', EXIT.usage);
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
          const abort = new AbortController();
          const stop = () => abort.abort();
          ctx.signal?.addEventListener('abort', stop, { once: true });
          const client = ctx.client(cmd, abort.signal);
          const progress = createProgress(ctx.io.stderr, opts.progress, 'accounts');
          try {
            if (opts.dryRun) {
              const sum = {
                accounts: plan.todo.length,
                calls: 0,
                cost_min_usd: 0,
                cost_max_usd: 0,
                invalid: [] as string[],
              };
              await eachRow(plan.todo, opts.concurrency, abort, async (row) => {
                try {
                  const { body } = await client.post<{ estimate: Estimate }>(
                    '/api/v1/leads/generate',
                    {
                      ...row.body,
                      dry_run: true,
                    },
                  );
                  sum.calls += body.estimate.calls;
                  sum.cost_min_usd += body.estimate.cost_min_usd;
                  sum.cost_max_usd += body.estimate.cost_max_usd;
                } catch (err) {
                  if (!(err instanceof ApiError) || err.status !== 400) throw err;
                  sum.invalid.push(`row ${row.number}: ${oneLineError(err)}`);
                }
              });
              const round = (n: number) => Math.round(n * 1e4) / 1e4;
              if (json)
                ctx.out(JSON.stringify({ ...sum, cost_max_usd: round(sum.cost_max_usd) }, null, 2));
              else {
                ctx.out(
                  `Dry run, nothing created: ${plan.todo.length} account(s) of ${basename(input)}`,
                );
                ctx.out(`  provider calls:  ${sum.calls} at most`);
                ctx.out(
                  `  estimated cost:  $${round(sum.cost_min_usd)} – $${round(sum.cost_max_usd)}`,
                );
                for (const i of sum.invalid.slice(0, 20)) ctx.out(`  would fail: ${i}`);
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
            const counts = orderedCounts(sum.counts)
              .map(([k, n]) => `${n} ${k}`)
              .join(', ');
            ctx.err(
              `${sum.interrupted ? 'interrupted' : 'done'}: ${sum.accounts} account(s), ${sum.leads} lead(s) → ${output}` +
                ` (${counts || 'nothing to do'}; ${sum.skipped} skipped as already done)`,
            );
            if (sum.interrupted) {
              ctx.err('run the same command again to resume');
              return EXIT.interrupted;
            }
            if (sum.unfinished) {
              ctx.err(
                `${sum.unfinished} account(s) did not finish: run the same command again to resume`,
              );
              return EXIT.failure;
            }
            return EXIT.ok;
          } finally {
            progress.stop();
            ctx.signal?.removeEventListener('abort', stop);
          }
        }),
      );
  },
};
