import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  registerDecorator,
  ValidateIf,
  ValidateNested,
  ValidationArguments,
} from 'class-validator';
import { IsBoundedJson } from '../../../common/http/validation';
import { TypedTaskOptionsDto } from '../../tasks/dto/typed-task-options.dto';
import { websiteProblem } from '../account-key';

/** Longest website or LinkedIn URL accepted (as callback URLs): longer is not a real site. */
export const URL_MAX_LENGTH = 2048;

const tooLong = (value: unknown) => typeof value === 'string' && value.length > URL_MAX_LENGTH;

/** `website` must name an account (a registrable domain, or an http(s) URL of a self-hosted site). */
export function IsAccountWebsite(): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isAccountWebsite',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value: unknown) => !tooLong(value) && websiteProblem(value) === null,
        defaultMessage: (args?: ValidationArguments) =>
          tooLong(args?.value)
            ? `website must be at most ${URL_MAX_LENGTH} characters`
            : (websiteProblem(args?.value) ?? 'website is invalid'),
      },
    });
}

/**
 * A `website` of the seed route: anything the seed accepted and failed per account later (null, a
 * number, a string that names no site), but bounded: a string of at most URL_MAX_LENGTH
 * characters, never an object or array.
 */
export function IsSeedWebsiteValue(): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isSeedWebsiteValue',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value: unknown) =>
          value === undefined || ((value === null || typeof value !== 'object') && !tooLong(value)),
        defaultMessage: () =>
          `website must be a string of at most ${URL_MAX_LENGTH} characters (or null)`,
      },
    });
}

/**
 * The key must be present (the seed raised on a missing `website`), whatever its value: null or a
 * non-domain is accepted and fails that account later, as the seed did.
 */
export function HasKey(): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'hasKey',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        // JSON has no undefined: a missing key is the only way to get it (null is a value).
        validate: (value: unknown) => value !== undefined,
        defaultMessage: (args?: ValidationArguments) =>
          `${args?.property ?? 'website'} is required (it may be null: that account then fails on its own)`,
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
        validate: (value: unknown) =>
          typeof value === 'string' && !tooLong(value) && LINKEDIN_COMPANY.test(value),
        defaultMessage: (args?: ValidationArguments) =>
          tooLong(args?.value)
            ? `linkedin_url must be at most ${URL_MAX_LENGTH} characters`
            : 'linkedin_url must be a LinkedIn company page, e.g. https://www.linkedin.com/company/acme',
      },
    });
}

/** Accounts one seed request may carry (the typed batch keeps 100); the job runs them all. */
export const SEED_MAX_ACCOUNTS = 5000;

/** Fields of one account besides its website. */
class AccountItemFields {
  @ApiPropertyOptional({
    description: "Caller's id of the account (kept on the stored account)",
    example: 'acct_42',
  })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  account_id?: string;

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

/** One account to enhance (an item of the bulk form). */
export class AccountToEnhance extends AccountItemFields {
  @ApiProperty({ description: "The company's website or domain", example: 'acme.com' })
  @IsAccountWebsite()
  website!: string;
}

/**
 * An item of the seed's bulk form: `website` must be there, but the seed accepted any value
 * (null, not a domain) and failed that account later; so does Assay, through its callback.
 */
export class SeedAccountToEnhance extends AccountItemFields {
  @ApiProperty({
    type: String,
    description: "The company's website; an unusable one fails this account only (INVALID_WEBSITE)",
    example: 'acme.com',
    nullable: true,
  })
  @HasKey()
  @IsSeedWebsiteValue()
  website!: string | null;
}

/** Control fields every account_enhancement payload may carry. */
class AccountEnhancementOptions extends TypedTaskOptionsDto {
  @ApiPropertyOptional({
    description: "Caller's id of the account (single form)",
    example: 'acct_42',
  })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  account_id?: string;

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
    description:
      'raw_data (what each source returned) in completed callbacks (default: CALLBACK_RAW_DATA)',
  })
  @IsOptional()
  @IsBoolean()
  callback_raw_data?: boolean;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      'Echoed in callbacks (Django custom columns); bounded as undeclared keys are (docs/operations.md, Input limits)',
  })
  @IsOptional()
  @IsObject()
  @IsBoundedJson()
  orchestration_data?: Record<string, unknown>;

  @ApiPropertyOptional({
    description: "The client's own job id: echoed in callbacks, accepted by /status",
  })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  job_id?: string;
}

/**
 * Input of `account_enhancement`, in either of the seed's forms: `{account_id, website}` (one
 * account) or `{accounts: [{account_id, website}, …]}` (bulk; at most 100 accounts here; the
 * seed route takes more, see SeedAccountEnhancementInput).
 */
export class AccountEnhancementInput extends AccountEnhancementOptions {
  @ApiPropertyOptional({
    description: "The company's website (single form; required unless `accounts` is given)",
    example: 'acme.com',
  })
  @ValidateIf((o: AccountEnhancementInput) => o.accounts === undefined || o.website !== undefined)
  @IsAccountWebsite()
  website?: string;

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
}

/**
 * The same on the seed route, which accepts what the seed accepted: a `website` that is null or
 * not a domain (that account fails, with INVALID_WEBSITE, through its own callback) and up to
 * SEED_MAX_ACCOUNTS accounts in one job.
 */
export class SeedAccountEnhancementInput extends AccountEnhancementOptions {
  @ApiPropertyOptional({
    type: String,
    description: "The company's website (single form; required unless `accounts` is given)",
    example: 'acme.com',
    nullable: true,
  })
  @ValidateIf((o: SeedAccountEnhancementInput) => o.accounts === undefined)
  @HasKey()
  @IsSeedWebsiteValue()
  website?: string | null;

  @ApiPropertyOptional({
    type: [SeedAccountToEnhance],
    description: 'Bulk form: the accounts to enhance',
  })
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty({ message: 'accounts must list at least one account' })
  @ArrayMaxSize(SEED_MAX_ACCOUNTS)
  @IsObject({ each: true, message: 'each account must be an object {account_id, website}' })
  @ValidateNested({ each: true })
  @Type(() => SeedAccountToEnhance)
  accounts?: SeedAccountToEnhance[];
}

/** One account of either form; `website` may be unusable on the seed route. */
export interface AccountItem {
  account_id?: string;
  website: string | null;
  name?: string;
  linkedin_url?: string;
}

/** The accounts of either form, as a list. */
export function accountsOf(
  input: AccountEnhancementInput | SeedAccountEnhancementInput,
): AccountItem[] {
  if (input.accounts?.length) {
    return input.accounts.map((a) => ({ ...a, website: (a.website as string | null) ?? null }));
  }
  return [
    {
      account_id: input.account_id,
      website: input.website ?? null,
      name: input.name,
      linkedin_url: input.linkedin_url,
    },
  ];
}
