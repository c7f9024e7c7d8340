import { CliError, EXIT } from '../io';

/*
 * The columns of `assay accounts enrich`: which input columns hold the website, account id and
 * name (a flag, else the usual header names), and the output's: the input's, the results', and
 * the bookkeeping ones.
 */

/** The seed's AccountEnhancement processed_data keys written to the output, in this order. */
export const RESULT_KEYS = [
  'company_name',
  'industry',
  'location',
  'employee_count',
  'founded_year',
  'linkedin_url',
  'technologies',
  'customers',
  'competitors',
  'analysis_summary',
] as const;

/** Bookkeeping columns after the results. */
export const META_COLUMNS = ['assay_job_id', 'assay_status', 'assay_error'] as const;

/** Header names tried, in order, when no column flag is given (compared without case and punctuation). */
const CANDIDATES = {
  website: [
    'website',
    'websiteurl',
    'companywebsite',
    'domain',
    'companydomain',
    'url',
    'homepage',
    'site',
    'web',
  ],
  account_id: ['accountid', 'account', 'id', 'crmid', 'externalid', 'recordid'],
  name: [
    'name',
    'companyname',
    'company',
    'accountname',
    'organization',
    'organisation',
    'organizationname',
  ],
} as const;

type Field = keyof typeof CANDIDATES;
/** A header name compared without case and punctuation (`Company Website` = `company_website`). */
export const normHeader = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

/**
 * The index of a column: the one `flag` names (exactly, else ignoring case and punctuation;
 * `none`: no column, when `allowNone`), else the first header among `candidates` (normalised
 * names); -1 when there is none. A flag naming no column is a usage error that lists the columns.
 */
export function findColumn(
  header: string[],
  flag: string | undefined,
  candidates: readonly string[],
  option: string,
  allowNone = true,
): number {
  if (flag !== undefined) {
    if (allowNone && flag.trim().toLowerCase() === 'none') return -1;
    const exact = header.indexOf(flag);
    const i = exact >= 0 ? exact : header.findIndex((h) => normHeader(h) === normHeader(flag));
    if (i < 0) {
      throw new CliError(
        `${option} "${flag}": no such column. The columns are: ${header.join(', ')}`,
        EXIT.usage,
      );
    }
    return i;
  }
  for (const c of candidates) {
    const i = header.findIndex((h) => normHeader(h) === c);
    if (i >= 0) return i;
  }
  return -1;
}

export interface ColumnFlags {
  websiteColumn?: string;
  accountIdColumn?: string;
  nameColumn?: string;
}

/** Index of each mapped column in the input header (-1: not sent). */
export type ColumnMap = Record<Field, number>;

/**
 * Which input columns hold the website, account id and name: a flag names one (exactly, or
 * ignoring case and punctuation; `none` for no column), else the first header among the
 * candidates. The website column is required.
 */
export function mapColumns(header: string[], flags: ColumnFlags): ColumnMap {
  const find = (field: Field, flag: string | undefined, option: string): number =>
    findColumn(header, flag, CANDIDATES[field], option, field !== 'website');
  const map: ColumnMap = {
    website: find('website', flags.websiteColumn, '--website-column'),
    account_id: find('account_id', flags.accountIdColumn, '--account-id-column'),
    name: find('name', flags.nameColumn, '--name-column'),
  };
  if (map.website < 0) {
    throw new CliError(
      `no website column found (looked for website, domain, url, …): name it with --website-column. ` +
        `The columns are: ${header.join(', ')}`,
      EXIT.usage,
    );
  }
  return map;
}

/**
 * Output columns: the input's, the results' (`assay_` added on a clash) and the bookkeeping ones.
 * An input that has the bookkeeping columns is an output of `command`: refused.
 */
export function outputHeader(
  header: string[],
  resultKeys: readonly string[] = RESULT_KEYS,
  command = 'assay accounts enrich',
): string[] {
  const clash = META_COLUMNS.filter((c) => header.includes(c));
  if (clash.length) {
    throw new CliError(
      `the input already has ${clash.join(', ')}: is it an output of \`${command}\`? ` +
        'Pass the original input with --in (and this file as --out to resume).',
      EXIT.usage,
    );
  }
  const results = resultKeys.map((k) => (header.includes(k) ? `assay_${k}` : k));
  return [...header, ...results, ...META_COLUMNS];
}
