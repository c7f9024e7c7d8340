import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { TypedTaskOptionsDto } from '../../tasks/dto/typed-task-options.dto';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import {
  IsAccountWebsite,
  IsLinkedInCompanyUrl,
  URL_MAX_LENGTH,
} from './account-enhancement.input';

/** `POST /api/v1/accounts/enrich`: one account, typed. */
export class EnrichAccountDto extends TypedTaskOptionsDto {
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
