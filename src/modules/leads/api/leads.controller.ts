import { Body, Controller, Get, Headers, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { AuthGuard } from '../../../common/auth/auth.guard';
import { Caller, Principal } from '../../../common/auth/principal';
import {
  ApiAuthenticated,
  ApiProblem,
  PENDING_HEADERS,
} from '../../../common/http/api-docs.decorators';
import { TraceId } from '../../../common/logging/trace';
import { WaitQueryDto } from '../../tasks/dto/task-requests.dto';
import { DryRunDto, TaskCreatedDto, TaskDetailDto } from '../../tasks/dto/task-views.dto';
import { toNativeSubmitted } from '../../tasks/task.mapper';
import { TasksService } from '../../tasks/tasks.service';
import { GenerateLeadsDto, ListLeadsQueryDto } from '../dto/lead-requests.dto';
import { LeadDetailDto, LeadListDto, LeadProvenanceDto } from '../dto/lead-views.dto';
import { LEAD_TASK } from '../generation/lead-generation.task';
import { LeadsService } from './leads.service';

@ApiTags('leads')
@ApiExtraModels(TaskCreatedDto, TaskDetailDto, DryRunDto, LeadProvenanceDto)
@ApiAuthenticated()
@UseGuards(AuthGuard)
@Controller('api/v1/leads')
export class LeadsController {
  constructor(
    private readonly leads: LeadsService,
    private readonly tasks: TasksService,
  ) {}

  @Post('generate')
  @ApiOperation({
    operationId: 'generateLeads',
    summary:
      'Find and score the people at an account for a product (a lead_identification_apollo task)',
    description:
      'People from the people.search providers (Apollo, the site), else an LLM web search; scored by the ' +
      'LLM (or by transparent rules without one); stored per account. 202 with the job id, `Location` and ' +
      '`Retry-After`; 200 when a stored result was reused or with the estimate for dry_run. With ' +
      '`?wait=<seconds>` (at most 60): 200 with the finished task when it ends in time.',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Same key + same body → the same task; the same key with another body → 422',
  })
  @ApiResponse({
    status: 202,
    type: TaskCreatedDto,
    description: 'Task stored and queued',
    headers: PENDING_HEADERS,
  })
  @ApiResponse({
    status: 200,
    description:
      'A stored result reused; with `?wait=`, the finished task; or the dry-run estimate',
    schema: {
      anyOf: [
        { $ref: '#/components/schemas/TaskCreatedDto' },
        { $ref: '#/components/schemas/TaskDetailDto' },
        { $ref: '#/components/schemas/DryRunDto' },
      ],
    },
  })
  @ApiProblem(400, 'Invalid input; `errors` names each field')
  @ApiProblem(422, 'Idempotency-Key reused with a different body')
  async generate(
    @Body() body: GenerateLeadsDto,
    @Query() q: WaitQueryDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @TraceId() traceId: string,
    @Caller() caller: Principal,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TaskCreatedDto | TaskDetailDto | DryRunDto> {
    const { dry_run, ...payload } = body;
    const clean = Object.fromEntries(Object.entries(payload).filter(([, v]) => v !== undefined));
    const out = await this.tasks.submit(LEAD_TASK, clean, {
      dryRun: dry_run === true,
      idempotencyKey,
      waitSeconds: q.wait,
      traceId,
      caller,
    });
    const answer = toNativeSubmitted(LEAD_TASK, out);
    res.status(answer.status).set(answer.headers);
    return answer.body;
  }

  @Get()
  @ApiOperation({
    operationId: 'listLeads',
    summary:
      'Stored leads with their newest evaluation, by account, score and persona (cursor paging)',
  })
  @ApiOkResponse({ type: LeadListDto })
  @ApiProblem(400, 'Invalid filter or cursor')
  list(@Query() q: ListLeadsQueryDto, @Caller() caller: Principal): Promise<LeadListDto> {
    return this.leads.list(q, caller);
  }

  @Get(':id')
  @ApiOperation({
    operationId: 'getLead',
    summary: 'One lead: the person with provenance and its evaluations',
  })
  @ApiParam({ name: 'id', description: "The lead's id (assay_lead_id in results)" })
  @ApiOkResponse({ type: LeadDetailDto })
  @ApiProblem(404, 'No such lead')
  get(@Param('id') id: string, @Caller() caller: Principal): Promise<LeadDetailDto> {
    return this.leads.get(id, caller);
  }
}
