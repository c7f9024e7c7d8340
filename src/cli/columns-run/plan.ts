import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readCsv } from '../csv';
import { CliError, EXIT } from '../io';

export const RESPONSE_TYPES = ['string', 'number', 'boolean', 'enum', 'json_object'];

export interface ColumnOptions {
  question: string;
  type: string;
  values?: string;
  min?: number;
  max?: number;
  unit?: string;
  schema?: string;
  model?: string;
  internet?: boolean;
  validate?: boolean;
  columnId?: string;
  name: string;
  entityType: 'account' | 'lead';
}

export interface ColumnsPlan {
  definition: Record<string, unknown> & { column_id: string };
  header: string[];
  rows: string[][];
  /** The entity id of each row (its id column, else `row-<n>`), and its context. */
  ids: string[];
  context: Record<string, unknown>;
  outHeader: string[];
}

/** Columns an entity id is read from, in order of preference. */
const ID_COLUMNS = ['id', 'entity_id', 'account_id', 'lead_id', 'domain', 'website', 'email'];

function responseConfig(
  o: ColumnOptions,
  readFile: (p: string) => string,
): Record<string, unknown> {
  if (o.type === 'enum') {
    const values = (o.values ?? '')
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean);
    if (!values.length) throw new CliError('--type enum needs --values a,b,c', EXIT.usage);
    return { allowed_values: values };
  }
  if (o.type === 'number')
    return {
      ...(o.min !== undefined ? { min: o.min } : {}),
      ...(o.max !== undefined ? { max: o.max } : {}),
      ...(o.unit ? { unit: o.unit } : {}),
    };
  if (o.type === 'json_object') {
    if (!o.schema) throw new CliError('--type json_object needs --schema <file.json>', EXIT.usage);
    try {
      return { schema: JSON.parse(readFile(o.schema)) as unknown };
    } catch (err) {
      throw new CliError(
        `--schema: cannot read a JSON Schema from ${o.schema}: ${(err as Error).message}`,
        EXIT.usage,
      );
    }
  }
  return {};
}

/**
 * The column to define and the entities of a CSV: each row is one entity (its id from the id
 * column, else its row number) whose context is the row itself, under `account_info` or
 * `lead_info`. The column id is derived from the definition unless given, so the same command
 * reuses the stored values of an earlier run.
 */
export function planColumns(
  input: string,
  o: ColumnOptions,
  idColumn?: string,
  readFile: (p: string) => string = (p) => readFileSync(p, 'utf8'),
): ColumnsPlan {
  if (!RESPONSE_TYPES.includes(o.type))
    throw new CliError(`--type must be one of ${RESPONSE_TYPES.join(', ')}`, EXIT.usage);
  const table = readCsv(input);
  const idAt = idColumn
    ? table.header.indexOf(idColumn)
    : table.header.findIndex((h) => ID_COLUMNS.includes(h.trim().toLowerCase()));
  if (idColumn && idAt < 0)
    throw new CliError(`--id-column ${idColumn}: no such column in ${input}`, EXIT.usage);
  const ids: string[] = [];
  const context: Record<string, unknown> = {};
  const seen = new Set<string>();
  table.rows.forEach((row, i) => {
    let id = (idAt >= 0 ? row[idAt].trim() : '') || `row-${i + 1}`;
    if (seen.has(id)) id = `${id}#${i + 1}`;
    seen.add(id);
    ids.push(id);
    const fields = Object.fromEntries(
      table.header.map((h, k) => [h, row[k]]).filter(([, v]) => v !== ''),
    );
    context[id] = o.entityType === 'lead' ? { lead_info: fields } : { account_info: fields };
  });
  const body = {
    name: o.name,
    question: o.question,
    response_type: o.type,
    response_config: responseConfig(o, readFile),
    entity_type: o.entityType,
    ai_config: {
      ...(o.model ? { model: o.model } : {}),
      ...(o.internet ? { use_internet: true } : {}),
      ...(o.validate ? { validate_with_search: true } : {}),
    },
  };
  const columnId =
    o.columnId ??
    `cli-${createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 16)}`;
  const n = o.name;
  return {
    definition: { column_id: columnId, ...body },
    header: table.header,
    rows: table.rows,
    ids,
    context,
    outHeader: [
      ...table.header,
      n,
      `${n}_confidence`,
      `${n}_rationale`,
      `${n}_sources`,
      `${n}_status`,
      `${n}_error`,
    ],
  };
}
