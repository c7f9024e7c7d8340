import Ajv, { ValidateFunction } from 'ajv';

/** The response types of a custom column (SEED-CONTRACTS A5 "Custom column config"). */
export const RESPONSE_TYPES = ['string', 'number', 'boolean', 'enum', 'json_object'] as const;
export type ResponseType = (typeof RESPONSE_TYPES)[number];

/** What a column's `response_config` may hold, per type (unknown keys are kept and ignored). */
export interface ResponseConfig {
  /** string: longest answer kept (default DEFAULT_MAX_LENGTH). */
  max_length?: number;
  /** enum: the only values an answer may take. */
  allowed_values?: string[];
  /** number: inclusive bounds and the unit the number is expressed in. */
  min?: number;
  max?: number;
  unit?: string;
  /** json_object: the JSON Schema the value must match. */
  schema?: Record<string, unknown>;
  examples?: unknown[];
  validation_rules?: unknown[];
}

export const DEFAULT_MAX_LENGTH = 2000;

/** A value in the seed's `value_*` field of its type (CustomColumnValue, A5). */
export type TypedValue =
  | { value_string: string }
  | { value_number: number }
  | { value_boolean: boolean }
  | { value_enum: string }
  | { value_json: Record<string, unknown> | unknown[] };

export type Coerced = { ok: true; value: TypedValue; text: string } | { ok: false; why: string };

const ajv = new Ajv({ allErrors: true, strict: false });
const compiled = new WeakMap<object, ValidateFunction>();

/** Why a json_object schema cannot be used (null: it compiles). */
export function schemaProblem(schema: unknown): string | null {
  if (!schema || typeof schema !== 'object' || Array.isArray(schema))
    return 'must be a JSON Schema object, e.g. {"type":"object","properties":{…}}';
  try {
    ajv.compile(schema);
    return null;
  } catch (err) {
    return `is not a valid JSON Schema: ${(err as Error).message}`;
  }
}

function validatorOf(schema: Record<string, unknown>): ValidateFunction {
  let v = compiled.get(schema);
  if (!v) {
    v = ajv.compile(schema);
    compiled.set(schema, v);
  }
  return v;
}

/** Why a response_config does not fit its type (field name relative to response_config), or null. */
export function responseConfigProblem(
  type: ResponseType,
  config: ResponseConfig | undefined,
): { field: string; message: string } | null {
  const c = config ?? {};
  if (type === 'enum') {
    const values = c.allowed_values;
    if (!Array.isArray(values) || values.length === 0 || values.some((v) => typeof v !== 'string'))
      return {
        field: 'allowed_values',
        message: 'an enum column needs allowed_values: a non-empty list of strings',
      };
  }
  if (type === 'json_object') {
    const why = schemaProblem(c.schema);
    if (why) return { field: 'schema', message: `a json_object column's schema ${why}` };
  }
  if (type === 'number') {
    for (const k of ['min', 'max'] as const)
      if (c[k] !== undefined && (typeof c[k] !== 'number' || !Number.isFinite(c[k])))
        return { field: k, message: `${k} must be a number` };
    if (c.min !== undefined && c.max !== undefined && c.min > c.max)
      return { field: 'min', message: 'min must not be greater than max' };
  }
  if (type === 'string' && c.max_length !== undefined) {
    if (!Number.isInteger(c.max_length) || c.max_length < 1)
      return { field: 'max_length', message: 'max_length must be a whole number ≥ 1' };
  }
  return null;
}

/** The JSON Schema of `value` in the model's answer, per type (given to the model and checked). */
export function valueSchema(type: ResponseType, c: ResponseConfig = {}): Record<string, unknown> {
  switch (type) {
    case 'string':
      return { type: 'string' };
    case 'number':
      return { type: 'number' };
    case 'boolean':
      return { type: 'boolean' };
    case 'enum':
      return { type: 'string', enum: c.allowed_values ?? [] };
    case 'json_object':
      return c.schema ?? { type: ['object', 'array'] };
  }
}

