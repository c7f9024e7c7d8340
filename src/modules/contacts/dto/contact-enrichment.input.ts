import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsObject,
  IsOptional,
  isEmail,
  IsString,
  MaxLength,
  registerDecorator,
  ValidateNested,
  ValidationArguments,
} from 'class-validator';
import { TypedTaskOptionsDto } from '../../tasks/dto/typed-task-options.dto';
import { hasIdentity, IDENTITY_RULE, validContactDomain, validProfileUrl } from '../contact-keys';

/** The most contacts one task takes. */
export const MAX_CONTACTS = 10_000;

/** A property checked by `validate` when present (undefined and null are left to `absent`). */
function Checked(
  name: string,
  validate: (value: unknown, object: object) => boolean,
  message: (args: ValidationArguments) => string,
): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value: unknown, args?: ValidationArguments) => validate(value, args!.object),
        defaultMessage: (args?: ValidationArguments) => message(args!),
      },
    });
}

const isEmailAddress = (v: unknown) => typeof v === 'string' && v.length <= 320 && isEmail(v);

/** One contact to enrich: any of these identify a person (more is better). */
export class ContactInputDto {
  @ApiPropertyOptional({
    description: `An email address. ${IDENTITY_RULE}`,
    example: 'tim@acme.com',
    maxLength: 320,
  })
  // Always checked (also when absent): the contact must identify someone.
  @Checked(
    'isContactEmail',
    (v, o) => (v === undefined || v === null ? hasIdentity(o) : isEmailAddress(v)),
    (a) =>
      a.value === undefined || a.value === null
        ? `needs an email, a linkedin_url, or a name with a company or domain`
        : 'email must be an email address',
  )
  email?: string;

  @ApiPropertyOptional({ description: 'The full name', example: 'Tim Zheng', maxLength: 300 })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  name?: string;

  @ApiPropertyOptional({ example: 'Tim', maxLength: 150 })
  @IsOptional()
  @IsString()
  @MaxLength(150)
  first_name?: string;

  @ApiPropertyOptional({ example: 'Zheng', maxLength: 150 })
  @IsOptional()
  @IsString()
  @MaxLength(150)
  last_name?: string;

  @ApiPropertyOptional({ description: "The employer's name", example: 'Acme', maxLength: 300 })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  company?: string;

  @ApiPropertyOptional({
    description: "The employer's domain or website",
    example: 'acme.com',
    maxLength: 2048,
  })
  @IsOptional()
  @Checked(
    'isContactDomain',
    (v) => validContactDomain(v),
    () => "domain must be the company's domain or website, e.g. acme.com",
  )
  domain?: string;

  @ApiPropertyOptional({
    description: 'A LinkedIn profile URL',
    example: 'https://www.linkedin.com/in/tim-zheng-677ba010',
    maxLength: 2048,
  })
  @IsOptional()
  @Checked(
    'isProfileUrl',
    (v) => validProfileUrl(v),
    () => 'linkedin_url must be a LinkedIn profile URL, e.g. https://www.linkedin.com/in/jane-doe',
  )
  linkedin_url?: string;

  @ApiPropertyOptional({
    description: 'Your id of the contact (CRM id), echoed in the result',
    example: 'crm-00042',
    maxLength: 255,
  })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  external_id?: string;
}

/**
 * Input of `contact_enrichment` (seed route `POST /api/v1/tasks/create/contact_enrichment`) and of
 * `POST /api/v1/contacts/enrich`: 1–10,000 contacts.
 */
export class ContactEnrichmentInput {
  @ApiProperty({
    type: [ContactInputDto],
    description: `The contacts (1–${MAX_CONTACTS}); the result lists them in this order`,
    minItems: 1,
    maxItems: MAX_CONTACTS,
  })
  @IsArray({ message: 'contacts must be a list of contacts' })
  @ArrayMinSize(1, { message: 'contacts must list at least one contact' })
  @ArrayMaxSize(MAX_CONTACTS, {
    message: `contacts must list at most ${MAX_CONTACTS} contacts (split the list into several tasks)`,
  })
  @IsObject({ each: true, message: 'each contact must be an object' })
  @ValidateNested({ each: true })
  @Type(() => ContactInputDto)
  contacts!: ContactInputDto[];
}

/** `POST /api/v1/contacts/enrich`: the contacts plus the typed task options. */
export class EnrichContactsDto extends IntersectionType(
  ContactEnrichmentInput,
  TypedTaskOptionsDto,
) {}
