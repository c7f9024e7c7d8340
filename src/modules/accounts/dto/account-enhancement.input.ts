import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  Min,
  registerDecorator,
  ValidateIf,
  ValidateNested,
  ValidationArguments,
} from 'class-validator';
import { websiteProblem } from '../account-key';

/** `website` must name an account (a registrable domain, or an http(s) URL of a self-hosted site). */
export function IsAccountWebsite(): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isAccountWebsite',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value: unknown) => websiteProblem(value) === null,
        defaultMessage: (args?: ValidationArguments) =>
          websiteProblem(args?.value) ?? 'website is invalid',
      },
    });
}

const LINKEDIN_COMPANY =
  /^https?:\/\/([a-z]{2,3}\.)?linkedin\.com\/(company|school|showcase)\/[^/?#\s]+/i;

export function IsLinkedInCompanyUrl(): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isLinkedInCompanyUrl',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value: unknown) => typeof value === 'string' && LINKEDIN_COMPANY.test(value),
        defaultMessage: () =>
          'linkedin_url must be a LinkedIn company page, e.g. https://www.linkedin.com/company/acme',
      },
    });
}

/** One account to enhance (an item of the seed's bulk form). */
export class AccountToEnhance {
  @ApiPropertyOptional({
    description: "Caller's id of the account (kept on the stored account)",
    example: 'acct_42',
  })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  account_id?: string;

  @ApiProperty({ description: "The company's website or domain", example: 'acme.com' })
  @IsAccountWebsite()
  website!: string;

  @ApiPropertyOptional({ description: 'Company name, when known (a hint for vendors and the LLM)' })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  name?: string;

  @ApiPropertyOptional({
    description: 'LinkedIn company page (otherwise taken from the site, when it links one)',
    example: 'https://www.linkedin.com/company/acme',
  })
  @IsOptional()
  @IsLinkedInCompanyUrl()
  linkedin_url?: string;
}

/**
 * Input of `account_enhancement`, in either of the seed's forms: `{account_id, website}` (one
 * account) or `{accounts: [{account_id, website}, …]}` (bulk; at most 100 accounts).
 */
export class AccountEnhancementInput {
  @ApiPropertyOptional({
    description: "Caller's id of the account (single form)",
    example: 'acct_42',
  })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  account_id?: string;

  @ApiPropertyOptional({
    description: "The company's website (single form; required unless `accounts` is given)",
    example: 'acme.com',
  })
  @ValidateIf((o: AccountEnhancementInput) => o.accounts === undefined || o.website !== undefined)
  @IsAccountWebsite()
  website?: string;

  @ApiPropertyOptional({ description: 'Company name (single form)' })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  name?: string;

  @ApiPropertyOptional({ description: 'LinkedIn company page (single form)' })
  @IsOptional()
  @IsLinkedInCompanyUrl()
  linkedin_url?: string;

  @ApiPropertyOptional({
    type: [AccountToEnhance],
    description: 'Bulk form: the accounts to enhance',
  })
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty({ message: 'accounts must list at least one account' })
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => AccountToEnhance)
  accounts?: AccountToEnhance[];

  @ApiPropertyOptional({
    description: 'Run again even when a stored result exists',
    default: false,
  })
  @IsOptional()
  @IsBoolean()
  refresh?: boolean;

  @ApiPropertyOptional({ description: 'Most this task may spend on paid providers (USD)' })
  @IsOptional()
  @IsNumber()
  @Min(0)
  budget_usd?: number;

  @ApiPropertyOptional({ description: 'Where to send the seed-envelope callbacks' })
  @IsOptional()
  @IsString()
  callback_url?: string;

  @ApiPropertyOptional({ description: 'Also send a callback at each new stage', default: false })
  @IsOptional()
  @IsBoolean()
  callback_progress?: boolean;

  @ApiPropertyOptional({ description: 'Echoed in callbacks (Django custom columns)' })
  @IsOptional()
  @IsObject()
  orchestration_data?: Record<string, unknown>;
}

/** The accounts of either form, as a list. */
export function accountsOf(input: AccountEnhancementInput): AccountToEnhance[] {
  if (input.accounts?.length) return input.accounts;
  return [
    {
      account_id: input.account_id,
      website: input.website!,
      name: input.name,
      linkedin_url: input.linkedin_url,
    },
  ];
}
