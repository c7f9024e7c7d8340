/** Defensive readers of Apollo's payload values (fields may be missing, null or of another type). */

export const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v.trim() ? v.trim() : undefined;

export const num = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;

export const strings = (v: unknown): string[] | undefined => {
  if (!Array.isArray(v)) return undefined;
  const out = [...new Set(v.map(str).filter((s): s is string => !!s))];
  return out.length ? out : undefined;
};

/** Drops undefined members so cached answers and test expectations stay compact. */
export function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** A present, non-null object (Apollo sends `null`, `{}` or nothing for "none"). */
export const isRecord = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === 'object' && !Array.isArray(v);
