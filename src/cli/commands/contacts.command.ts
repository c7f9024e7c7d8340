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
import { CONTACT_FIELDS, ContactField } from '../contacts-enrich/columns';
import { dryRunContacts } from '../contacts-enrich/dry-run';
import { planContactsRun } from '../contacts-enrich/plan';
import { runContacts } from '../contacts-enrich/run';
import { durationOption, EXIT, intOption, moneyOption } from '../io';
import type { ProgressMode } from '../progress';
import type { CliContext, CommandGroup } from '../registry';
import { pollIntervalMs } from '../task-wait';

interface EnrichOpts extends Record<string, unknown> {
  in: string;
  out?: string;
  dryRun?: boolean;
  chunk: number;
  concurrency: number;
  timeout?: number;
  budgetUsd?: number;
  progress: ProgressMode;
}

const FIELD_HELP: Record<ContactField, string> = {
  email: 'the email (default: email, email_address, work_email, …)',
  name: 'the full name (default: name, full_name, contact_name, …)',
  first_name: 'the first name (default: first_name, given_name, …)',
  last_name: 'the last name (default: last_name, surname, …)',
  company: 'the company name (default: company, company_name, organization, …)',
  domain: "the company's domain or website (default: domain, company_domain, website, …)",
  linkedin_url: 'the LinkedIn profile URL (default: linkedin_url, linkedin, …)',
  external_id: 'your contact id, sent as external_id (default: external_id, id, contact_id, …)',
};

/** `assay contacts enrich`: a CSV of contacts in, the CSV with the enriched fields out. */
export const contactsCommands: CommandGroup = {
  name: 'contacts',
  description: 'Enrich contacts (people by email, LinkedIn URL, or name and company)',
  register(group: Command, ctx: CliContext) {
    const cmd = group
      .command('enrich')
      .description(
        'Enrich every row of a CSV file of contacts (a contact_enrichment task per chunk of rows) ' +
          'into an output CSV; a re-run skips the rows already done',
      )
      .requiredOption('-i, --in <file>', 'input CSV with a header row')
      .option('-o, --out <file>', 'output CSV (required unless --dry-run); resumed if it exists');
    for (const f of Object.keys(CONTACT_FIELDS) as ContactField[]) {
      cmd.option(`${CONTACT_FIELDS[f].flag} <name>`, `column of ${FIELD_HELP[f]}; none: not sent`);
    }
    cmd
      .option('--dry-run', 'print the estimate (vendor calls, worst-case cost) and create nothing')
      .option('--chunk <n>', 'contacts per task (1–10000)', intOption(1, 10_000), 1000)
      .option('-c, --concurrency <n>', 'chunks in flight at once (1–10)', intOption(1, 10), 2)
      .option(
        '--timeout <duration>',
        'per chunk: stop waiting after this long; a re-run resumes it',
        durationOption,
      )
      .option('--budget-usd <usd>', 'most each chunk may spend (its budget_usd)', moneyOption)
      .addOption(progressOption())
      .action(ctx.action((opts: EnrichOpts, c: Command) => enrich(ctx, opts, c)));
  },
};

async function enrich(ctx: CliContext, opts: EnrichOpts, cmd: Command): Promise<number> {
  const { input, output } = inOut(ctx, opts);
  const plan = planContactsRun({
    input,
    output,
    chunk: opts.chunk,
    columns: opts as Record<string, string>,
  });
  const json = ctx.globals(cmd).json;
  const { abort, client, progress, close } = bulkSession(ctx, cmd, opts.progress, 'contacts');
  const cols = (Object.keys(CONTACT_FIELDS) as ContactField[])
    .filter((f) => plan.map[f] >= 0)
    .map((f) => `${f} ← "${plan.header[plan.map[f]]}"`)
    .join(', ');
  const todo = plan.chunks.flat().length;
  const skipped = plan.rows.length - todo;
  const name = basename(input);
  try {
    if (opts.dryRun) {
      progress.note(`dry run: ${todo} of ${plan.rows.length} row(s) to estimate (${cols})`);
      const sum = await dryRunContacts(client, abort, plan, progress, opts.budgetUsd);
      if (json) ctx.out(JSON.stringify(sum, null, 2));
      else {
        ctx.out(
          `Dry run, nothing created: ${todo} contact(s) of ${name} would be sent in ${sum.chunks} task(s)` +
            (skipped ? ` (${skipped} already done in ${basename(output!)}, skipped)` : ''),
        );
        printEstimate(ctx, {
          ...sum,
          valid: ['valid contacts', sum.valid],
          calls: ['vendor calls', sum.calls],
          refused: ['would be rejected', sum.invalid.map((i) => `row ${i.row}: ${i.error}`)],
        });
      }
      return EXIT.ok;
    }

    progress.note(
      `enriching ${todo} of ${plan.rows.length} contact(s) of ${name} into ${basename(output!)}` +
        (skipped ? ` (${skipped} already done, skipped)` : '') +
        ` in ${plan.chunks.length} task(s) of at most ${opts.chunk}; ${cols}`,
    );
    if (plan.dropped) {
      progress.note(
        `note: ${plan.dropped} done row(s) of ${basename(output!)} match no input row and are not written again`,
      );
    }
    const sum = await runContacts(client, abort, plan, progress, {
      output: output!,
      concurrency: opts.concurrency,
      pollMs: pollIntervalMs(ctx.env),
      timeoutMs: opts.timeout,
      budgetUsd: opts.budgetUsd,
    });
    if (json) ctx.out(JSON.stringify({ ...sum, out: output }, null, 2));
    ctx.err(doneLine(sum, plan.rows.length, 'contact(s)', output!));
    return runExit(ctx, sum);
  } finally {
    close();
  }
}
