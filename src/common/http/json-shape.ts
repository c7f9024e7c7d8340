/**
 * Structural checks of client input (parsed JSON bodies, query values, path parameters) that must
 * run before anything recursive (class-transformer, stableStringify) or PostgreSQL sees the value:
 * PostgreSQL refuses NUL in text and jsonb and lone UTF-16 surrogates in jsonb (a 500 for the
 * client), deep nesting overflows the stack of recursive code, and `__proto__`-style keys are
 * prototype pollution waiting to happen. The walk is iterative, so it is safe on any depth.
 */

/** A problem at a field path written as class-validator errors are (`a.b[0].c`). */
export interface ShapeProblem {
  field: string;
  message: string;
}

export interface ShapeLimits {
  /** Objects and arrays nested deeper than this are refused (a top-level container is level 1). */
  maxDepth: number;
  /** Most items of one array. */
  maxArrayLength?: number;
  /** Most characters of one string. */
  maxStringLength?: number;
  /** Most characters of all strings and keys walked together. */
  maxTotalLength?: number;
  /** Most keys of one object. */
  maxKeys?: number;
  /** Most characters of one key. */
  maxKeyLength?: number;
  /** Most values (scalars, objects, arrays) walked together. */
  maxValues?: number;
}

/**
 * Every JSON body, query string and path parameter. No route takes lists this long (the longest,
 * the seed's bulk accounts, takes 5,000); refusing them here spares class-validator from
 * validating 200,000 items only to say the list is too long.
 */
export const STRUCTURE_LIMITS: ShapeLimits = { maxDepth: 32, maxArrayLength: 10_000 };

/**
 * Keys of a task payload that its type does not declare (seed clients' `request_id`,
 * `batch_metadata`, `origin`, `user_id`, `orchestration_data` …). They are kept on the task and
 * echoed in callbacks, so they are bounded: metadata, not bulk data (a type that takes big
 * strings, such as HTML, declares them in its DTO with their own bound).
 */
export const UNKNOWN_KEY_LIMITS: ShapeLimits = {
  maxDepth: 16,
  maxArrayLength: 1000,
  maxStringLength: 100_000,
  maxTotalLength: 200_000,
  maxKeys: 1000,
  maxKeyLength: 200,
  maxValues: 20_000,
};

/** Keys that name JavaScript prototypes: never data, refused anywhere in client input. */
export const PROTOTYPE_KEYS: ReadonlySet<string> = new Set([
  '__proto__',
  'constructor',
  'prototype',
]);

/** Stop after this many problems: one bad array of 100,000 items does not make 100,000 errors. */
const MAX_PROBLEMS = 20;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why a string cannot be stored as text (NUL, lone surrogate), or null when it can. */
export function textProblem(s: string): string | null {
  if (s.includes('\u0000')) return 'must not contain the NUL character (\\u0000)';
  if (LONE_SURROGATE.test(s)) {
    return 'must be valid Unicode: it holds a lone UTF-16 surrogate (\\ud800–\\udfff)';
  }
  return null;
}

/** A key as it appears in a field path: `a.b`, `a[0]`, or quoted when it is not plain text. */
export function joinPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  // Quoted (JSON escapes) when a key would be ambiguous or unprintable in `a.b` form.
  if (key === '' || /[.[\]"\p{Cc}\ud800-\udfff]/u.test(key)) {
    return `${parent}[${JSON.stringify(key)}]`;
  }
  return parent ? `${parent}.${key}` : key;
}

interface Frame {
  value: unknown;
  /** Containers above this value (0 for a root). */
  depth: number;
  parent: Frame | null;
  key: string | number | null;
  /** Path of the root this value hangs from. */
  root: string;
}

function pathOf(frame: Frame): string {
  const keys: Array<string | number> = [];
  let f: Frame | null = frame;
  for (; f && f.key !== null; f = f.parent) keys.push(f.key);
  let path = f?.root ?? '';
  for (let i = keys.length - 1; i >= 0; i--) path = joinPath(path, keys[i]);
  return path;
}

