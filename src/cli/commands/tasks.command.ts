import { Command, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { ApiClient } from '../api-client';
import { CliError, durationOption, EXIT, formatDuration, intOption } from '../io';
import type { CliContext, CommandGroup } from '../registry';
import {
  FINAL_STATUSES,
  pollIntervalMs,
  TaskDetail,
  taskError,
  taskPath,
  waitForTask,
} from '../task-wait';

const TASK_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];

/** The seed create answer (`POST /api/v1/tasks/create/{task_name}`, retry). */
interface SeedCreated {
  job_id: string;
  task_name: string;
  assay_status: string;
  assay_task_id: string;
  attempt_number?: number;
  max_retries?: number;
  reused?: boolean;
}

interface TaskPage {
  items: TaskDetail[];
  next_cursor: string | null;
}

/** `assay tasks create|status|wait|list|retry|cancel`. */
export const tasksCommands: CommandGroup = {
  name: 'tasks',
  description: 'Create, watch and manage tasks of any type',
  register(group: Command, ctx: CliContext) {
    group
      .command('create')
      .description(
        'Create a task (POST /api/v1/tasks/create/{task_name}) and print its job id; the payload is JSON',
      )
      .argument('<task_name>', 'the task type, e.g. diagnostic or account_enhancement')
      .option('-d, --data <json>', 'the payload, e.g. \'{"sleep_ms": 0}\' (default {})')
      .option('-f, --data-file <file>', 'read the payload from a JSON file (- for stdin)')
      .option(
        '--idempotency-key <key>',
        'Idempotency-Key: the same key and payload give back the same task',
      )
      .option('--refresh', 'run again even when a stored result could be reused')
      .option('--wait', 'then wait for it to end (exit code as for `tasks wait`)')
      .option(
        '--timeout <duration>',
        'with --wait: give up after this long (90, 30s, 5m)',
        durationOption,
      )
      .action(
        ctx.action(async (name: string, opts: CreateOpts, cmd: Command) => {
          const payload = await readPayload(ctx, opts);
          const client = ctx.client(cmd);
          const { body } = await client.post<SeedCreated>(
            `/api/v1/tasks/create/${encodeURIComponent(name)}`,
            payload,
            {
              idempotencyKey: opts.idempotencyKey,
              query: opts.refresh ? { refresh: true } : undefined,
            },
          );
          const id = body.assay_task_id ?? body.job_id;
          if (opts.wait) return waitAndReport(ctx, cmd, client, id, opts.timeout);
          if (ctx.globals(cmd).json) ctx.out(JSON.stringify(body, null, 2));
          else {
            ctx.out(id);
            ctx.err(
              `${body.task_name} task ${id}: ${body.assay_status}${body.reused ? ' (stored result reused)' : ''}`,
            );
          }
        }),
      );

    group
      .command('status')
      .description(
        'Show a task: status, stage, progress, attempts, error, cost (GET /api/v1/tasks/{id})',
      )
      .argument('<job_id>', "Assay's job id, or the client's own job id")
      .action(
        ctx.action(async (id: string, _opts: unknown, cmd: Command) => {
          const { body } = await ctx.client(cmd).get<TaskDetail>(taskPath(id));
          if (ctx.globals(cmd).json) ctx.out(JSON.stringify(body, null, 2));
          else ctx.out(describeTask(body));
        }),
      );

    group
      .command('wait')
      .description(
        'Wait until a task ends; exit code 0 succeeded, 1 failed or cancelled, 2 timed out',
      )
      .argument('<job_id>', "Assay's job id, or the client's own job id")
      .option('--timeout <duration>', 'give up after this long (90, 30s, 5m, 1h)', durationOption)
      .action(
        ctx.action(async (id: string, opts: { timeout?: number }, cmd: Command) =>
          waitAndReport(ctx, cmd, ctx.client(cmd), id, opts.timeout),
        ),
      );

    group
      .command('list')
      .description('List tasks, newest first (GET /api/v1/tasks)')
      .addOption(
        new Option(
          '--status <statuses>',
          `only these statuses, comma-separated (${TASK_STATUSES.join(', ')})`,
        ),
      )
      .option('--task-name <name>', 'only this task type')
      .option('--account-id <id>', "only tasks of this account (the caller's account_id)")
      .option('--limit <n>', 'at most this many (1–500)', intOption(1, 500), 20)
      .option('--cursor <cursor>', 'the next page (printed after a full page)')
      .action(
        ctx.action(async (opts: ListOpts, cmd: Command) => {
          const statuses =
            opts.status
              ?.split(',')
              .map((s) => s.trim())
              .filter(Boolean) ?? [];
          const bad = statuses.filter((s) => !TASK_STATUSES.includes(s));
          if (bad.length) {
            throw new CliError(
              `--status: unknown status ${bad.join(', ')} (use ${TASK_STATUSES.join(', ')})`,
              EXIT.usage,
            );
          }
          const { body } = await ctx.client(cmd).get<TaskPage>('/api/v1/tasks', {
            status: statuses.length ? statuses.join(',') : undefined,
            task_name: opts.taskName,
            account_id: opts.accountId,
            limit: opts.limit,
            cursor: opts.cursor,
          });
          if (ctx.globals(cmd).json) return ctx.out(JSON.stringify(body, null, 2));
          if (!body.items.length) return ctx.err('no tasks');
          ctx.out(
            table(
              ['JOB_ID', 'TASK', 'STATUS', 'ATTEMPT', 'CREATED', 'ERROR'],
              body.items.map((t) => [
                t.job_id,
                t.task_name,
                t.status,
                `${t.attempt_number ?? 0}/${t.max_retries ?? '?'}`,
                t.created_at ?? '',
                truncate(taskError(t), 60),
              ]),
            ),
          );
          if (body.next_cursor) ctx.err(`more: --cursor ${body.next_cursor}`);
        }),
      );

    group
      .command('retry')
      .description('Retry a failed or cancelled task: a new round of attempts, same job id')
      .argument('<job_id>', "Assay's job id, or the client's own job id")
      .option('--force', 'also when its failure is marked not retryable')
      .action(
        ctx.action(async (id: string, opts: { force?: boolean }, cmd: Command) => {
          const { body } = await ctx
            .client(cmd)
            .post<SeedCreated>(`${taskPath(id)}/retry`, undefined, {
              query: opts.force ? { force: true } : undefined,
            });
          if (ctx.globals(cmd).json) return ctx.out(JSON.stringify(body, null, 2));
          ctx.out(`${body.assay_task_id ?? body.job_id} ${body.assay_status}`);
        }),
      );

    group
      .command('cancel')
      .description('Cancel a task: a queued one at once, a running one at its next check')
      .argument('<job_id>', "Assay's job id, or the client's own job id")
      .action(
        ctx.action(async (id: string, _opts: unknown, cmd: Command) => {
          const { status, body } = await ctx
            .client(cmd)
            .post<TaskDetail & { cancel_requested: boolean }>(`${taskPath(id)}/cancel`);
          if (ctx.globals(cmd).json) return ctx.out(JSON.stringify(body, null, 2));
          ctx.out(
            status === 202 || body.cancel_requested
              ? `${body.job_id} cancel requested (it is ${body.status}; it stops at its next check)`
              : `${body.job_id} ${body.status}`,
          );
        }),
      );
  },
};

