import { Body, Controller, Get, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AuthGuard } from '../../../common/auth/auth.guard';
import { Caller, Principal } from '../../../common/auth/principal';
import { ApiAuthenticated, ApiProblem } from '../../../common/http/api-docs.decorators';
import { WaitQueryDto } from '../../tasks/dto/task-requests.dto';
import { DryRunDto, TaskCreatedDto, TaskDetailDto } from '../../tasks/dto/task-views.dto';
import {
  ApiNativeCreate,
  CreateRequest,
  CreateRequestOf,
  submitNative,
} from '../../tasks/native-create';
import { TasksService } from '../../tasks/tasks.service';
import { GenerateLeadsDto, ListLeadsQueryDto } from '../dto/lead-requests.dto';
import { LeadDetailDto, LeadListDto, LeadProvenanceDto } from '../dto/lead-views.dto';
import { LEAD_TASK } from '../generation/lead-generation.task';
import { LeadsService } from './leads.service';

@ApiTags('leads')
@ApiExtraModels(LeadProvenanceDto)
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
  @ApiNativeCreate()
  generate(
    @Body() body: GenerateLeadsDto,
    @Query() q: WaitQueryDto,
    @CreateRequest() req: CreateRequestOf,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TaskCreatedDto | TaskDetailDto | DryRunDto> {
    return submitNative(this.tasks, LEAD_TASK, body, { ...req, wait: q.wait }, res);
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
