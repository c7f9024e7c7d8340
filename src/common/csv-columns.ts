// Recognising a CSV's columns by name, for every route and command that reads one.

/** A header name as matched against known names: case, spaces and dashes ignored. */
export const columnKey = (s: string) =>
  s
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');

/** Where each known column is in `header` (-1: absent): the first header among its names. */
export function columnIndexes<K extends string>(
  header: string[],
  names: Readonly<Record<K, readonly string[]>>,
): Record<K, number> {
  return Object.fromEntries(
    (Object.keys(names) as K[]).map((c) => [
      c,
      header.findIndex((h) => names[c].includes(columnKey(h))),
    ]),
  ) as Record<K, number>;
}
