import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Query,
  Res,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBody,
  ApiExtraModels,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { AuthGuard } from '../../common/auth/auth.guard';
import { Caller, Principal } from '../../common/auth/principal';
import {
  ApiAuthenticated,
  ApiProblem,
  PENDING_HEADERS,
} from '../../common/http/api-docs.decorators';
import { cursorParam, toPage } from '../../common/http/paging';
import { InvalidFieldsException } from '../../common/http/validation';
import { TraceId } from '../../common/logging/trace';
import {
  BatchCreateDto,
  FailedQueryDto,
  ListTasksQueryDto,
  CreateQueryDto,
  RetryQueryDto,
  TaskControlFieldsDto,
} from './dto/task-requests.dto';
import {
  BatchCreatedDto,
  CancelResultDto,
  DryRunDto,
  FailedTaskDto,
  SeedTaskCreatedDto,
  SeedTaskFinishedDto,
  TaskDetailDto,
  TaskPageDto,
  TaskStatusDto,
} from './dto/task-views.dto';
import {
  clientJobId,
  decodeCursor,
  encodeCursor,
  pendingHeaders,
  statusUrl,
  toDetail,
  toFailed,
  toSeedCreated,
  toSeedFinished,
  toStatus,
} from './task.mapper';
import { TasksService } from './tasks.service';

const DAY = 24 * 3600 * 1000;

@ApiTags('tasks')
@ApiExtraModels(SeedTaskCreatedDto, SeedTaskFinishedDto, DryRunDto, TaskControlFieldsDto)
@ApiAuthenticated()
@UseGuards(AuthGuard)
@Controller('api/v1/tasks')
export class TasksController {
  constructor(private readonly tasks: TasksService) {}

