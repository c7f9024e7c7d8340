import {
  ArgumentMetadata,
  BadRequestException,
  Injectable,
  PipeTransform,
  ValidationPipe,
} from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import {
  getMetadataStorage,
  registerDecorator,
  validate,
  ValidationArguments,
  ValidationError,
} from 'class-validator';
import type { NextFunction, Request, Response } from 'express';
import {
  findShapeProblems,
  joinPath,
  shapeProblems,
  ShapeLimits,
  STRUCTURE_LIMITS,
  UNKNOWN_KEY_LIMITS,
} from './json-shape';

export interface FieldError {
  field: string;
  message: string;
}

/** Most field errors one answer lists: a list of 5,000 bad items does not make 5,000 errors. */
export const MAX_FIELD_ERRORS = 100;

/** Flattens class-validator errors into `{ field: "a.b[0].c", message }` pairs (the first 100). */
export function flattenValidationErrors(
  errors: ValidationError[],
  parent = '',
  out: FieldError[] = [],
): FieldError[] {
  for (const e of errors) {
    if (out.length >= MAX_FIELD_ERRORS) break;
    const field = /^\d+$/.test(e.property)
      ? `${parent}[${e.property}]`
      : parent
        ? `${parent}.${e.property}`
        : e.property;
    for (const message of Object.values(e.constraints ?? {})) {
      if (out.length < MAX_FIELD_ERRORS) out.push({ field, message });
    }
    if (e.children?.length) flattenValidationErrors(e.children, field, out);
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

/**
 * Validates a task payload against its DTO class; returns the field errors (empty when valid).
 * The structure is checked first (nothing recursive sees a payload nested too deep), then the
 * DTO; keys the DTO does not declare are kept (seed clients send their own) but bounded by
 * UNKNOWN_KEY_LIMITS.
 */
export async function validatePayload(
  cls: new () => object,
  payload: unknown,
  prefix = '',
): Promise<FieldError[]> {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    return [{ field: prefix || 'body', message: 'must be a JSON object' }];
  }
  const structure = shapeProblems(payload, STRUCTURE_LIMITS, prefix);
  if (structure.length) return structure;
  const instance = plainToInstance(cls, payload);
  const errors = await validate(instance, { forbidUnknownValues: false });
  const unknown: Array<[string, unknown]> = [];
  collectUndeclared(payload as Record<string, unknown>, instance, prefix, unknown);
  return [
    ...flattenValidationErrors(errors, prefix),
    ...findShapeProblems(unknown, UNKNOWN_KEY_LIMITS),
  ];
}

const declaredCache = new WeakMap<object, ReadonlySet<string>>();

/** Properties a DTO class (and its parents) declares through class-validator decorators. */
function declaredKeys(cls: new () => object): ReadonlySet<string> {
  let keys = declaredCache.get(cls);
  if (!keys) {
    const metadata = getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false);
    keys = new Set(metadata.map((m) => m.propertyName));
    declaredCache.set(cls, keys);
  }
  return keys;
}

/** A nested DTO instance (class-transformer built it from a `@Type`), not a plain value. */
function isDto(v: unknown): v is object {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    v.constructor !== Object &&
    declaredKeys(v.constructor as new () => object).size > 0
  );
}

/**
 * The values of keys no DTO declares, at every level a DTO reaches (`accounts[3].junk` too), as
 * `[path, raw value]`. Declared values are bounded by their own decorators.
 */
