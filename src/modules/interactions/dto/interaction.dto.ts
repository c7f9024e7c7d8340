import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { INTERACTION_STATES } from '../storage/interaction.types';

const USER_ID = /^[\w.@:-]{1,255}$/;

/** The multipart form of an upload (documented; checked by AudioUpload after streaming). */
export class SubmitInteractionDto {
  @ApiProperty({
    type: 'string',
    format: 'binary',
    description: 'The recording (wav, mp3, ogg/opus, m4a/mp4, webm, flac)',
  })
  file!: unknown;

  @ApiProperty({ enum: ['recap', 'live'], default: 'recap' })
  mode?: string;

  @ApiProperty({
    example: 'user_42',
    description: 'Whose conversation (lists, search and the profile are per user)',
  })
  user_id!: string;
}

export class ListInteractionsQueryDto {
  @ApiProperty({ example: 'user_42' })
  @IsString()
  @Matches(USER_ID, { message: 'user_id must be 1-255 letters, digits or . _ @ : -' })
  user_id!: string;

  @ApiPropertyOptional({ description: 'next_cursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

export class SearchInteractionsQueryDto {
  @ApiProperty({
    description: 'What to look for, in your words',
    example: 'the robotics startup that needs GPUs',
  })
  @IsString()
  @MaxLength(1000)
  q!: string;

  @ApiProperty({ example: 'user_42' })
  @IsString()
  @Matches(USER_ID, { message: 'user_id must be 1-255 letters, digits or . _ @ : -' })
  user_id!: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 50, default: 10 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(50)
  limit?: number;
}

/** `PUT /api/v1/interactions/users/{user_id}/profile`: what synthesis compares the people with. */
export class UserProfileDto {
  @ApiPropertyOptional({ type: [String], example: ['GPU infrastructure', 'robotics'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  interests?: string[];

  @ApiPropertyOptional({ example: 'Founder selling MLOps tooling to robotics teams' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  persona?: string;

  @ApiPropertyOptional({ example: 'Acme AI' })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  company?: string;

  @ApiPropertyOptional({ example: 'CEO' })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  role?: string;

  @ApiPropertyOptional({ type: [String], example: ['find design partners'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(500, { each: true })
  goals?: string[];
}

/** The seed's answer to a submit (202). */
export class InteractionSubmittedDto {
  @ApiProperty() job_id!: string;
  @ApiProperty({ type: String, nullable: true, description: 'The current stage task' }) task_id!:
    string | null;
  @ApiProperty({ enum: INTERACTION_STATES }) state!: string;
  @ApiProperty() status_url!: string;
}

/** The seed's status: `{job_id, task_id, state, progress, result?, error?}`. */
export class InteractionStatusDto {
  @ApiProperty() job_id!: string;
  @ApiProperty({ type: String, nullable: true }) task_id!: string | null;
  @ApiProperty({ enum: INTERACTION_STATES }) state!: string;
  @ApiProperty({ description: 'What is happening now, in words' }) progress!: string;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'On SUCCESS: transcript, people, synthesis, metrics',
  })
  result?: Record<string, unknown>;
  @ApiPropertyOptional({ description: 'On ERROR: what went wrong' }) error?: string;
}

export class InteractionCancelledDto {
  @ApiProperty() job_id!: string;
  @ApiProperty({ enum: ['CANCELLED'] }) state!: string;
}

/** A conversation with every stage's output (the native detail). */
export class InteractionDto {
  @ApiProperty() id!: string;
  @ApiProperty() user_id!: string;
  @ApiProperty({ enum: ['recap', 'live'] }) mode!: string;
  @ApiProperty({ enum: INTERACTION_STATES }) state!: string;
  @ApiProperty() progress!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true }) error!: Record<
    string,
    unknown
  > | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'mime, bytes, duration_seconds, sha256, deleted_at',
  })
  audio!: Record<string, unknown>;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'transcription and enrichment task ids',
  })
  tasks!: Record<string, unknown>;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'The scrubbed transcript: numbered lines with speakers and times',
  })
  transcript!: Record<string, unknown> | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    nullable: true,
    description: 'PII removed, by type',
  })
  pii_counts!: Record<string, number> | null;
  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    nullable: true,
  })
  persons!: Array<Record<string, unknown>> | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true }) synthesis!: Record<
    string,
    unknown
  > | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) metrics!: Record<string, unknown>;
  @ApiProperty() created_at!: string;
  @ApiProperty() updated_at!: string;
  @ApiProperty({ type: String, nullable: true }) completed_at!: string | null;
}

export class InteractionListDto {
  @ApiProperty({ type: [InteractionDto] }) items!: InteractionDto[];
  @ApiProperty({ type: String, nullable: true }) next_cursor!: string | null;
}

export class SearchHitDto {
  @ApiProperty() interaction_id!: string;
  @ApiProperty() line_from!: number;
  @ApiProperty() line_to!: number;
  @ApiProperty({ description: 'The chunk of scrubbed transcript' }) text!: string;
  @ApiProperty({ description: 'Cosine similarity' }) score!: number;
  @ApiProperty() created_at!: string;
}

export class SearchResultDto {
  @ApiProperty() query!: string;
  @ApiProperty({ type: [SearchHitDto] }) results!: SearchHitDto[];
}

export class UserProfileViewDto extends UserProfileDto {
  @ApiProperty() user_id!: string;
  @ApiProperty() updated_at!: string;
}

/** What `DELETE /api/v1/interactions/{id}` erased. */
export class InteractionErasedDto {
  @ApiProperty() id!: string;
  @ApiProperty({ description: 'Whether the audio file was still stored (and is now deleted)' })
  audio_deleted!: boolean;
  @ApiProperty({ description: 'Stage tasks deleted with their cached LLM answers' })
  tasks_deleted!: number;
  @ApiProperty() erased_at!: string;
}