  @Post('create/:task_name')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'createTask',
    summary: 'Create a task (seed route)',
    description:
      "The body is the task's payload, validated against its type (the seed's payloads are accepted as the seed " +
      'accepted them). Answers **200** with the seed\'s create response (`status: "scheduled"`, `task_id` = `job_id`); ' +
      "a `job_id` in the payload is the client's own job id: echoed in callbacks and accepted by the status route. " +
      'With `?wait=<seconds>` (at most 60) the answer waits for the task: once it has ended, the status view ' +
      'with its `result`; otherwise the usual answer. While the task has not ended the answer carries ' +
      '`Location` (its status URL) and `Retry-After`. Each task type is also documented under its own path ' +
      '(`/api/v1/tasks/create/diagnostic`, …) with its own body schema.',
  })
  @ApiParam({ name: 'task_name', example: 'diagnostic' })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Same key + same body → the same task',
  })
  @ApiBody({
    schema: { type: 'object', additionalProperties: true },
    examples: {
      diagnostic: { value: { sleep_ms: 100, fail_attempts: 1, stages: ['read', 'write'] } },
    },
  })
  @ApiResponse({
    status: 200,
    description:
      'Task stored and queued (or an existing one: idempotency key, reused result); with `?wait=`, the finished ' +
      'task when it ended in time; or a dry-run estimate',
    headers: PENDING_HEADERS,
    schema: {
      anyOf: [
        { $ref: '#/components/schemas/SeedTaskCreatedDto' },
        { $ref: '#/components/schemas/SeedTaskFinishedDto' },
        { $ref: '#/components/schemas/DryRunDto' },
      ],
    },
  })
  @ApiProblem(400, 'Invalid payload; `errors` names each field')
  @ApiProblem(404, 'Unknown task name; `known_tasks` lists the names')
  @ApiProblem(413, 'Body too large')
  @ApiProblem(422, 'Idempotency-Key reused with a different body')
  async create(
    @Param('task_name') name: string,
    @Body() body: unknown,
    @Query() q: CreateQueryDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @TraceId() traceId: string,
    @Caller() caller: Principal,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SeedTaskCreatedDto | SeedTaskFinishedDto | DryRunDto> {
    const out = await this.tasks.submit(name, body, {
      idempotencyKey,
      refresh: q.refresh,
      dryRun: q.dry_run,
      waitSeconds: q.wait,
      traceId,
      caller,
      seed: true,
    });
    if ('estimate' in out) return { dry_run: true, task_name: name, estimate: out.estimate };
    if (out.finished) return toSeedFinished(out.task, this.tasks.summary(out.task));
    res.set(pendingHeaders(out.task, statusUrl(clientJobId(out.task))));
    const original = (body as { original_job_id?: unknown } | null)?.original_job_id;
    return toSeedCreated(out.task, {
      reused: out.reused,
      originalJobId: typeof original === 'string' ? original : null,
    });
  }

  @Post('batch')
  @HttpCode(202)
  @ApiOperation({
    operationId: 'createTaskBatch',
    summary: 'Create up to 1,000 tasks of one type in one call',
    description:
      'All payloads are validated first; either every task is stored (one transaction) or none.',
  })
  @ApiResponse({ status: 202, type: BatchCreatedDto })
  @ApiResponse({
    status: 200,
    type: DryRunDto,
    description: 'dry_run: the estimate of the whole batch',
  })
  @ApiProblem(400, 'Invalid payloads; `errors` names each field as payloads[i].field')
  @ApiProblem(404, 'Unknown task name')
  async batch(
    @Body() dto: BatchCreateDto,
    @TraceId() traceId: string,
    @Caller() caller: Principal,
    @Res({ passthrough: true }) res: Response,
  ): Promise<BatchCreatedDto | DryRunDto> {
    const { batchId, ids, estimate } = await this.tasks.createBatch(
      dto.task_name,
      dto.payloads,
      { callbackUrl: dto.callback_url, budgetUsd: dto.budget_usd, dryRun: dto.dry_run },
      traceId,
      caller,
    );
    if (estimate) {
      res.status(200);
      return { dry_run: true, task_name: dto.task_name, estimate };
    }
    return {
      batch_id: batchId,
      task_name: dto.task_name,
      count: ids.length,
      job_ids: ids,
      status: 'queued',
    };
  }

  @Get('failed')
  @ApiOperation({
    operationId: 'listFailedTasks',
    summary: 'List failed tasks (seed route)',
    description:
      'Failed tasks created between start_date (default now − 7 days) and end_date (default now), newest first.',
  })
  @ApiOkResponse({ type: [FailedTaskDto] })
  @ApiProblem(400, 'Invalid query parameter')
  async failed(@Query() q: FailedQueryDto, @Caller() caller: Principal): Promise<FailedTaskDto[]> {
    const to = q.end_date ?? new Date();
    const from = q.start_date ?? new Date(to.getTime() - 7 * DAY);
    if (from > to) {
      throw new InvalidFieldsException([
        { field: 'start_date', message: 'start_date must not be after end_date' },
      ]);
    }
    const rows = await this.tasks.listFailed(
      {
        from,
        to,
        retryableOnly: q.retryable_only ?? false,
        type: q.task_name,
        limit: q.limit ?? 100,
      },
      caller,
    );
    return rows.map(toFailed);
  }

  @Get()
  @ApiOperation({
    operationId: 'listTasks',
    summary: 'List tasks, newest first, with filters and cursor paging',
  })
  @ApiOkResponse({ type: TaskPageDto })
  @ApiProblem(400, 'Invalid query parameter')
  async list(@Query() q: ListTasksQueryDto, @Caller() caller: Principal): Promise<TaskPageDto> {
    const limit = q.limit ?? 50;
    const rows = await this.tasks.list(
      {
        type: q.task_name,
        status: q.status,
        accountId: q.account_id,
        leadId: q.lead_id,
        batchId: q.batch_id,
        createdFrom: q.created_from,
        createdTo: q.created_to,
        before: cursorParam(q.cursor, decodeCursor),
        limit: limit + 1,
      },
      caller,
    );
    return toPage(rows, limit, toDetail, encodeCursor);
  }

  @Get(':job_id/status')
  @ApiOperation({
    operationId: 'getTaskStatus',
    summary: 'Status of a task in any state (seed route)',
    description:
      "By Assay's id or the client's own job id (the newest task carrying it). Seed status words " +
      '(scheduled, processing, completed, failed, cancelled) with the native one as `assay_status`.',
  })
  @ApiOkResponse({ type: TaskStatusDto })
  @ApiProblem(404, 'No such task')
  async status(@Param('job_id') id: string, @Caller() caller: Principal): Promise<TaskStatusDto> {
    const task = await this.tasks.get(id, caller);
    return toStatus(task, this.tasks.summary(task));
  }

  @Get(':job_id')
  @ApiOperation({
    operationId: 'getTask',
    summary: 'Full view of a task: input, result, error, progress, stages',
  })
  @ApiOkResponse({ type: TaskDetailDto })
  @ApiProblem(404, 'No such task')
  async get(@Param('job_id') id: string, @Caller() caller: Principal): Promise<TaskDetailDto> {
    return toDetail(await this.tasks.get(id, caller));
  }

  @Post(':job_id/retry')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'retryTask',
    summary: 'Retry a failed or cancelled task, of any type (seed route)',
    description:
      'Starts a new round of attempts on the same job id; completed stages are not redone. Answers as the ' +
      "seed's create route. A failure marked not retryable needs `?force=true`.",
  })
  @ApiResponse({ status: 200, type: SeedTaskCreatedDto })
  @ApiProblem(400, 'The task is not failed or cancelled, or its failure is not retryable')
  @ApiProblem(404, 'No such task')
  async retry(
    @Param('job_id') id: string,
    @Query() q: RetryQueryDto,
    @Caller() caller: Principal,
  ): Promise<SeedTaskCreatedDto> {
    const task = await this.tasks.retry(id, caller, q.force ?? false);
    return toSeedCreated(task, { originalJobId: clientJobId(task) });
  }

  @Post(':job_id/cancel')
  @ApiOperation({
    operationId: 'cancelTask',
    summary: 'Cancel a task',
    description:
      'A queued task is cancelled at once (200); a running one stops at its next check (202).',
  })
  @ApiResponse({ status: 200, type: CancelResultDto, description: 'Cancelled' })
  @ApiResponse({
    status: 202,
    type: CancelResultDto,
    description: 'Cancel requested; the task is running',
  })
  @ApiProblem(404, 'No such task')
  @ApiProblem(409, 'The task has already ended')
  async cancel(
    @Param('job_id') id: string,
    @Caller() caller: Principal,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CancelResultDto> {
    const { task, pending } = await this.tasks.cancel(id, caller);
    res.status(pending ? 202 : 200);
    return { ...toDetail(task), cancel_requested: pending };
  }
}
