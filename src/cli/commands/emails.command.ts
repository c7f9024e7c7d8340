import { Command, Option } from 'commander';
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { bulkSession, inOut, printEstimate, progressOption } from '../bulk-command';
import { readCsv, writeCsvAtomic } from '../csv';
import {
  EmailJob,
  EmailJobDryRun,
  emailsOf,
  ENDED,
  followJob,
  jobLine,
  jobPath,
  jobTasks,
} from '../emails-find/job';
import { norm, planVerify, rowKey, runVerify } from '../emails-find/verify';
import { CliError, EXIT, intOption } from '../io';
import type { ProgressMode } from '../progress';
import type { CliContext, CommandGroup } from '../registry';
import { pollIntervalMs, TaskDetail, taskError } from '../task-wait';

interface FindOpts {
  in?: string;
  out?: string;
  domains?: string;
  all?: boolean;
  dryRun?: boolean;
  limit?: number;
  maxConcurrent?: number;
  onConflict: 'fail' | 'skip';
  maxEmails?: number;
  minScore?: number;
  progress: ProgressMode;
}

interface VerifyOpts {
  in: string;
  out?: string;
  column?: string;
  chunk: number;
  dryRun?: boolean;
  progress: ProgressMode;
}

async function verify(ctx: CliContext, opts: VerifyOpts, cmd: Command): Promise<number> {
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

/** Input columns, by the names they may have (case and spacing ignored). */
const COLUMNS = {
  lead_id: ['lead_id', 'assay_lead_id'],
  domain: ['domain', 'company_domain', 'website', 'url', 'email_domain'],
  first_name: ['first_name', 'firstname', 'given_name'],
  last_name: ['last_name', 'lastname', 'surname', 'family_name'],
  full_name: ['full_name', 'name', 'contact_name'],
} as const;
type Column = keyof typeof COLUMNS;

/** Columns added to each input row (`--in`). */
const ADDED = [
  'email',
  'email_status',
  'email_score',
  'email_type',
  'email_pattern',
  'emails_found',
  'email_error',
];
/** Columns of `--domains` / `--all` output: one row per address. */
const FOUND = [
  'domain',
  'lead_id',
  'email',
  'first_name',
  'last_name',
  'position',
  'status',
  'score',
  'type',
  'pattern',
  'error',
];

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
      .action(ctx.action((opts: FindOpts, cmd: Command) => find(ctx, opts, cmd)));

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
      .action(ctx.action((opts: VerifyOpts, cmd: Command) => verify(ctx, opts, cmd)));

    group
      .command('job-status [id]')
      .description(
        'An email job’s state and progress; without an id, the jobs (newest state first)',
      )
      .option('--limit <n>', 'jobs listed at most', intOption(1, 1000), 50)
      .action(
        ctx.action(async (id: string | undefined, opts: { limit: number }, cmd: Command) => {
          const client = ctx.client(cmd);
          const json = ctx.globals(cmd).json;
          if (id) {
            const { body } = await client.get<EmailJob>(jobPath(id));
            ctx.out(json ? JSON.stringify(body, null, 2) : jobLine(body));
            return EXIT.ok;
          }
          const { body } = await client.get<{ items: EmailJob[] }>('/api/v1/emails/jobs', {
            limit: Math.min(opts.limit, 200),
          });
          if (json) ctx.out(JSON.stringify(body.items, null, 2));
          else if (!body.items.length) ctx.out('no email jobs');
          else for (const j of body.items) ctx.out(jobLine(j));
          return EXIT.ok;
        }),
      );

    group
      .command('cancel-job <id>')
      .description('Cancel an email job (its tasks are cancelled)')
      .action(
        ctx.action(async (id: string, _opts: unknown, cmd: Command) => {
          const { body } = await ctx.client(cmd).post<EmailJob>(`${jobPath(id)}/cancel`);
          ctx.out(ctx.globals(cmd).json ? JSON.stringify(body, null, 2) : jobLine(body));
          return EXIT.ok;
        }),
      );

    group
      .command('stats')
      .description('Email jobs by state, stored addresses by status, domains')
      .action(
        ctx.action(async (_opts: unknown, cmd: Command) => {
          const { body } = await ctx.client(cmd).get<{
            jobs: Record<string, number>;
            emails: Record<string, number>;
            domains: number;
          }>('/api/v1/emails/stats');
          if (ctx.globals(cmd).json) ctx.out(JSON.stringify(body, null, 2));
          else {
            const fmt = (r: Record<string, number>) =>
              Object.entries(r)
                .map(([k, n]) => `${k} ${n}`)
                .join(', ') || 'none';
            ctx.out(`jobs:    ${fmt(body.jobs)}`);
            ctx.out(`emails:  ${fmt(body.emails)}`);
            ctx.out(`domains: ${body.domains}`);
          }
          return EXIT.ok;
        }),
      );
  },
};