/**
 * Walks each `[path, value]` root (sharing the totals of `limits`) and returns what breaks the
 * limits or cannot be stored: NUL or a lone surrogate in a string or key, a prototype key, too deep,
 * too long, too many. Empty when all is well; at most 20 problems.
 */
export function findShapeProblems(
  roots: ReadonlyArray<readonly [string, unknown]>,
  limits: ShapeLimits,
): ShapeProblem[] {
  const problems: ShapeProblem[] = [];
  const stack: Frame[] = [];
  for (let i = roots.length - 1; i >= 0; i--) {
    stack.push({ value: roots[i][1], depth: 0, parent: null, key: null, root: roots[i][0] });
  }
  let total = 0;
  let values = 0;
  /** Records a problem; true when the walk must stop. */
  const report = (field: string, message: string) =>
    problems.push({ field, message }) >= MAX_PROBLEMS;

  while (stack.length) {
    const frame = stack.pop()!;
    const v = frame.value;
    if (limits.maxValues !== undefined && ++values > limits.maxValues) {
      report(pathOf(frame), `too many values: at most ${limits.maxValues} in all`);
      break;
    }
    if (typeof v === 'string') {
      const problem =
        textProblem(v) ??
        (limits.maxStringLength !== undefined && v.length > limits.maxStringLength
          ? `must be at most ${limits.maxStringLength} characters long`
          : null);
      if (problem && report(pathOf(frame), problem)) break;
      total += v.length;
      if (limits.maxTotalLength !== undefined && total > limits.maxTotalLength) {
        report(pathOf(frame), `too much text: at most ${limits.maxTotalLength} characters in all`);
        break;
      }
      continue;
    }
    if (v === null || typeof v !== 'object') continue;

    const depth = frame.depth + 1;
    if (depth > limits.maxDepth) {
      if (report(pathOf(frame), `is nested more than ${limits.maxDepth} levels deep`)) break;
      continue;
    }
    if (Array.isArray(v)) {
      if (limits.maxArrayLength !== undefined && v.length > limits.maxArrayLength) {
        if (report(pathOf(frame), `must have at most ${limits.maxArrayLength} items`)) break;
        continue;
      }
      for (let i = v.length - 1; i >= 0; i--) {
        stack.push({ value: v[i], depth, parent: frame, key: i, root: frame.root });
      }
      continue;
    }

    const keys = Object.keys(v);
    if (limits.maxKeys !== undefined && keys.length > limits.maxKeys) {
      if (report(pathOf(frame), `must have at most ${limits.maxKeys} keys`)) break;
      continue;
    }
    const children: Frame[] = [];
    let stop = false;
    for (const key of keys) {
      const text = textProblem(key);
      const problem = text
        ? `key ${text}`
        : PROTOTYPE_KEYS.has(key)
          ? `"${key}" is not allowed as a key (it names a JavaScript prototype)`
          : limits.maxKeyLength !== undefined && key.length > limits.maxKeyLength
            ? `key must be at most ${limits.maxKeyLength} characters long`
            : null;
      if (problem) {
        if ((stop = report(joinPath(pathOf(frame), key), problem))) break;
        continue;
      }
      total += key.length;
      const value = (v as Record<string, unknown>)[key];
      children.push({ value, depth, parent: frame, key, root: frame.root });
    }
    if (stop) break;
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
    if (limits.maxTotalLength !== undefined && total > limits.maxTotalLength) {
      report(pathOf(frame), `too much text: at most ${limits.maxTotalLength} characters in all`);
      break;
    }
  }
  return problems;
}

/** `findShapeProblems` of one value at `path`. */
export function shapeProblems(value: unknown, limits: ShapeLimits, path = ''): ShapeProblem[] {
  return findShapeProblems([[path, value]], limits);
}
