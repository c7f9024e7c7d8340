import { Command, Option } from 'commander';
import { progressOption } from '../bulk-command';
import { FindOpts, runFind } from '../emails-find/find';
import { cancelJob, emailStats, jobStatus } from '../emails-find/job-commands';
import { runVerifyCommand, VerifyOpts } from '../emails-find/verify-command';
import { intOption } from '../io';
import type { CliContext, CommandGroup } from '../registry';

/** `assay emails …`: batch email jobs and their figures. */
export const emailsCommands: CommandGroup = {
  name: 'emails',
  description: 'Find and verify work email addresses in batch jobs',
  register(group: Command, ctx: CliContext) {
    group
      .command('find')
      .description(
        'An email job over the rows of a CSV (domain and name, or lead_id), a list of domains, or every ' +
          'stored lead; waits for it with a progress bar and writes the addresses found. With --in, a re-run ' +
          'skips the rows already done in --out',
      )
      .option(
        '-i, --in <file>',
        'input CSV: domain (or website) with first_name/last_name or name, or lead_id',
      )
      .option('--domains <list>', 'comma-separated domains (each a domain find)')
      .option('--all', 'every stored lead without a deliverable address')
      .option('-o, --out <file>', 'output CSV (required unless --dry-run)')
      .option('--dry-run', 'print the counts and the estimate; create and buy nothing')
      .option('--limit <n>', 'at most n items', intOption(1, 10_000))
      .option('--max-concurrent <n>', 'the job’s max_concurrent (1–100)', intOption(1, 100))
      .addOption(
        new Option('--on-conflict <mode>', 'leads another job works on: fail (409) or skip')
          .choices(['fail', 'skip'])
          .default('fail'),
      )
      .option('--max-emails <n>', 'addresses wanted per find (1–100)', intOption(1, 100))
      .option('--min-score <n>', 'least verification score kept (0–100)', intOption(0, 100))
      .addOption(progressOption())
      .action(ctx.action((opts: FindOpts, cmd: Command) => runFind(ctx, opts, cmd)));

    group
      .command('verify')
      .description(
        'Verify the addresses of a CSV (email_verification tasks: the built-in SMTP verifier, then Hunter ' +
          'when configured) into an output CSV; a re-run skips the rows already done',
      )
      .requiredOption('-i, --in <file>', 'input CSV with an email column')
      .option('-o, --out <file>', 'output CSV (required unless --dry-run); resumed if it exists')
      .option('--column <name>', 'the email column (default: email, email_address, …)')
      .option('--chunk <n>', 'addresses per task (1–500)', intOption(1, 500), 500)
      .option('--dry-run', 'print how many addresses would be verified; create nothing')
      .addOption(progressOption())
      .action(ctx.action((opts: VerifyOpts, cmd: Command) => runVerifyCommand(ctx, opts, cmd)));

    group
      .command('job-status [id]')
      .description(
        'An email job’s state and progress; without an id, the jobs (newest state first)',
      )
      .option('--limit <n>', 'jobs listed at most', intOption(1, 1000), 50)
      .action(
        ctx.action((id: string | undefined, opts: { limit: number }, cmd: Command) =>
          jobStatus(ctx, id, opts, cmd),
        ),
      );

    group
      .command('cancel-job <id>')
      .description('Cancel an email job (its tasks are cancelled)')
      .action(ctx.action((id: string, _opts: unknown, cmd: Command) => cancelJob(ctx, id, cmd)));

    group
      .command('stats')
      .description('Email jobs by state, stored addresses by status, domains')
      .action(ctx.action((_opts: unknown, cmd: Command) => emailStats(ctx, cmd)));
  },
};