/** An input row: its cells, and what it asks for (null: the row is not usable). */
interface InRow {
  cells: string[];
  payload: Record<string, string> | null;
  problem?: string;
}

function readInput(file: string): { header: string[]; rows: InRow[] } {
  const table = readCsv(file);
  const at = Object.fromEntries(
    (Object.keys(COLUMNS) as Column[]).map((c) => [
      c,
      table.header.findIndex((h) => (COLUMNS[c] as readonly string[]).includes(norm(h))),
    ]),
  ) as Record<Column, number>;
  if (at.lead_id < 0 && at.domain < 0)
    throw new CliError(
      `${basename(file)} has no domain (or website) column and no lead_id column`,
      EXIT.usage,
    );
  const rows = table.rows.map((cells): InRow => {
    const cell = (c: Column) => (at[c] >= 0 ? cells[at[c]].trim() : '');
    if (cell('lead_id')) return { cells, payload: { lead_id: cell('lead_id') } };
    if (!cell('domain')) return { cells, payload: null, problem: 'no domain or lead_id' };
    const payload: Record<string, string> = { domain: cell('domain') };
    if (cell('first_name') && cell('last_name')) {
      payload.first_name = cell('first_name');
      payload.last_name = cell('last_name');
    } else if (cell('full_name')) payload.full_name = cell('full_name');
    return { cells, payload };
  });
  return { header: table.header, rows };
}

/** The same request, however its keys are ordered (the task's input less the job's options). */
const keyOf = (input: Record<string, unknown>) =>
  JSON.stringify(
    Object.keys(input)
      .filter((k) => k !== 'max_emails' && k !== 'min_score')
      .sort()
      .map((k) => [k, input[k]]),
  );

