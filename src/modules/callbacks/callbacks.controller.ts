import { Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { AuthGuard } from '../../common/auth/auth.guard';
import { Caller, Principal } from '../../common/auth/principal';
import { ApiAuthenticated, ApiProblem } from '../../common/http/api-docs.decorators';
import { cursorParam, toPage } from '../../common/http/paging';
import { InvalidFieldsException } from '../../common/http/validation';
import {
  decodeSeqCursor,
  encodeSeqCursor,
  toDeliveryDetailDto,
  toDeliveryDto,
} from './callback-delivery.mapper';
import { CallbacksService } from './callbacks.service';
import { CallbackEnvelopeDto } from './dto/callback-envelope.dto';
import {
  CallbackDeliveryDetailDto,
  CallbackDeliveryDto,
  CallbackPageDto,
  ListCallbacksQueryDto,
  RedeliverQueryDto,
} from './dto/callback-deliveries.dto';

@ApiTags('callbacks')
@ApiExtraModels(CallbackEnvelopeDto)
@ApiAuthenticated()
@UseGuards(AuthGuard)
@Controller('api/v1/callbacks')
export class CallbacksController {
  constructor(private readonly callbacks: CallbacksService) {}

  @Get()
  @ApiOperation({
    operationId: 'listCallbackDeliveries',
    summary: 'List callback deliveries, newest first',
    description: 'Filter by task (task_id or job_id), status and event; cursor paging.',
  })
  @ApiOkResponse({ type: CallbackPageDto })
  @ApiProblem(400, 'Invalid query parameter')
  async list(
    @Query() q: ListCallbacksQueryDto,
    @Caller() caller: Principal,
  ): Promise<CallbackPageDto> {
    if (q.task_id && q.job_id && q.task_id !== q.job_id) {
      throw new InvalidFieldsException([
        { field: 'job_id', message: 'job_id and task_id name the same thing; give one' },
      ]);
    }
    const limit = q.limit ?? 50;
    const rows = await this.callbacks.list({
      taskId: q.task_id ?? q.job_id,
      status: q.status,
      event: q.event,
      beforeSeq: cursorParam(q.cursor, decodeSeqCursor),
      limit: limit + 1,
      tenant: caller.tenant ?? undefined,
    });
    return toPage(rows, limit, toDeliveryDto, (d) => encodeSeqCursor(d.seq));
  }

  @Get(':id')
  @ApiOperation({
    operationId: 'getCallbackDelivery',
    summary: 'One delivery, with the exact body it sends',
  })
  @ApiParam({ name: 'id', description: 'The webhook-id (msg_…)' })
  @ApiOkResponse({ type: CallbackDeliveryDetailDto })
  @ApiProblem(404, 'No such delivery')
  async get(
    @Param('id') id: string,
    @Caller() caller: Principal,
  ): Promise<CallbackDeliveryDetailDto> {
    return toDeliveryDetailDto(await this.callbacks.get(id, caller));
  }

  @Post(':id/redeliver')
  @HttpCode(202)
  @ApiOperation({
    operationId: 'redeliverCallback',
    summary: 'Send a delivery again',
    description:
      'A failed, dead, delivered or disabled delivery is sent again now with the same webhook-id and body ' +
      '(fresh timestamp and signature) and a new round of the retry schedule.',
  })
  @ApiParam({ name: 'id', description: 'The webhook-id (msg_…)' })
  @ApiResponse({ status: 202, type: CallbackDeliveryDto, description: 'Queued' })
  @ApiProblem(404, 'No such delivery')
  @ApiProblem(
    409,
    'The delivery is pending already, or its URL is disabled (410 Gone) and force was not given',
  )
  async redeliver(
    @Param('id') id: string,
    @Query() q: RedeliverQueryDto,
    @Caller() caller: Principal,
  ): Promise<CallbackDeliveryDto> {
    return toDeliveryDto(await this.callbacks.redeliver(id, caller, q.force ?? false));
  }
}
