import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  Post,
  UploadedFile,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import {
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { AuthGuard } from '../../../common/auth/auth.guard';
import { Caller, Principal } from '../../../common/auth/principal';
import { ApiAuthenticated, ApiProblem } from '../../../common/http/api-docs.decorators';
import { TraceId } from '../../../common/logging/trace';
import {
  InteractionCancelledDto,
  InteractionStatusDto,
  InteractionSubmittedDto,
  SubmitInteractionDto,
} from '../dto/interaction.dto';
import type { UploadedAudio } from './audio-upload';
import { statusView, submittedView } from './interaction-views';
import { InteractionsService } from './interactions.service';

/**
 * The seed's routes (SEED-CONTRACTS part D, under /api/v2 as its clients call them): submit a
 * recording, read its state (exactly PENDING → TRANSCRIPTION → EMBEDDING → ENRICHMENT → SYNTHESIS →
 * SUCCESS | ERROR | CANCELLED, never a 500 for a state the seed's own model refused), cancel.
 */
@ApiTags('interactions')
@ApiAuthenticated()
@UseGuards(AuthGuard)
@Controller('api/v2/interactions')
export class InteractionsSeedController {
  constructor(private readonly interactions: InteractionsService) {}

  @Post('submit')
  @HttpCode(202)
  @UseInterceptors(FileInterceptor('file'))
  @ApiOperation({
    operationId: 'submitInteractionSeed',
    summary: 'Upload a recorded conversation (multipart: file, mode, user_id) — the seed route',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: SubmitInteractionDto })
  @ApiResponse({ status: 202, type: InteractionSubmittedDto })
  @ApiProblem(400, 'A missing or invalid field, a truncated file, a length outside the limits')
  @ApiProblem(413, 'The file is larger than INTERACTIONS_MAX_UPLOAD_MB')
  @ApiProblem(415, 'Not an audio file of a supported type (by its content)')
  async submit(
    @UploadedFile() file: UploadedAudio | undefined,
    @Body() fields: Record<string, unknown>,
    @Caller() caller: Principal,
    @TraceId() traceId: string,
  ): Promise<InteractionSubmittedDto> {
    const row = await this.interactions.submit(file, fields, caller, traceId);
    return submittedView(row, `/api/v2/interactions/status/${row.id}`);
  }

  @Get('status/:job_id')
  @ApiOperation({
    operationId: 'getInteractionStatusSeed',
    summary: 'State and progress of a conversation',
  })
  @ApiOkResponse({ type: InteractionStatusDto })
  @ApiProblem(404, 'No such job')
  async status(
    @Param('job_id') id: string,
    @Caller() caller: Principal,
  ): Promise<InteractionStatusDto> {
    return statusView(await this.interactions.get(id, caller));
  }

  @Post('cancel/:job_id')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'cancelInteractionSeed',
    summary: 'Cancel at the next stage boundary',
  })
  @ApiOkResponse({ type: InteractionCancelledDto })
  @ApiProblem(404, 'No such job')
  @ApiProblem(409, 'The job has already ended (SUCCESS or ERROR)')
  async cancel(
    @Param('job_id') id: string,
    @Caller() caller: Principal,
  ): Promise<InteractionCancelledDto> {
    const row = await this.interactions.cancel(id, caller);
    return { job_id: row.id, state: row.state };
  }
}