async function find(ctx: CliContext, opts: FindOpts, cmd: Command): Promise<number> {
  const sources = [opts.in, opts.domains, opts.all].filter(Boolean).length;
  if (sources !== 1)
    throw new CliError('give exactly one of --in <file>, --domains <list>, --all', EXIT.usage);
  const { input, output } = opts.in
    ? inOut(ctx, { in: opts.in, out: opts.out, dryRun: opts.dryRun })
    : { input: undefined, output: opts.out ? ctx.path(opts.out) : undefined };
  if (!opts.dryRun && !output)
    throw new CliError('--out <file> is required (or use --dry-run)', EXIT.usage);

  const body: Record<string, unknown> = {
    on_conflict: opts.onConflict,
    ...(opts.limit ? { limit: opts.limit } : {}),
    ...(opts.maxConcurrent ? { max_concurrent: opts.maxConcurrent } : {}),
    ...(opts.maxEmails !== undefined ? { max_emails: opts.maxEmails } : {}),
    ...(opts.minScore !== undefined ? { min_score: opts.minScore } : {}),
    ...(opts.dryRun ? { dry_run: true } : {}),
  };
  let table: { header: string[]; rows: InRow[] } | undefined;
  const done = new Map<string, string[]>();
  if (input) {
    table = readInput(input);
    // Resume: rows of the output that finished without an error are not sent again.
    if (output && existsSync(output)) {
      const prev = readCsv(output);
      const errAt = prev.header.indexOf('email_error');
      for (const r of prev.rows) {
        if (errAt >= 0 && r[errAt] === '') done.set(rowKey(r.slice(0, table.header.length)), r);
      }
    }
    const todo = table.rows.filter((r) => r.payload && !done.has(rowKey(r.cells)));
    if (!todo.length && !opts.dryRun) {
      writeInOutput(output!, table, done, new Map());
      ctx.err(`done: nothing to do (${done.size} row(s) already in ${basename(output!)})`);
      return EXIT.ok;
    }
    body.rows = [...new Map(todo.map((r) => [keyOf(r.payload!), r.payload!])).values()];
    body.skip_existing = false;
  } else if (opts.domains) {
    body.domains = opts.domains
      .split(',')
      .map((d) => d.trim())
      .filter(Boolean);
  } else body.all = true;

  const { abort, client, progress, close } = bulkSession(ctx, cmd, opts.progress, 'items');
  const json = ctx.globals(cmd).json;
  try {
    if (opts.dryRun) {
      const { body: dry } = await client.post<EmailJobDryRun>('/api/v1/emails/jobs', body);
      if (json) ctx.out(JSON.stringify(dry, null, 2));
      else {
        ctx.out(`Dry run, nothing created: ${dry.total} item(s) (${dry.skipped} skipped)`);
        printEstimate(ctx, {
          ...dry.estimate,
          valid: ['items', dry.total],
          calls: ['provider calls', dry.estimate.calls],
          refused: [
            'not usable',
            (table?.rows ?? []).flatMap((r, i) =>
              r.problem ? [`row ${i + 2}: ${r.problem}`] : [],
            ),
          ],
          notes: dry.estimate.notes ?? [],
        });
      }
      return EXIT.ok;
    }
    const { body: created } = await client.post<EmailJob>('/api/v1/emails/jobs', body);
    progress.note(
      `email job ${created.id}: ${created.progress.total} item(s), ${created.skipped} skipped`,
    );
    let job: EmailJob;
    try {
      job = await followJob(client, created, progress, pollIntervalMs(ctx.env), abort.signal);
    } catch (err) {
      if ((err as CliError).exitCode === EXIT.interrupted)
        ctx.err(
          `the job keeps running: assay emails job-status ${created.id}` +
            (input ? '; run the same command again to resume' : ''),
        );
      throw err;
    }
    const tasks = await jobTasks(client, job);
    const byKey = new Map(tasks.map((t) => [keyOf(t.input as Record<string, unknown>), t]));
    if (table) writeInOutput(output!, table, done, byKey);
    else {
      const rows = tasks.flatMap((t) => {
        const i = t.input as Record<string, string>;
        const error = t.status === 'succeeded' ? '' : taskError(t) || t.status;
        const found = emailsOf(t);
        const head = [
          i.domain ?? (t.result as { domain?: string } | null)?.domain ?? '',
          i.lead_id ?? '',
        ];
        if (!found.length) return [[...head, '', '', '', '', '', '', '', '', error]];
        return found.map((e) => [
          ...head,
          e.email,
          e.first_name ?? '',
          e.last_name ?? '',
          e.position ?? '',
          e.status,
          e.score,
          e.type,
          e.pattern ?? '',
          error,
        ]);
      });
      writeCsvAtomic(output!, FOUND, rows);
    }
    if (json) ctx.out(JSON.stringify({ ...job, out: output }, null, 2));
    ctx.err(`${ENDED.has(job.state) ? 'done' : job.state}: ${jobLine(job)} → ${output}`);
    return job.state === 'completed' ? EXIT.ok : EXIT.failure;
  } finally {
    close();
  }
}

/** The input rows with the added columns: a finished row from before, else this job's answer. */
function writeInOutput(
  output: string,
  table: { header: string[]; rows: InRow[] },
  done: Map<string, string[]>,
  byKey: Map<string, TaskDetail>,
): void {
  const rows = table.rows.map((r) => {
    const prev = done.get(rowKey(r.cells));
    if (prev) return prev;
    if (!r.payload) return [...r.cells, '', '', '', '', '', 0, r.problem ?? ''];
    const t = byKey.get(keyOf(r.payload));
    if (!t) return [...r.cells, '', '', '', '', '', 0, 'not run'];
    const found = emailsOf(t);
    const best = found[0];
    const error = t.status === 'succeeded' ? '' : taskError(t) || t.status;
    return [
      ...r.cells,
      best?.email ?? '',
      best?.status ?? '',
      best?.score ?? '',
      best?.type ?? '',
      best?.pattern ?? '',
      found.length,
      error,
    ];
  });
  writeCsvAtomic(output, [...table.header, ...ADDED], rows);
}
