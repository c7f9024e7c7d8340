import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  Put,
  Query,
  Res,
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
import type { Response } from 'express';
import { AuthGuard } from '../../../common/auth/auth.guard';
import { Caller, Principal } from '../../../common/auth/principal';
import { ApiAuthenticated, ApiProblem } from '../../../common/http/api-docs.decorators';
import { TraceId } from '../../../common/logging/trace';
import {
  InteractionDto,
  InteractionErasedDto,
  InteractionListDto,
  InteractionSubmittedDto,
  ListInteractionsQueryDto,
  SearchInteractionsQueryDto,
  SearchResultDto,
  SubmitInteractionDto,
  UserProfileDto,
  UserProfileViewDto,
} from '../dto/interaction.dto';
import type { UploadedAudio } from './audio-upload';
import { detailView, submittedView } from './interaction-views';
import { InteractionsService } from './interactions.service';

/** Recorded conversations, the native way (docs/interactions.md). */
@ApiTags('interactions')
@ApiAuthenticated()
@UseGuards(AuthGuard)
@Controller('api/v1/interactions')
export class InteractionsController {
  constructor(private readonly interactions: InteractionsService) {}

  @Post()
  @HttpCode(202)
  @UseInterceptors(FileInterceptor('file'))
  @ApiOperation({
    operationId: 'submitInteraction',
    summary:
      'Upload a recorded conversation: transcribed, scrubbed, its people looked up, synthesised',
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
    @Res({ passthrough: true }) res: Response,
  ): Promise<InteractionSubmittedDto> {
    const row = await this.interactions.submit(file, fields, caller, traceId);
    res.setHeader('Location', `/api/v1/interactions/${row.id}`);
    return submittedView(row, `/api/v1/interactions/${row.id}`);
  }

  @Get()
  @ApiOperation({
    operationId: 'listInteractions',
    summary: "A user's conversations, newest first (cursor paging)",
  })
  @ApiOkResponse({ type: InteractionListDto })
  @ApiProblem(400, 'Invalid user_id, limit or cursor')
  async list(
    @Query() q: ListInteractionsQueryDto,
    @Caller() caller: Principal,
  ): Promise<InteractionListDto> {
    const page = await this.interactions.list(q, caller);
    return { items: page.items.map(detailView), next_cursor: page.next_cursor };
  }

  @Get('search')
  @ApiOperation({
    operationId: 'searchInteractions',
    summary: "Find a user's past conversations by meaning",
  })
  @ApiOkResponse({ type: SearchResultDto })
  @ApiProblem(400, 'Invalid query, or no embedding provider configured')
  search(
    @Query() q: SearchInteractionsQueryDto,
    @Caller() caller: Principal,
  ): Promise<SearchResultDto> {
    return this.interactions.search(q, caller);
  }

  @Put('users/:user_id/profile')
  @ApiOperation({
    operationId: 'putInteractionUserProfile',
    summary: "The user's interests and persona (synthesis compares the people met with them)",
  })
  @ApiOkResponse({ type: UserProfileViewDto })
  @ApiProblem(400, 'Invalid profile')
  putProfile(
    @Param('user_id') userId: string,
    @Body() body: UserProfileDto,
    @Caller() caller: Principal,
  ): Promise<UserProfileViewDto> {
    return this.interactions.putProfile(userId, { ...body }, caller);
  }

  @Get('users/:user_id/profile')
  @ApiOperation({ operationId: 'getInteractionUserProfile', summary: "The user's stored profile" })
  @ApiOkResponse({ type: UserProfileViewDto })
  @ApiProblem(404, 'No profile stored for this user')
  getProfile(
    @Param('user_id') userId: string,
    @Caller() caller: Principal,
  ): Promise<UserProfileViewDto> {
    return this.interactions.getProfile(userId, caller);
  }

  @Get(':id')
  @ApiOperation({
    operationId: 'getInteraction',
    summary: 'A conversation with every stage’s output',
  })
  @ApiOkResponse({ type: InteractionDto })
  @ApiProblem(404, 'No such interaction')
  async get(@Param('id') id: string, @Caller() caller: Principal): Promise<InteractionDto> {
    return detailView(await this.interactions.get(id, caller));
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({ operationId: 'cancelInteraction', summary: 'Cancel at the next stage boundary' })
  @ApiOkResponse({ type: InteractionDto })
  @ApiProblem(404, 'No such interaction')
  @ApiProblem(409, 'It has already ended (SUCCESS or ERROR)')
  async cancel(@Param('id') id: string, @Caller() caller: Principal): Promise<InteractionDto> {
    return detailView(await this.interactions.cancel(id, caller));
  }

  @Delete(':id')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'deleteInteraction',
    summary: 'Erase a conversation: its audio, transcript, people, synthesis, chunks and tasks',
  })
  @ApiOkResponse({ type: InteractionErasedDto })
  @ApiProblem(404, 'No such interaction')
  erase(@Param('id') id: string, @Caller() caller: Principal): Promise<InteractionErasedDto> {
    return this.interactions.erase(id, caller);
  }
}
