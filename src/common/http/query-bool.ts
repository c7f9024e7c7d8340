import { Transform } from 'class-transformer';

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

/**
 * A boolean as clients write it in a query string: true/false, 1/0, yes/no, on/off in any case
 * (Python's requests sends `True` / `False`). Anything else is passed on unchanged, so that
 * `@IsBoolean()` names the parameter in a 400.
 */
export function parseBool(value: unknown): unknown {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  return value;
}

/** Property decorator: parses the query value with parseBool (pair it with @IsBoolean()). */
export const QueryBool = (): PropertyDecorator => Transform(({ value }) => parseBool(value));
