import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  registerDecorator,
  ValidateIf,
  ValidationArguments,
} from 'class-validator';
import { normaliseDomain } from '../../accounts/extraction';

/** The task type that finds emails (seed part C). */
export const EMAIL_TASK = 'email_finding';

/** The registrable domain a find works at, or null when `value` names none. */
export function emailDomain(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > 255) return null;
  try {
    return normaliseDomain(value);
  } catch {
    return null;
  }
}

/** `domain` names a registrable domain (acme.com; a URL of it is accepted). */
function IsEmailDomain(): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isEmailDomain',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value: unknown) => emailDomain(value) !== null,
        defaultMessage: () => 'domain must be a registrable domain such as acme.com',
      },
    });
}

type Form = Partial<
  Record<'domain' | 'first_name' | 'last_name' | 'full_name' | 'lead_id', unknown>
>;
const given = (v: unknown) => v !== undefined && v !== null;

/** The property may only be given without the `others` (one input form per request). */
function Without(others: Array<keyof Form>, what: string): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'without',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value: unknown, args?: ValidationArguments) =>
          !given(value) || !others.some((o) => given((args?.object as Form)[o])),
        defaultMessage: (args?: ValidationArguments) =>
          `${args?.property} cannot be combined with ${what}`,
      },
    });
}

/** A name part; `pair`: first_name and last_name go together (each required with the other). */
const NAME = (pair?: keyof Form) => (target: object, key: string) => {
  if (pair) {
    ValidateIf((o: Form) => given(o.first_name) || given(o.last_name))(target, key);
    IsString({ message: `${key} is required with ${pair} (a string)` })(target, key);
  } else {
    IsOptional()(target, key);
    IsString()(target, key);
  }
  MinLength(1)(target, key);
  MaxLength(200)(target, key);
};

/**
 * Input of `email_finding` and of `POST /api/v1/emails/find`: exactly one of `{domain}` (the
 * decision-makers' addresses at a domain), `{domain, first_name, last_name}` or
 * `{domain, full_name}` (one person), `{lead_id}` (a stored lead), plus options.
 */
export class EmailFindingInput {
  @ApiPropertyOptional({
    description: 'The company domain (required unless lead_id)',
    example: 'acme.com',
  })
  @ValidateIf((o: Form) => !given(o.lead_id) || given(o.domain))
  @IsString({ message: 'domain is required (or lead_id)' })
  @IsEmailDomain()
  @Without(['lead_id'], 'lead_id')
  domain?: string;

  @ApiPropertyOptional({ example: 'Olivia' })
  @NAME('last_name')
  @Without(['full_name', 'lead_id'], 'full_name or lead_id')
  first_name?: string;

  @ApiPropertyOptional({ example: 'Martin' })
  @NAME('first_name')
  @Without(['full_name', 'lead_id'], 'full_name or lead_id')
  last_name?: string;

  @ApiPropertyOptional({
    description: 'The person\'s name, "First Last"',
    example: 'Olivia Martin',
  })
  @NAME()
  @Matches(/\S\s+\S/, { message: 'full_name must hold a first and a last name' })
  @Without(['lead_id'], 'lead_id')
  full_name?: string;

  @ApiPropertyOptional({ description: 'A stored lead (its name and account domain are used)' })
  @IsOptional()
  @IsUUID('all', { message: 'lead_id must be the id of a stored lead (a UUID)' })
  lead_id?: string;

  @ApiPropertyOptional({
    description: 'Useful addresses wanted (default EMAILS_MAX_EMAILS, 3)',
    minimum: 1,
    maximum: 100,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  max_emails?: number;

  @ApiPropertyOptional({
    description: 'Least verification score kept (default EMAILS_MIN_SCORE, 65)',
    minimum: 0,
    maximum: 100,
  })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(100)
  min_score?: number;
}
