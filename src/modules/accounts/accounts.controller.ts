import { Body, Controller, Get, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AuthGuard } from '../../common/auth/auth.guard';
import { Caller, Principal } from '../../common/auth/principal';
import { ApiAuthenticated, ApiProblem } from '../../common/http/api-docs.decorators';
import { WaitQueryDto } from '../tasks/dto/task-requests.dto';
import { DryRunDto, TaskCreatedDto, TaskDetailDto } from '../tasks/dto/task-views.dto';
import {
  ApiNativeCreate,
  CreateRequest,
  CreateRequestOf,
  submitNative,
} from '../tasks/native-create';
import { TasksService } from '../tasks/tasks.service';
import { AccountsService } from './accounts.service';
import {
  EnrichAccountDto,
  HistoryQueryDto,
  ListAccountsQueryDto,
} from './dto/account-requests.dto';
import { AccountDto, AccountHistoryDto, AccountListDto } from './dto/account-views.dto';

export const ACCOUNT_TASK = 'account_enhancement';

@ApiTags('accounts')
@ApiAuthenticated()
@UseGuards(AuthGuard)
@Controller('api/v1/accounts')
export class AccountsController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly tasks: TasksService,
  ) {}

  @Post('enrich')
  @ApiOperation({
    operationId: 'enrichAccount',
    summary: 'Enhance one account (an account_enhancement task)',
    description:
      'Reads the website (keyless) and asks every configured vendor and LLM; the result is stored by ' +
      'domain with a new snapshot. 202 with the job id, `Location` (the task) and `Retry-After`; 200 when a ' +
      'stored result was reused (no refresh) or with the estimate for dry_run. With `?wait=<seconds>` (at most ' +
      '60): 200 with the finished task (as GET /api/v1/tasks/{job_id}) when it ends in time, else the usual 202.',
  })
  @ApiNativeCreate()
  enrich(
    @Body() body: EnrichAccountDto,
    @Query() q: WaitQueryDto,
    @CreateRequest() req: CreateRequestOf,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TaskCreatedDto | TaskDetailDto | DryRunDto> {
    return submitNative(this.tasks, ACCOUNT_TASK, body, { ...req, wait: q.wait }, res);
  }

  @Get()
  @ApiOperation({
    operationId: 'findAccounts',
    summary: 'Find accounts by domain (normalised) or by your account_id',
  })
  @ApiOkResponse({ type: AccountListDto })
  @ApiProblem(400, 'Neither domain nor account_id, or a domain that names no website')
  list(@Query() q: ListAccountsQueryDto, @Caller() caller: Principal): Promise<AccountListDto> {
    return this.accounts.list(q, caller);
  }

  @Get(':id')
  @ApiOperation({
    operationId: 'getAccount',
    summary: 'One account: current profile with provenance and processed_data',
  })
  @ApiParam({
    name: 'id',
    description: 'Our id, your account_id, or a domain',
    example: 'acme.com',
  })
  @ApiOkResponse({ type: AccountDto })
  @ApiProblem(404, 'No such account')
  get(@Param('id') id: string, @Caller() caller: Principal): Promise<AccountDto> {
    return this.accounts.get(id, caller);
  }

  @Get(':id/history')
  @ApiOperation({
    operationId: 'getAccountHistory',
    summary: "An account's snapshots, newest first, each with the fields that changed",
  })
  @ApiParam({ name: 'id', description: 'Our id, your account_id, or a domain' })
  @ApiOkResponse({ type: AccountHistoryDto })
  @ApiProblem(404, 'No such account')
  history(
    @Param('id') id: string,
    @Query() q: HistoryQueryDto,
    @Caller() caller: Principal,
  ): Promise<AccountHistoryDto> {
    return this.accounts.history(id, caller, q.limit ?? 20);
  }
}
