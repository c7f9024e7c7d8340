import type { PersonEmployment } from '../../../providers/person/person.types';

/** A current role that started at most this many months ago is a signal (SEED-CONTRACTS A6). */
export const RECENT_ROLE_MONTHS = 6;

/** Parses `YYYY-MM-DD`, `YYYY-MM` or `YYYY` (UTC); null when it is none of them. */
export function parsePartialDate(value: string | undefined | null): Date | null {
  const m = /^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?/.exec(value?.trim() ?? '');
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2] ?? 1), Number(m[3] ?? 1)];
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  return new Date(Date.UTC(year, month - 1, day));
}

/** Whole months from `from` to `to` (a month counts once its day of the month is reached). */
export function monthsBetween(from: Date, to: Date): number {
  let months =
    (to.getUTCFullYear() - from.getUTCFullYear()) * 12 + (to.getUTCMonth() - from.getUTCMonth());
  if (to.getUTCDate() < from.getUTCDate()) months -= 1;
  return months;
}

const sameCompany = (a?: string, b?: string): boolean =>
  !!a && !!b && a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * The seed's time signals, computed in code: a current role that started at most 6 months ago is
 * "New Role: Started N months ago" when the person came from another employer, otherwise (a new
 * title at the same employer) "Recent Promotion: N months ago". "this month" and "1 month" are
 * worded as such. Nothing for older roles, roles without a start date, or dates in the future.
 *
 * @param employments current and past roles, in any order
 */
export function timeSignals(employments: PersonEmployment[] | undefined, now: Date): string[] {
  const roles = (employments ?? [])
    .map((e) => ({ e, start: parsePartialDate(e.start_date) }))
    .filter((r): r is { e: PersonEmployment; start: Date } => r.start !== null)
    .sort((a, b) => b.start.getTime() - a.start.getTime());
  const current = roles.find((r) => r.e.current !== false && !r.e.end_date);
  if (!current) return [];
  const months = monthsBetween(current.start, now);
  if (months < 0 || months > RECENT_ROLE_MONTHS) return [];
  const previous = roles.find((r) => r !== current && r.start.getTime() <= current.start.getTime());
  const promoted =
    previous !== undefined &&
    sameCompany(previous.e.organization_name, current.e.organization_name);
  const ago = months === 0 ? 'this month' : months === 1 ? '1 month ago' : `${months} months ago`;
  if (promoted) return [`Recent Promotion: ${ago}`];
  return [months === 0 ? 'New Role: Started this month' : `New Role: Started ${ago}`];
}
