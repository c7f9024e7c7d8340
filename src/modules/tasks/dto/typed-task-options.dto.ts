import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsNumber, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

/** Longest callback URL accepted. */
const CALLBACK_URL_MAX = 2048;

/**
 * The task options a typed route (`POST /api/v1/accounts/enrich`, `/leads/generate`, …) takes
 * beside its own fields; the engine reads them from the payload as on the seed route.
 */
export class TypedTaskOptionsDto {
  @ApiPropertyOptional({
    description: 'Where to send the seed-envelope callbacks',
    maxLength: CALLBACK_URL_MAX,
  })
  @IsOptional()
  @IsString()
  @MaxLength(CALLBACK_URL_MAX)
  callback_url?: string;

  @ApiPropertyOptional({ description: 'Also send a callback at each new stage' })
  @IsOptional()
  @IsBoolean()
  callback_progress?: boolean;

  @ApiPropertyOptional({
    description: 'Run again even when a stored result exists',
    default: false,
  })
  @IsOptional()
  @IsBoolean()
  refresh?: boolean;

  @ApiPropertyOptional({
    description: 'Most this task may spend on paid providers (USD)',
    example: 0.5,
  })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1_000_000)
  budget_usd?: number;

  @ApiPropertyOptional({
    description: 'Only estimate calls and cost; store nothing',
    default: false,
  })
  @IsOptional()
  @IsBoolean()
  dry_run?: boolean;
}