function collectUndeclared(
  raw: Record<string, unknown>,
  instance: object,
  path: string,
  out: Array<[string, unknown]>,
): void {
  const declared = declaredKeys(instance.constructor as new () => object);
  for (const key of Object.keys(raw)) {
    const at = joinPath(path, key);
    if (!declared.has(key)) {
      out.push([at, raw[key]]);
      continue;
    }
    const rawValue = raw[key];
    const value = (instance as Record<string, unknown>)[key];
    if (isDto(value) && isPlainObject(rawValue)) {
      collectUndeclared(rawValue, value, at, out);
    } else if (Array.isArray(value) && Array.isArray(rawValue)) {
      value.forEach((item, i) => {
        if (isDto(item) && isPlainObject(rawValue[i]))
          collectUndeclared(rawValue[i], item, joinPath(at, i), out);
      });
    }
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Property decorator for a free-form JSON value a DTO keeps (e.g. `orchestration_data`, echoed in
 * callbacks): bounded by `limits` (default: as keys a DTO does not declare).
 */
export function IsBoundedJson(limits: ShapeLimits = UNKNOWN_KEY_LIMITS): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isBoundedJson',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value: unknown) => shapeProblems(value, limits).length === 0,
        defaultMessage: (args?: ValidationArguments) => {
          const [first] = shapeProblems(args?.value, limits, args?.property ?? '');
          return first ? `${first.field} ${first.message}` : `${args?.property} is too large`;
        },
      },
    });
}

/**
 * Express middleware, after the JSON body parser: a body or query that PostgreSQL cannot store,
 * or nested too deep for recursive code, is a 400 naming the field before any route sees it.
 * Under /api a JSON body must be an object (every route there takes one).
 */
export function inputShapeMiddleware() {
  return (req: Request, _res: Response, next: NextFunction) => {
    const errors: FieldError[] = [];
    if (req.body !== undefined) {
      if (Array.isArray(req.body) && req.path.startsWith('/api/')) {
        errors.push({ field: 'body', message: 'must be a JSON object' });
      } else {
        errors.push(...shapeProblems(req.body, STRUCTURE_LIMITS).map(bodyField));
      }
    }
    // Express parses the query string itself (strings and arrays of strings), and silently turns
    // bytes that are not UTF-8 (a lone surrogate as `%ED%A0%80`) into U+FFFD: read the raw text.
    errors.push(...queryEncodingProblems(req.originalUrl ?? req.url));
    const query = req.query as Record<string, unknown>;
    if (query && Object.keys(query).length) errors.push(...shapeProblems(query, STRUCTURE_LIMITS));
    next(errors.length ? new InvalidFieldsException(errors.slice(0, 20)) : undefined);
  };
}

/** Query parameters whose percent-encoding is not UTF-8 (a stray `%` alone is tolerated). */
function queryEncodingProblems(url: string): FieldError[] {
  const start = url.indexOf('?');
  if (start < 0 || !url.includes('%', start)) return [];
  const decode = (s: string): string | null => {
    try {
      return decodeURIComponent(s.replace(/\+/g, ' ').replace(/%(?![0-9a-f]{2})/gi, '%25'));
    } catch {
      return null;
    }
  };
  const out: FieldError[] = [];
  for (const pair of url.slice(start + 1).split('&')) {
    if (!pair.includes('%')) continue;
    const eq = pair.indexOf('=');
    const rawKey = eq < 0 ? pair : pair.slice(0, eq);
    const key = decode(rawKey);
    if (key === null || (eq >= 0 && decode(pair.slice(eq + 1)) === null)) {
      out.push({
        field: key ?? rawKey,
        message: `${key === null ? 'name' : 'value'} is not percent-encoded UTF-8 (e.g. a lone surrogate)`,
      });
    }
  }
  return out;
}

/** A problem of the body itself (or of one of its items when it is an array) is named `body`. */
const bodyField = (e: FieldError): FieldError =>
  !e.field || /^\[\d/.test(e.field) ? { ...e, field: `body${e.field}` } : e;

/**
 * Global pipe, before the validation pipe: a path parameter with NUL or a lone surrogate is a 400
 * naming it (Express decodes `%00` into the value; PostgreSQL refuses it in text).
 */
@Injectable()
export class ParamShapePipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type !== 'param') return value;
    const errors = shapeProblems(value, STRUCTURE_LIMITS, metadata.data ?? '');
    if (errors.length) throw new InvalidFieldsException(errors);
    return value;
  }
}
