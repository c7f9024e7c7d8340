import { Command, Option } from 'commander';
import { basename } from 'node:path';
import { bulkSession, doneLine, inOut, progressOption, runExit } from '../bulk-command';
import { planColumns, RESPONSE_TYPES } from '../columns-run/plan';
import { runColumns } from '../columns-run/run';
import { CliError, durationOption, EXIT, intOption } from '../io';
import type { ProgressMode } from '../progress';
import type { CliContext, CommandGroup } from '../registry';
import { pollIntervalMs } from '../task-wait';

interface RunOpts {
  question: string;
  type: string;
  values?: string;
  min?: string;
  max?: string;
  unit?: string;
  schema?: string;
  model?: string;
  internet?: boolean;
  validate?: boolean;
  name: string;
  columnId?: string;
  entityType: 'account' | 'lead';
  in: string;
  out?: string;
  idColumn?: string;
  concurrency: number;
  chunk: number;
  refresh?: boolean;
  timeout?: number;
  progress: ProgressMode;
}

const number = (flag: string, v: string | undefined): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new CliError(`${flag} must be a number (got ${v})`, EXIT.usage);
  return n;
};

/** `assay columns run`: an AI column over the rows of a CSV file. */
export const columnsCommands: CommandGroup = {
  name: 'columns',
  description: 'Compute AI-defined columns over accounts or leads',
  register(group: Command, ctx: CliContext) {
    group
      .command('run')
      .description(
        "Answer one question for every row of a CSV file (each row is the entity's context); the output is the input " +
          'with the value, confidence, rationale, sources, status and error added. A re-run of the same command is ' +
          'served from the stored values (no LLM calls) unless --refresh',
      )
      .requiredOption('-q, --question <text>', 'the question (may cite {{column:<id>}})')
      .addOption(
        new Option('-t, --type <type>', 'response type').choices(RESPONSE_TYPES).default('string'),
      )
      .option('--values <list>', 'enum: the allowed values, comma-separated')
      .option('--min <n>', 'number: the smallest allowed value')
      .option('--max <n>', 'number: the largest allowed value')
      .option('--unit <unit>', 'number: the unit, e.g. employees or USD')
      .option('--schema <file>', 'json_object: a JSON Schema file the value must match')
      .option(
        '--model <name>',
        'gpt-*, gemini-*, sonar*, or a model your OpenAI-compatible server lists',
      )
      .option('--internet', 'answer from a web search, with sources')
      .option('--validate', 'check each answer with a second web search')
      .option('--name <name>', 'name of the output column', 'answer')
      .option(
        '--column-id <id>',
        'store the column under this id (default: derived from the definition)',
      )
      .addOption(
        new Option('--entity-type <type>', 'what a row is')
          .choices(['account', 'lead'])
          .default('account'),
      )
      .requiredOption('-i, --in <file>', 'input CSV with a header row')
      .option('-o, --out <file>', 'output CSV')
      .option(
        '--id-column <name>',
        'column of the entity id (default: id, account_id, domain, …; else the row number)',
      )
      .option('-c, --concurrency <n>', 'entities answered at once (1–50)', intOption(1, 50), 5)
      .option('--chunk <n>', 'entities per task', intOption(1, 5000), 500)
      .option('--refresh', 'answer again instead of reusing stored values')
      .option(
        '--timeout <duration>',
        'per chunk: stop waiting after this long (default 60m)',
        durationOption,
      )
      .addOption(progressOption())
      .action(ctx.action((opts: RunOpts, cmd: Command) => run(ctx, opts, cmd)));
  },
};

async function run(ctx: CliContext, opts: RunOpts, cmd: Command): Promise<number> {
  const { input, output } = inOut(ctx, opts);
  const plan = planColumns(
    input,
    {
      question: opts.question,
      type: opts.type,
      values: opts.values,
      min: number('--min', opts.min),
      max: number('--max', opts.max),
      unit: opts.unit,
      schema: opts.schema ? ctx.path(opts.schema) : undefined,
      model: opts.model,
      internet: opts.internet,
      validate: opts.validate,
      columnId: opts.columnId,
      name: opts.name,
      entityType: opts.entityType,
    },
    opts.idColumn,
  );
  const json = ctx.globals(cmd).json;
  const { abort, client, progress, close } = bulkSession(ctx, cmd, opts.progress, 'entities');
  try {
    progress.note(
      `column ${plan.definition.column_id} over ${plan.ids.length} row(s) of ${basename(input)} into ${basename(output!)}`,
    );
    const sum = await runColumns(client, abort, plan, progress, {
      output: output!,
      concurrency: opts.concurrency,
      chunk: opts.chunk,
      refresh: opts.refresh === true,
      pollMs: pollIntervalMs(ctx.env),
      timeoutMs: opts.timeout ?? 60 * 60_000,
    });
    if (json)
      ctx.out(
        JSON.stringify({ ...sum, column_id: plan.definition.column_id, out: output }, null, 2),
      );
    ctx.err(
      doneLine(
        sum,
        sum.rows,
        `row(s), ${sum.cached} from stored values, ${sum.llm_calls} LLM call(s), $${sum.cost_usd}`,
        output!,
      ),
    );
    return runExit(ctx, sum);
  } finally {
    close();
  }
}