interface CreateOpts {
  data?: string;
  dataFile?: string;
  idempotencyKey?: string;
  refresh?: boolean;
  wait?: boolean;
  timeout?: number;
}

interface ListOpts {
  status?: string;
  taskName?: string;
  accountId?: string;
  limit: number;
  cursor?: string;
}

async function readPayload(ctx: CliContext, opts: CreateOpts): Promise<Record<string, unknown>> {
  if (opts.data !== undefined && opts.dataFile !== undefined) {
    throw new CliError('give the payload with --data or --data-file, not both', EXIT.usage);
  }
  let text = opts.data ?? '{}';
  let from = '--data';
  if (opts.dataFile !== undefined) {
    from = opts.dataFile === '-' ? 'stdin' : opts.dataFile;
    if (opts.dataFile === '-') {
      if (!ctx.io.stdin) throw new CliError('--data-file -: no stdin to read', EXIT.usage);
      text = await readAll(ctx.io.stdin);
    } else {
      try {
        text = readFileSync(ctx.path(opts.dataFile), 'utf8');
      } catch (err) {
        throw new CliError(`cannot read ${opts.dataFile}: ${(err as Error).message}`, EXIT.usage);
      }
    }
  }
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch (err) {
    throw new CliError(`${from} is not valid JSON: ${(err as Error).message}`, EXIT.usage);
  }
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) {
    throw new CliError(`${from} must be a JSON object, e.g. {"sleep_ms": 0}`, EXIT.usage);
  }
  return payload as Record<string, unknown>;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : c);
  return Buffer.concat(chunks).toString('utf8');
}

