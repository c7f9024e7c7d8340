import { parse } from 'csv-parse/sync';
import {
  FieldError,
  InvalidFieldsException,
  validatePayload,
} from '../../../common/http/validation';
import { findColumns, findRow } from '../dto/email-csv';
import { CreateEmailJobDto } from '../dto/email-job.dto';
import { MAX_ITEMS } from './email-job-row';

const NUMBERS = ['limit', 'max_concurrent', 'batch_size', 'max_emails', 'min_score'];
const BOOLEANS = ['skip_existing', 'dry_run'];
const OPTIONS = [...NUMBERS, ...BOOLEANS, 'on_conflict'];

/**
 * `POST /api/v1/emails/jobs/csv`: the CSV text and the query's options as the job request a
 * JSON client would send (`rows`), validated the same way. A CSV that cannot be read, has no
 * domain or lead id column, or a row without either is a 400 naming the line; nothing is stored.
 */
export async function csvJobRequest(
  text: string,
  query: Record<string, unknown>,
): Promise<CreateEmailJobDto> {
  let table: string[][];
  try {
    table = parse(text, {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
    }) as string[][];
  } catch (err) {
    throw new InvalidFieldsException([
      { field: 'body', message: `not a readable CSV: ${(err as Error).message}` },
    ]);
  }
  const [header, ...lines] = table;
  const at = header ? findColumns(header) : null;
  if (!at)
    throw new InvalidFieldsException([
      {
        field: 'body',
        message: 'the CSV needs a header with a domain (or website) or lead_id column',
      },
    ]);
  if (!lines.length)
    throw new InvalidFieldsException([{ field: 'body', message: 'the CSV has no rows' }]);
  if (lines.length > MAX_ITEMS)
    throw new InvalidFieldsException([
      { field: 'body', message: `at most ${MAX_ITEMS} rows (got ${lines.length})` },
    ]);
  const errors: FieldError[] = [];
  const rows = lines.map((cells, i) => {
    const r = findRow(at, cells);
    if (!r.payload) errors.push({ field: `line ${i + 2}`, message: r.problem ?? 'not usable' });
    return r.payload ?? {};
  });
  const options: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(query)) {
    if (!OPTIONS.includes(key)) {
      errors.push({ field: key, message: `is not an option of a CSV job (${OPTIONS.join(', ')})` });
      continue;
    }
    options[key] =
      NUMBERS.includes(key) && /^-?\d+$/.test(String(raw))
        ? Number(raw)
        : BOOLEANS.includes(key) && /^(true|false)$/.test(String(raw))
          ? raw === 'true'
          : raw;
  }
  const request = { ...options, rows };
  errors.push(...(await validatePayload(CreateEmailJobDto, options)));
  if (errors.length) throw new InvalidFieldsException(errors.slice(0, 100));
  return request as CreateEmailJobDto;
}
