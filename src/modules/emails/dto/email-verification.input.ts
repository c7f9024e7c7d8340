import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsEmail, IsString, MaxLength } from 'class-validator';

/** Addresses to verify at most per task (`assay emails verify` sends chunks of this size). */
export const MAX_VERIFY_EMAILS = 500;

/** `email_verification`: the addresses to verify. */
export class EmailVerificationInput {
  @ApiProperty({ type: [String], example: ['dreyes@acme.com'], maxItems: MAX_VERIFY_EMAILS })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_VERIFY_EMAILS)
  @IsString({ each: true })
  @MaxLength(320, { each: true })
  @IsEmail({}, { each: true, message: 'emails must be email addresses' })
  emails!: string[];
}
