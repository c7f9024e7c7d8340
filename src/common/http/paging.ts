import { InvalidFieldsException } from './validation';

/** One page of a cursor-paged list. */
export interface Page<T> {
  items: T[];
  /** Pass as `cursor` for the next page; null on the last one. */
  next_cursor: string | null;
}

/**
 * The position a `cursor` query parameter names, decoded by `decode` (null: not a cursor of
 * this list) — a 400 naming `cursor` when it is not valid; undefined when none was given.
 */
export function cursorParam<C>(
  raw: string | undefined,
  decode: (cursor: string) => C | null,
): C | undefined {
  if (raw === undefined || raw === '') return undefined;
  const c = decode(raw);
  if (c === null)
    throw new InvalidFieldsException([{ field: 'cursor', message: 'cursor is not valid' }]);
  return c;
}

/**
 * A page from rows fetched with `limit + 1` (the extra row only tells that there is a next page):
 * the first `limit` rows mapped, and the cursor of the last of them when more follow.
 */
export function toPage<R, T>(
  rows: R[],
  limit: number,
  map: (row: R) => T,
  cursorOf: (row: R) => string,
): Page<T> {
  const page = rows.slice(0, limit);
  return {
    items: page.map(map),
    next_cursor: rows.length > limit && page.length ? cursorOf(page[page.length - 1]) : null,
  };
}
