import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import {
  IsAccountWebsite,
  IsLinkedInCompanyUrl,
  URL_MAX_LENGTH,
} from './account-enhancement.input';

/** `POST /api/v1/accounts/enrich`: one account, typed. */
export class EnrichAccountDto {
  @ApiProperty({ description: "The company's website or domain", example: 'acme.com' })
  @IsAccountWebsite()
  website!: string;

  @ApiPropertyOptional({ description: 'Company name, when known', example: 'Acme Corp' })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  name?: string;

  @ApiPropertyOptional({ example: 'https://www.linkedin.com/company/acme' })
  @IsOptional()
  @IsLinkedInCompanyUrl()
  linkedin_url?: string;

  @ApiPropertyOptional({
    description: "Caller's id of the account (kept, unique)",
    example: 'acct_42',
  })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  account_id?: string;

  @ApiPropertyOptional({
    description: 'Where to send the seed-envelope callbacks',
    maxLength: URL_MAX_LENGTH,
  })
  @IsOptional()
  @IsString()
  @MaxLength(URL_MAX_LENGTH)
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

export class ListAccountsQueryDto {
  @ApiPropertyOptional({
    description: 'Website or domain (normalised: scheme, www, path and case removed)',
    example: 'acme.com',
  })
  @IsOptional()
  @IsString()
  @MaxLength(URL_MAX_LENGTH)
  domain?: string;

  @ApiPropertyOptional({ description: "Caller's account id" })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  account_id?: string;
}

export class HistoryQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}
