import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
  Res,
  UnsupportedMediaTypeException,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { AuthGuard } from '../../../common/auth/auth.guard';
import { Caller, Principal } from '../../../common/auth/principal';
import { ApiAuthenticated, ApiProblem } from '../../../common/http/api-docs.decorators';
import { TraceId } from '../../../common/logging/trace';
import {
  CreateEmailJobDto,
  EmailJobDryRunDto,
  EmailJobDto,
  EmailJobListDto,
  EmailStatsDto,
  ListEmailJobsQueryDto,
} from '../dto/email-job.dto';
import { csvJobRequest } from './email-job-csv';
import { EmailJobsService } from './email-jobs.service';

/** Batch email jobs (docs/emails.md "Jobs") and the tenant's email figures. */
@ApiTags('emails')
@ApiAuthenticated()
@UseGuards(AuthGuard)
@Controller('api/v1/emails')
export class EmailJobsController {
  constructor(private readonly jobs: EmailJobsService) {}

  @Post('jobs')
  @ApiOperation({
    operationId: 'createEmailJob',
    summary: 'Find addresses for many leads, domains or rows: a job of email_finding tasks',
    description:
      'Exactly one of `all` (stored leads without a deliverable address), `lead_ids`, `domains`, `rows`. ' +
      'The leads are claimed: a lead another active job works on gives 409 naming that job, or is left out ' +
      "with `on_conflict: 'skip'`. 201 with the job; 200 with counts and the estimate for `dry_run`.",
  })
  @ApiExtraModels(EmailJobDto, EmailJobDryRunDto)
  @ApiCreatedResponse({ type: EmailJobDto })
  @ApiOkResponse({
    description: 'dry_run: counts and estimate',
    schema: { $ref: getSchemaPath(EmailJobDryRunDto) },
  })
  @ApiProblem(400, 'Invalid input; `errors` names each field')
  @ApiProblem(409, 'Leads are held by another active job (`job_id`)')
  async create(
    @Body() body: CreateEmailJobDto,
    @Caller() caller: Principal,
    @TraceId() traceId: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<EmailJobDto | EmailJobDryRunDto> {
    const out = await this.jobs.create(body, caller, traceId);
    if ('dry_run' in out) res.status(200);
    else res.status(201).setHeader('Location', `/api/v1/emails/jobs/${out.id}`);
    return out;
  }

  @Post('jobs/csv')
  @ApiOperation({
    operationId: 'createEmailJobFromCsv',
    summary: 'A job over an uploaded CSV (Content-Type: text/csv), one item per row',
    description:
      'Columns are recognised by name (case, spaces and dashes ignored): `lead_id`; or `domain` ' +
      '(also company_domain, website, url) with `first_name` + `last_name` or `full_name` (also name). ' +
      "The job's options are query parameters (`max_concurrent`, `batch_size`, `limit`, `skip_existing`, " +
      '`on_conflict`, `max_emails`, `min_score`, `dry_run`). A row without a domain or lead id is a 400 ' +
      'naming its line, and nothing is stored; `rows[i]` in other errors is the CSV line i + 2.',
  })
  @ApiConsumes('text/csv')
  @ApiBody({
    schema: { type: 'string', example: 'domain,first_name,last_name\nacme.com,Dana,Reyes\n' },
  })
  @ApiQuery({ name: 'max_concurrent', required: false, type: Number })
  @ApiQuery({ name: 'batch_size', required: false, type: Number })
  @ApiQuery({ name: 'limit', required: false, type: Number })
  @ApiQuery({ name: 'skip_existing', required: false, type: Boolean })
  @ApiQuery({ name: 'on_conflict', required: false, enum: ['fail', 'skip'] })
  @ApiQuery({ name: 'max_emails', required: false, type: Number })
  @ApiQuery({ name: 'min_score', required: false, type: Number })
  @ApiQuery({ name: 'dry_run', required: false, type: Boolean })
  @ApiCreatedResponse({ type: EmailJobDto })
  @ApiOkResponse({
    description: 'dry_run: counts and estimate',
    schema: { $ref: getSchemaPath(EmailJobDryRunDto) },
  })
  @ApiProblem(400, 'Not a usable CSV, a row without a domain or lead id, or an invalid option')
  @ApiProblem(409, 'Leads are held by another active job (`job_id`)')
  @ApiProblem(415, 'The body is not text/csv')
  async createFromCsv(
    @Body() body: unknown,
    @Query() query: Record<string, unknown>,
    @Caller() caller: Principal,
    @TraceId() traceId: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<EmailJobDto | EmailJobDryRunDto> {
    if (typeof body !== 'string')
      throw new UnsupportedMediaTypeException({
        detail: 'send the CSV as the request body with Content-Type: text/csv',
      });
    const job = await csvJobRequest(body, query);
    return this.create(job, caller, traceId, res);
  }

  @Get('jobs')
  @ApiOperation({ operationId: 'listEmailJobs', summary: 'Email jobs (cursor paging)' })
  @ApiOkResponse({ type: EmailJobListDto })
  @ApiProblem(400, 'Invalid filter or cursor')
  list(@Query() q: ListEmailJobsQueryDto, @Caller() caller: Principal): Promise<EmailJobListDto> {
    return this.jobs.list(q, caller);
  }

  @Get('jobs/:id')
  @ApiOperation({ operationId: 'getEmailJob', summary: 'An email job: state, progress, outcome' })
  @ApiOkResponse({ type: EmailJobDto })
  @ApiProblem(404, 'No such job')
  get(@Param('id') id: string, @Caller() caller: Principal): Promise<EmailJobDto> {
    return this.jobs.get(id, caller);
  }

  @Post('jobs/:id/cancel')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'cancelEmailJob',
    summary: 'Cancel a pending, running or paused job (its tasks are cancelled)',
  })
  @ApiOkResponse({ type: EmailJobDto })
  @ApiProblem(404, 'No such job')
  @ApiProblem(409, 'The job has ended')
  cancel(@Param('id') id: string, @Caller() caller: Principal): Promise<EmailJobDto> {
    return this.jobs.cancel(id, caller);
  }

  @Post('jobs/:id/pause')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'pauseEmailJob',
    summary: 'Pause a running job: its queued tasks are cancelled, running ones finish',
  })
  @ApiOkResponse({ type: EmailJobDto })
  @ApiProblem(404, 'No such job')
  @ApiProblem(409, 'The job is not running')
  pause(@Param('id') id: string, @Caller() caller: Principal): Promise<EmailJobDto> {
    return this.jobs.pause(id, caller);
  }

  @Post('jobs/:id/resume')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'resumeEmailJob',
    summary: 'Resume a paused job: what the pause cancelled runs again',
  })
  @ApiOkResponse({ type: EmailJobDto })
  @ApiProblem(404, 'No such job')
  @ApiProblem(409, 'The job is not paused')
  resume(
    @Param('id') id: string,
    @Caller() caller: Principal,
    @TraceId() traceId: string,
  ): Promise<EmailJobDto> {
    return this.jobs.resume(id, caller, traceId);
  }

  @Get('stats')
  @ApiOperation({
    operationId: 'emailStats',
    summary: 'Jobs by state, stored addresses by status, domains',
  })
  @ApiOkResponse({ type: EmailStatsDto })
  stats(@Caller() caller: Principal): Promise<EmailStatsDto> {
    return this.jobs.stats(caller);
  }
}
