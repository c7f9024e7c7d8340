import { Command } from 'commander';
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { bulkSession, inOut, printEstimate } from '../bulk-command';
import { readCsv, writeCsvAtomic } from '../csv';
import { CliError, EXIT } from '../io';
import type { ProgressMode } from '../progress';
import type { CliContext } from '../registry';
import { pollIntervalMs, taskError } from '../task-wait';
import { InRow, keyOf, readInput, writeInOutput } from './input';
import { EmailJob, EmailJobDryRun, emailsOf, ENDED, followJob, jobLine, jobTasks } from './job';
import { rowKey } from './verify';

export interface FindOpts {
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

/** `assay emails find`: an email job over a CSV, domains or every stored lead, followed to its end. */
export async function runFind(ctx: CliContext, opts: FindOpts, cmd: Command): Promise<number> {
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
  let previous: string[][] = [];
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
  } else {
    // Resume: rows of an earlier output are kept; with --domains, its domains that ended without
    // an error are not sent again (with --all the job itself leaves found leads out).
    previous = output && existsSync(output) ? readFoundOutput(output) : [];
    if (opts.domains) {
      const finished = finishedDomains(previous);
      const wanted = opts.domains
        .split(',')
        .map((d) => d.trim())
        .filter(Boolean);
      body.domains = wanted.filter((d) => !finished.has(domainKey(d)));
      if (!(body.domains as string[]).length && !opts.dryRun) {
        ctx.err(`done: nothing to do (every domain already in ${basename(output!)})`);
        return EXIT.ok;
      }
    } else body.all = true;
  }

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
            (output ? '; run the same command again to resume' : ''),
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
      // Earlier rows stay unless this run answered for the same domain or lead.
      const answered = new Set(rows.map(foundKey));
      writeCsvAtomic(output!, FOUND, [
        ...previous.filter((r) => !answered.has(foundKey(r))),
        ...rows,
      ]);
    }
    if (json) ctx.out(JSON.stringify({ ...job, out: output }, null, 2));
    ctx.err(`${ENDED.has(job.state) ? 'done' : job.state}: ${jobLine(job)} → ${output}`);
    return job.state === 'completed' ? EXIT.ok : EXIT.failure;
  } finally {
    close();
  }
}

/** An earlier `--domains` / `--all` output's rows, in FOUND's columns (another layout: none). */
function readFoundOutput(path: string): string[][] {
  const prev = readCsv(path);
  const at = FOUND.map((c) => prev.header.indexOf(c));
  if (at.some((i) => i < 0)) return [];
  return prev.rows.map((r) => at.map((i) => r[i] ?? ''));
}

const domainKey = (d: string) =>
  d
    .toLowerCase()
    .replace(/^[a-z]+:\/\//, '')
    .replace(/^www\./, '')
    .replace(/[/?#].*$/, '');

/** A row's domain or lead (the unit a job's task answers for). */
const foundKey = (r: Array<string | number>) =>
  r[1] ? `lead:${String(r[1])}` : `domain:${domainKey(String(r[0]))}`;

/** Domains of an earlier output whose every row ended without an error. */
function finishedDomains(rows: string[][]): Set<string> {
  const failed = new Set(rows.filter((r) => r[10] !== '').map((r) => domainKey(r[0])));
  return new Set(rows.map((r) => domainKey(r[0])).filter((d) => d && !failed.has(d)));
}
