import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { TaskContext } from '../tasks/engine/task-context';
import { TaskError } from '../tasks/engine/task-errors';
import { TaskHandler, TaskType } from '../tasks/engine/task-type.decorator';

export class DiagnosticInput {
  @ApiPropertyOptional({
    description: 'Milliseconds to sleep (split across stages)',
    minimum: 0,
    maximum: 600000,
    default: 0,
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(600_000)
  sleep_ms?: number;

  @ApiPropertyOptional({
    description: 'How many first attempts fail with a retryable error',
    minimum: 0,
    maximum: 10,
    default: 0,
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10)
  fail_attempts?: number;

  @ApiPropertyOptional({
    description: 'Stage names run in order; each is a checkpoint that a retry does not redo',
    example: ['read', 'extract', 'store'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Matches(/^[a-z0-9_-]{1,40}$/i, {
    each: true,
    message: 'each stage must be 1–40 letters, digits, _ or -',
  })
  stages?: string[];

  @ApiPropertyOptional({
    description:
      "Result scope: a later diagnostic task with the same scope returns this one's stored result without running (unless refresh)",
    example: 'check-42',
  })
  @IsOptional()
  @IsString()
  @Matches(/^[\w.:-]{1,100}$/, {
    message: 'result_scope must be 1–100 letters, digits, _ . : or -',
  })
  result_scope?: string;

  @ApiPropertyOptional({
    description:
      'Keeps the event loop busy for this long (synchronous CPU work, 0–60000 ms), before the stages: shows that a worker busy past its job lock keeps its task (no second run elsewhere)',
    minimum: 0,
    maximum: 60000,
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(60000)
  busy_ms?: number;

  @ApiPropertyOptional({ description: "Caller's account id (kept on the task)", maxLength: 255 })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  account_id?: string;

  @ApiPropertyOptional({ description: "Caller's lead id (kept on the task)", maxLength: 255 })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  lead_id?: string;
}

export interface DiagnosticResult {
  ok: true;
  attempt: number;
  slept_ms: number;
  stages: Array<{ name: string; ran_on_attempt: number }>;
  resumed_stages: string[];
}

/**
 * Checks the pipeline end to end (and measures its pure overhead in bench:tasks): sleeps, can fail
 * its first attempts on purpose, and runs named stages as checkpoints. Switch off with
 * DIAGNOSTIC_TASK_ENABLED=false.
 */
@TaskType({
  name: 'diagnostic',
  input: DiagnosticInput,
  concurrency: 50,
  maxAttempts: 5,
  timeoutMs: 15 * 60_000,
  description: 'Pipeline self-check: sleep_ms, busy_ms, fail_attempts, stages, result_scope',
  scope: (input) => input.result_scope,
})
export class DiagnosticTask implements TaskHandler<DiagnosticInput, DiagnosticResult> {
  async run(ctx: TaskContext<DiagnosticInput>): Promise<DiagnosticResult> {
    const { sleep_ms = 0, fail_attempts = 0, stages = [], busy_ms = 0 } = ctx.input;
    const before = new Set(ctx.completedStages());
    if (busy_ms) busyWait(busy_ms);
    const names = stages.length ? stages : [];
    const perStage = names.length ? Math.floor(sleep_ms / names.length) : sleep_ms;
    const ran: DiagnosticResult['stages'] = [];

    for (let i = 0; i < names.length; i++) {
      const name = names[i];
      const out = await ctx.checkpoint(name, async () => {
        await ctx.progress(name, (i / names.length) * 100, `stage ${name}`, {
          counters: { done: i, total: names.length },
        });
        if (perStage) await ctx.sleep(perStage);
        return { name, ran_on_attempt: ctx.attempt };
      });
      ran.push(out);
      // Failing after the first stage shows that a retry resumes instead of redoing it.
      if (i === 0 && ctx.attempt <= fail_attempts) {
        throw new TaskError(
          'TEMPORARY',
          `diagnostic: failing attempt ${ctx.attempt} of ${fail_attempts} on purpose`,
        );
      }
    }
    if (!names.length) {
      if (sleep_ms) await ctx.sleep(sleep_ms);
      if (ctx.attempt <= fail_attempts) {
        throw new TaskError(
          'TEMPORARY',
          `diagnostic: failing attempt ${ctx.attempt} of ${fail_attempts} on purpose`,
        );
      }
    }
    return {
      ok: true,
      attempt: ctx.attempt,
      slept_ms: sleep_ms,
      stages: ran,
      resumed_stages: names.filter((n) => before.has(n)),
    };
  }
}

/** Synchronous CPU work: nothing else runs on this event loop meanwhile (timers, lock renewals). */
function busyWait(ms: number): void {
  const until = Date.now() + ms;
  let x = 0;
  while (Date.now() < until) x = (x + 1) % 1_000_003;
  if (x < 0) throw new Error('unreachable');
}
