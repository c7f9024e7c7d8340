import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { CliError, EXIT } from './io';

/** A CSV file read with its header: the column names (in order) and the rows as arrays of cells. */
export interface CsvTable {
  header: string[];
  rows: string[][];
}

/**
 * Reads a CSV file whose first row is the header. A UTF-8 byte-order mark is dropped, empty lines
 * are skipped, short rows are padded with empty cells, and a repeated column name gets a suffix
 * (`email`, `email_2`) so every column can be named.
 */
export function readCsv(file: string): CsvTable {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as Error).message}`, EXIT.failure);
  }
  return parseCsv(text, file);
}

export function parseCsv(text: string, name = 'input'): CsvTable {
  let records: string[][];
  try {
    records = parse(text, {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
    }) as string[][];
  } catch (err) {
    throw new CliError(`${name} is not a valid CSV file: ${(err as Error).message}`, EXIT.failure);
  }
  if (!records.length) throw new CliError(`${name} is empty: it needs a header row`, EXIT.failure);
  const seen = new Map<string, number>();
  const header = records[0].map((raw, i) => {
    const base = raw.trim() || `column_${i + 1}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base}_${n}`;
  });
  const rows = records
    .slice(1)
    .map((r) => header.map((_, i) => r[i] ?? ''))
    // A row of empty cells only (e.g. ",,,") is not data.
    .filter((r) => r.some((c) => c.trim() !== ''));
  return { header, rows };
}

/** Characters that make a spreadsheet read a cell as a formula (OWASP "CSV Injection"). */
const FORMULA_START = new Set(['=', '+', '-', '@', '\t', '\r']);

/**
 * A cell that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab or carriage return
 * first) gets a leading `'`, so Excel, LibreOffice and Google Sheets show it as text. Applying it
 * twice changes nothing more (an escaped cell starts with `'`).
 */
export function escapeFormula(cell: unknown): string {
  const s = cell === null || cell === undefined ? '' : String(cell);
  return s.length > 0 && FORMULA_START.has(s[0]) ? `'${s}` : s;
}

/** The CSV text of `header` + `rows`, every cell escaped against formula injection. */
export function toCsv(header: string[], rows: unknown[][]): string {
  return stringify(
    [header, ...rows].map((r) => r.map(escapeFormula)),
    {
      // Quote a cell that starts with the escape mark too, so no reader trims or reinterprets it.
      quoted_match: /^'/,
      record_delimiter: '\n',
    },
  );
}

/**
 * Writes a CSV file atomically (a temporary file in the same folder, then a rename): a reader, or
 * a later resume after Ctrl-C or a crash, sees the old file or the new one, never half of one.
 */
export function writeCsvAtomic(file: string, header: string[], rows: unknown[][]): void {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, toCsv(header, rows), 'utf8');
    renameSync(tmp, file);
  } catch (err) {
    throw new CliError(`cannot write ${file}: ${(err as Error).message}`, EXIT.failure);
  }
}