/** Waits, prints each change on stderr and the end on stdout; 0 succeeded, 1 failed/cancelled, 2 timeout. */
async function waitAndReport(
  ctx: CliContext,
  cmd: Command,
  client: ApiClient,
  id: string,
  timeoutMs?: number,
): Promise<number> {
  const json = ctx.globals(cmd).json;
  const { task, timedOut } = await waitForTask(client, id, {
    intervalMs: pollIntervalMs(ctx.env),
    timeoutMs,
    signal: ctx.signal,
    onChange: (t) => {
      if (!FINAL_STATUSES.has(t.status)) ctx.err(`${t.job_id} ${progressText(t)}`);
    },
  });
  if (json) ctx.out(JSON.stringify(task, null, 2));
  else {
    const error = taskError(task);
    ctx.out(
      `${task.job_id} ${task.status}${error && task.status !== 'succeeded' ? ` ${error}` : ''}`,
    );
  }
  if (timedOut) {
    ctx.err(
      `timed out after ${formatDuration(timeoutMs ?? 0)}: the task is still ${task.status} (wait again with \`assay tasks wait ${task.job_id}\`)`,
    );
    return EXIT.timeout;
  }
  return task.status === 'succeeded' ? EXIT.ok : EXIT.failure;
}

function progressText(t: TaskDetail): string {
  const parts: string[] = [t.status];
  if (t.progress?.percent !== undefined) parts.push(`${t.progress.percent}%`);
  if (t.stage) parts.push(`stage ${t.stage}`);
  const msg = t.progress?.message;
  if (msg && msg !== `stage ${t.stage}`) parts.push(`– ${msg}`);
  return parts.join(' ');
}

function describeTask(t: TaskDetail): string {
  const rows: Array<[string, string | undefined | null]> = [
    ['job_id', t.job_id],
    ['client_job_id', t.client_job_id],
    ['task', t.task_name],
    ['status', `${t.status}${t.cancel_requested ? ' (cancel requested)' : ''}`],
    ['attempt', `${t.attempt_number ?? 0} of ${t.max_retries ?? '?'}`],
    ['stage', t.stage],
    [
      'progress',
      t.progress?.percent !== undefined
        ? `${t.progress.percent}%${t.progress.message ? ` ${t.progress.message}` : ''}`
        : undefined,
    ],
    ['error', t.error ? `${taskError(t)}${t.error.retryable ? ' (retryable)' : ''}` : undefined],
    ['next_attempt', t.next_attempt_at],
    ['cost_usd', t.cost_usd !== undefined ? String(t.cost_usd) : undefined],
    ['created', t.created_at],
    ['started', t.started_at],
    ['finished', t.finished_at],
  ];
  const shown = rows.filter(([, v]) => v !== undefined && v !== null && v !== '');
  const width = Math.max(...shown.map(([k]) => k.length)) + 2;
  return shown.map(([k, v]) => `${`${k}:`.padEnd(width)}${v}`).join('\n');
}

/** Left-aligned columns separated by two spaces. */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  return [header, ...rows]
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i])))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function truncate(s: string, n: number): string {
  const one = s.replace(/\s+/g, ' ');
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
}
