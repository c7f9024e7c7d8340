import { BadRequestException, ValidationPipe } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate, ValidationError } from 'class-validator';

export interface FieldError {
  field: string;
  message: string;
}

/** Flattens class-validator errors into `{ field: "a.b[0].c", message }` pairs. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const e of errors) {
    const field = /^\d+$/.test(e.property)
      ? `${parent}[${e.property}]`
      : parent
        ? `${parent}.${e.property}`
        : e.property;
    for (const message of Object.values(e.constraints ?? {})) out.push({ field, message });
    if (e.children?.length) out.push(...flattenValidationErrors(e.children, field));
  }
  return out;
}

export class InvalidFieldsException extends BadRequestException {
  constructor(
    readonly errors: FieldError[],
    detail?: string,
  ) {
    super({ detail: detail ?? errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors });
  }
}

export const validationPipe = new ValidationPipe({
  transform: true,
  whitelist: true,
  forbidUnknownValues: false,
  exceptionFactory: (errors) => new InvalidFieldsException(flattenValidationErrors(errors)),
});

/** Validates a JSON payload against a DTO class; returns the field errors (empty when valid). */
export async function validatePayload(
  cls: new () => object,
  payload: unknown,
  prefix = '',
): Promise<FieldError[]> {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    return [{ field: prefix || 'body', message: 'must be a JSON object' }];
  }
  const instance = plainToInstance(cls, payload);
  const errors = await validate(instance, { forbidUnknownValues: false });
  return flattenValidationErrors(errors, prefix);
}
