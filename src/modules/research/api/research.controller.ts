import { Body, Controller, Get, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
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
import { LinkedInResearchDto } from '../dto/research-requests.dto';
import { LeadResearchDto } from '../dto/research-views.dto';
import { RESEARCH_TASK } from '../linkedin-research.task';
import { ResearchService } from './research.service';

@ApiTags('research')
@ApiAuthenticated()
@UseGuards(AuthGuard)
@Controller('api/v1/research')
export class ResearchController {
  constructor(
    private readonly research: ResearchService,
    private readonly tasks: TasksService,
  ) {}

  @Post('linkedin')
  @ApiOperation({
    operationId: 'researchLinkedIn',
    summary:
      "A lead's captured LinkedIn activity → a research report (a lead_linkedin_research task)",
    description:
      'The three captures (posts, comments, reactions HTML; null when a tab was absent) are parsed in code; ' +
      'recent dated activities are analysed by the LLM; a report with email drafts is written and stored for ' +
      'the lead. 202 with the job id; 200 when a stored result was reused (same lead, same captures) or with ' +
      'the estimate for dry_run. With `?wait=<seconds>` (at most 60): 200 with the finished task.',
  })
  @ApiNativeCreate()
  create(
    @Body() body: LinkedInResearchDto,
    @Query() q: WaitQueryDto,
    @CreateRequest() req: CreateRequestOf,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TaskCreatedDto | TaskDetailDto | DryRunDto> {
    return submitNative(this.tasks, RESEARCH_TASK, body, { ...req, wait: q.wait }, res);
  }

  @Get(':lead_id')
  @ApiOperation({
    operationId: 'getLeadResearch',
    summary: "A lead's newest research report and its report history",
  })
  @ApiParam({
    name: 'lead_id',
    description: "The caller's lead id (as sent in the research request)",
  })
  @ApiOkResponse({ type: LeadResearchDto })
  @ApiProblem(404, 'No report for this lead')
  get(@Param('lead_id') leadId: string, @Caller() caller: Principal): Promise<LeadResearchDto> {
    return this.research.ofLead(leadId, caller);
  }
}
