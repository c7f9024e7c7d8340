import type { OutputContact } from '../../modules/contacts/enrichment/contact-output';
import { findColumn, outputHeader } from '../accounts-enrich/columns';
import { CliError, EXIT } from '../io';

/*
 * The columns of `assay contacts enrich`: which input columns hold each contact field (a flag,
 * else the usual header names) and the output's: the input's, the results', the bookkeeping ones.
 */

/** Contact fields sent, with their flag and the header names tried (without case and punctuation). */
export const CONTACT_FIELDS = {
  email: {
    flag: '--email-column',
    names: ['email', 'emailaddress', 'workemail', 'businessemail', 'contactemail', 'mail'],
  },
  name: { flag: '--name-column', names: ['name', 'fullname', 'contactname', 'personname'] },
  first_name: { flag: '--first-name-column', names: ['firstname', 'givenname', 'first'] },
  last_name: { flag: '--last-name-column', names: ['lastname', 'surname', 'familyname', 'last'] },
  company: {
    flag: '--company-column',
    names: ['company', 'companyname', 'organization', 'organisation', 'accountname', 'employer'],
  },
  domain: {
    flag: '--domain-column',
    names: ['domain', 'companydomain', 'website', 'companywebsite', 'websiteurl', 'url'],
  },
  linkedin_url: {
    flag: '--linkedin-column',
    names: [
      'linkedinurl',
      'linkedin',
      'linkedinprofile',
      'linkedinprofileurl',
      'personlinkedinurl',
    ],
  },
  external_id: {
    flag: '--id-column',
    names: ['externalid', 'id', 'contactid', 'crmid', 'recordid', 'leadid'],
  },
} as const;

export type ContactField = keyof typeof CONTACT_FIELDS;
/** Index of each field's input column (-1: not sent). */
export type ContactColumns = Record<ContactField, number>;
/** The column flags as commander parses them (`--email-column` → emailColumn, …). */
export type ContactColumnFlags = Partial<Record<string, string>>;

const camel = (flag: string) =>
  flag.replace(/^--/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * Which input columns hold the contact fields: a flag names one (`none`: send none), else the
 * first usual header name. Some column must identify people: email, LinkedIn URL, or a name.
 */
export function mapContactColumns(header: string[], flags: ContactColumnFlags): ContactColumns {
  const map = Object.fromEntries(
    (Object.keys(CONTACT_FIELDS) as ContactField[]).map((f) => {
      const { flag, names } = CONTACT_FIELDS[f];
      return [f, findColumn(header, flags[camel(flag)], names, flag)];
    }),
  ) as ContactColumns;
  if (map.email < 0 && map.linkedin_url < 0 && map.name < 0 && map.first_name < 0) {
    throw new CliError(
      'no email, LinkedIn or name column found: name one with --email-column, --linkedin-column ' +
        `or --name-column. The columns are: ${header.join(', ')}`,
      EXIT.usage,
    );
  }
  return map;
}

/** The result columns written after the input's, in this order. */
export const CONTACT_RESULT_KEYS = [
  'email',
  'name',
  'job_title',
  'company',
  'industry',
  'company_website',
  'phone_numbers',
  'linkedin_url',
  'twitter_url',
  'city',
  'state',
  'country',
  'confidence',
  'source',
  'enriched_at',
] as const;

/** Output columns: the input's, the results' (`assay_` added on a clash), the bookkeeping ones. */
export const contactOutputHeader = (header: string[]) =>
  outputHeader(header, CONTACT_RESULT_KEYS, 'assay contacts enrich');

/** A contact of the result (docs/contacts.md), as the CLI reads it. */
export type ResultContact = Omit<OutputContact, 'external_id' | 'provenance'>;

/** The result cells of a contact, in CONTACT_RESULT_KEYS order (enriched_at as ISO time). */
export function resultCells(c: ResultContact): string[] {
  const cell = (v: string | number | null | undefined) =>
    v === null || v === undefined ? '' : String(v);
  return [
    cell(c.email),
    cell(c.name),
    cell(c.job_title),
    cell(c.company),
    cell(c.industry),
    cell(c.company_website),
    (c.phone_numbers ?? []).join('; '),
    cell(c.social_profiles?.linkedin),
    cell(c.social_profiles?.twitter),
    cell(c.location?.city),
    cell(c.location?.state),
    cell(c.location?.country),
    c.status === 'enriched' ? cell(c.confidence) : '',
    cell(c.source),
    c.enriched_at ? new Date(c.enriched_at * 1000).toISOString() : '',
  ];
}
