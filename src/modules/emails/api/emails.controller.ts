import { Body, Controller, Get, HttpCode, Post, Query, Res, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
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
import {
  EmailFeedbackDto,
  FindEmailsDto,
  ListEmailsQueryDto,
  VerifyEmailsDto,
} from '../dto/email-requests.dto';
import { EmailFeedbackResultDto, EmailListDto } from '../dto/email-views.dto';
import { EMAIL_TASK } from '../finding/email-finding.task';
import { VERIFY_TASK } from '../verification/email-verification.task';
import { EmailsService } from './emails.service';

@ApiTags('emails')
@ApiAuthenticated()
@UseGuards(AuthGuard)
@Controller('api/v1/emails')
export class EmailsController {
  constructor(
    private readonly emails: EmailsService,
    private readonly tasks: TasksService,
  ) {}

  @Post('find')
  @ApiOperation({
    operationId: 'findEmails',
    summary:
      "Find and verify work addresses of a person, a stored lead or a domain's decision-makers",
    description:
      'An email_finding task: Hunter (when configured) and name permutations ordered by the domain pattern, ' +
      'verified by the built-in SMTP verifier (then Hunter), kept by score (docs/emails.md). 202 with the job ' +
      'id, `Location` and `Retry-After`; 200 when a stored result was reused or with the estimate for ' +
      'dry_run. With `?wait=<seconds>` (at most 60): 200 with the finished task when it ends in time.',
  })
  @ApiNativeCreate()
  find(
    @Body() body: FindEmailsDto,
    @Query() q: WaitQueryDto,
    @CreateRequest() req: CreateRequestOf,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TaskCreatedDto | TaskDetailDto | DryRunDto> {
    return submitNative(this.tasks, EMAIL_TASK, body, { ...req, wait: q.wait }, res);
  }

  @Post('verify')
  @ApiOperation({
    operationId: 'verifyEmails',
    summary: 'Verify addresses with the email.verify waterfall (an email_verification task)',
    description:
      'Each address goes to the built-in SMTP verifier (keyless) first, the ones it cannot settle to the next ' +
      'verifier (Hunter when configured). 202 with the job id, `Location` and `Retry-After`; 200 with the ' +
      'estimate for dry_run. With `?wait=<seconds>` (at most 60): 200 with the finished task when it ends in time.',
  })
  @ApiNativeCreate()
  verify(
    @Body() body: VerifyEmailsDto,
    @Query() q: WaitQueryDto,
    @CreateRequest() req: CreateRequestOf,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TaskCreatedDto | TaskDetailDto | DryRunDto> {
    return submitNative(this.tasks, VERIFY_TASK, body, { ...req, wait: q.wait }, res);
  }

  @Post('feedback')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'emailFeedback',
    summary: 'Report a bounce or a delivery of a stored address',
    description:
      'A bounce makes the address inactive and lowers the confidence of the domain pattern it was made with; a delivery confirms it. Later finds at the domain try the most confident pattern first.',
  })
  @ApiOkResponse({ type: EmailFeedbackResultDto })
  @ApiProblem(400, 'Invalid input; `errors` names each field')
  @ApiProblem(404, 'No stored address matches')
  feedback(
    @Body() body: EmailFeedbackDto,
    @Caller() caller: Principal,
  ): Promise<EmailFeedbackResultDto> {
    return this.emails.feedback(body, caller);
  }

  @Get()
  @ApiOperation({
    operationId: 'listEmails',
    summary: 'Stored addresses by domain, lead and status (cursor paging)',
  })
  @ApiOkResponse({ type: EmailListDto })
  @ApiProblem(400, 'Invalid filter or cursor')
  list(@Query() q: ListEmailsQueryDto, @Caller() caller: Principal): Promise<EmailListDto> {
    return this.emails.list(q, caller);
  }
}
