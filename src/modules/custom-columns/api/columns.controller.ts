import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
  Res,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBody,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
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
  DefineColumnDto,
  ListColumnsQueryDto,
  ListValuesQueryDto,
  RunColumnDto,
} from '../dto/column-requests.dto';
import { ColumnDefinitionDto, ColumnListDto, ColumnValueListDto } from '../dto/column-views.dto';
import { COLUMN_TASK } from '../run/custom-column.task';
import { ColumnsService, toDefinitionDto } from './columns.service';

const COLUMN_PARAM = ApiParam({ name: 'column_id', description: "The column's id" });

@ApiTags('columns')
@ApiAuthenticated()
@UseGuards(AuthGuard)
@Controller('api/v1/columns')
export class ColumnsController {
  constructor(
    private readonly columns: ColumnsService,
    private readonly tasks: TasksService,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    operationId: 'defineColumn',
    summary: 'Define (or redefine) an AI column: question, response type, AI settings',
    description:
      'The question may cite other columns of the same entity as `{{column:<id>}}`; they must be defined, ' +
      'and a definition that would close a cycle is refused (400). An unknown `ai_config.model` is a 400 ' +
      'listing the available ones.',
  })
  @ApiCreatedResponse({ type: ColumnDefinitionDto })
  @ApiProblem(400, 'Invalid definition; `errors` names each field')
  define(@Body() body: DefineColumnDto, @Caller() caller: Principal): Promise<ColumnDefinitionDto> {
    return this.columns.define(body, caller);
  }

  @Get()
  @ApiOperation({
    operationId: 'listColumns',
    summary: 'Stored column definitions (cursor paging)',
  })
  @ApiOkResponse({ type: ColumnListDto })
  @ApiProblem(400, 'Invalid cursor or limit')
  list(@Query() q: ListColumnsQueryDto, @Caller() caller: Principal): Promise<ColumnListDto> {
    return this.columns.list(q, caller);
  }

  @Get(':column_id')
  @ApiOperation({ operationId: 'getColumn', summary: 'One column definition' })
  @COLUMN_PARAM
  @ApiOkResponse({ type: ColumnDefinitionDto })
  @ApiProblem(404, 'No such column')
  async get(
    @Param('column_id') columnId: string,
    @Query() q: ListColumnsQueryDto,
    @Caller() caller: Principal,
  ): Promise<ColumnDefinitionDto> {
    return toDefinitionDto(await this.columns.definition(columnId, caller, q.tenant_id));
  }

  @Get(':column_id/values')
  @ApiOperation({
    operationId: 'listColumnValues',
    summary: "A column's stored values, one per entity, with provenance (cursor paging)",
  })
  @COLUMN_PARAM
  @ApiOkResponse({ type: ColumnValueListDto })
  @ApiProblem(404, 'No such column')
  values(
    @Param('column_id') columnId: string,
    @Query() q: ListValuesQueryDto,
    @Caller() caller: Principal,
  ): Promise<ColumnValueListDto> {
    return this.columns.values(columnId, q, caller);
  }

  @Post(':column_id/run')
  @ApiOperation({
    operationId: 'runColumn',
    summary: 'Compute a stored column over entities (a custom_column task)',
    description:
      'Each entity: the columns its question cites first (stored values, or computed), then a stored value ' +
      'of the same definition, entity context and model (unless `refresh`), else the LLM. 202 with the job ' +
      'id; with `?wait=<seconds>` (at most 60), 200 with the finished task when it ends in time.',
  })
  @COLUMN_PARAM
  @ApiBody({ type: RunColumnDto })
  @ApiNativeCreate()
  @ApiProblem(404, 'No such column')
  async run(
    @Param('column_id') columnId: string,
    @Body() body: Record<string, unknown>,
    @Query() q: WaitQueryDto,
    @CreateRequest() req: CreateRequestOf,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TaskCreatedDto | TaskDetailDto | DryRunDto> {
    const { payload, dryRun } = await this.columns.runPayload(columnId, body, req.caller);
    return submitNative(
      this.tasks,
      COLUMN_TASK,
      { ...payload, dry_run: dryRun },
      { ...req, wait: q.wait },
      res,
    );
  }
}