const normal = (s: string) =>
  s
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, ' ')
    .replace(/^["'`*]+|["'`*.!]+$/g, '');

/** The allowed value an answer names: exactly (ignoring case, spaces, quotes), else the one it contains. */
export function matchEnum(raw: string, allowed: string[]): string | null {
  const n = normal(raw);
  const exact = allowed.find((a) => normal(a) === n);
  if (exact) return exact;
  // "Answer: Enterprise (over 1,000 staff)" names one value; two named values are ambiguous.
  const named = allowed.filter((a) => new RegExp(`\\b${escape(normal(a))}\\b`).test(n));
  return named.length === 1 ? named[0] : null;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The model's `value` coerced to its type and checked against the column's rules (the seed's
 * coercions, A5, plus the checks the seed skipped: enum membership, number bounds, the
 * json_object schema, the string's max_length). A failure says why, for the repair prompt and
 * the value's error.
 */
export function coerceValue(type: ResponseType, raw: unknown, c: ResponseConfig = {}): Coerced {
  if (raw === null || raw === undefined || raw === '')
    return { ok: false, why: 'the answer has no value' };
  switch (type) {
    case 'string': {
      const text = typeof raw === 'string' ? raw : JSON.stringify(raw);
      const max = c.max_length ?? DEFAULT_MAX_LENGTH;
      if (text.length > max)
        return { ok: false, why: `the value has ${text.length} characters, more than ${max}` };
      return { ok: true, value: { value_string: text }, text };
    }
    case 'number': {
      const n = toNumber(raw);
      if (n === null) return { ok: false, why: `the value ${JSON.stringify(raw)} is not a number` };
      if (c.min !== undefined && n < c.min)
        return { ok: false, why: `the value ${n} is below the minimum ${c.min}` };
      if (c.max !== undefined && n > c.max)
        return { ok: false, why: `the value ${n} is above the maximum ${c.max}` };
      return { ok: true, value: { value_number: n }, text: String(n) };
    }
    case 'boolean': {
      const b = toBoolean(raw);
      if (b === null) return { ok: false, why: `the value ${JSON.stringify(raw)} is not a yes/no` };
      return { ok: true, value: { value_boolean: b }, text: String(b) };
    }
    case 'enum': {
      const allowed = c.allowed_values ?? [];
      const hit = typeof raw === 'string' ? matchEnum(raw, allowed) : null;
      if (!hit)
        return {
          ok: false,
          why: `the value ${JSON.stringify(raw)} is not one of the allowed values (${allowed.join(', ')})`,
        };
      return { ok: true, value: { value_enum: hit }, text: hit };
    }
    case 'json_object': {
      let v = raw;
      if (typeof v === 'string') {
        try {
          v = JSON.parse(v);
        } catch {
          return { ok: false, why: 'the value is text, not a JSON object or list' };
        }
      }
      if (!v || typeof v !== 'object')
        return { ok: false, why: 'the value is not a JSON object or list' };
      if (c.schema) {
        const validate = validatorOf(c.schema);
        if (!validate(v)) {
          const why = (validate.errors ?? [])
            .slice(0, 5)
            .map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`)
            .join('; ');
          return { ok: false, why: `the value does not match the column's schema: ${why}` };
        }
      }
      return {
        ok: true,
        value: { value_json: v as Record<string, unknown> | unknown[] },
        text: JSON.stringify(v),
      };
    }
  }
}

/** "42", "1,200", "$3.5M" are not all numbers: only plain numerals (with thousands separators) are. */
function toNumber(raw: unknown): number | null {
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : null;
  if (typeof raw !== 'string') return null;
  const t = raw.trim().replace(/(\d),(?=\d{3}\b)/g, '$1');
  if (!/^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(t)) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

function toBoolean(raw: unknown): boolean | null {
  if (typeof raw === 'boolean') return raw;
  if (typeof raw === 'number') return raw === 1 ? true : raw === 0 ? false : null;
  if (typeof raw !== 'string') return null;
  const t = normal(raw);
  if (['true', 'yes', '1', 'y'].includes(t)) return true;
  if (['false', 'no', '0', 'n'].includes(t)) return false;
  return null;
}

/** The value as text, for a dependent column's question and the CSV. */
export function valueText(v: {
  value_enum?: unknown;
  value_string?: unknown;
  value_number?: unknown;
  value_boolean?: unknown;
  value_json?: unknown;
}): string | null {
  if (typeof v.value_enum === 'string') return v.value_enum;
  if (typeof v.value_string === 'string') return v.value_string;
  if (typeof v.value_number === 'number') return String(v.value_number);
  if (typeof v.value_boolean === 'boolean') return String(v.value_boolean);
  if (v.value_json !== undefined && v.value_json !== null) return JSON.stringify(v.value_json);
  return null;
}
