import { toCountryCode } from './country';
import { tryNormaliseDomain } from './domain';

/**
 * How two candidate values of a field are compared: each kind turns a value into a key, and
 * values with equal keys agree. Keys only compare; the values themselves are stored as found.
 */
export type KeyKind =
  | 'text'
  | 'name'
  | 'url'
  | 'domain'
  | 'phone'
  | 'email'
  | 'address'
  | 'technology'
  | 'title'
  | 'number'
  | 'json';

/** Legal-form words that do not tell two companies apart ("Acme, Inc." = "ACME"). */
const LEGAL_FORMS = new Set([
  'inc',
  'incorporated',
  'llc',
  'llp',
  'lp',
  'ltd',
  'limited',
  'corp',
  'corporation',
  'co',
  'company',
  'plc',
  'gmbh',
  'ag',
  'kg',
  'se',
  'sa',
  'sas',
  'sarl',
  'srl',
  'spa',
  'bv',
  'nv',
  'ab',
  'as',
  'oy',
  'pty',
  'kk',
  'group',
  'holdings',
]);

export function comparisonKey(kind: KeyKind, value: unknown): string {
  if (value == null) return '';
  switch (kind) {
    case 'text':
      return textKey(String(value));
    case 'name':
      return nameKey(String(value));
    case 'url':
      return urlKey(String(value));
    case 'domain':
      return tryNormaliseDomain(String(value)) ?? textKey(String(value));
    case 'phone':
      return phoneKey(value);
    case 'email':
      return emailKey(value);
    case 'address':
      return addressKey(value);
    case 'technology':
      return technologyKey(value);
    case 'title':
      return titleKey(value);
    case 'number':
      return typeof value === 'number' ? String(value) : textKey(String(value));
    case 'json':
      return stableJson(value);
  }
}

export function textKey(s: string): string {
  return s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[.\s]+$/, '');
}

export function nameKey(s: string): string {
  const words = textKey(s)
    .replace(/&/g, ' and ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .split(' ')
    .filter(Boolean);
  if (words[0] === 'the' && words.length > 1) words.shift();
  while (words.length > 1 && LEGAL_FORMS.has(words[words.length - 1])) words.pop();
  return words.join(' ');
}

/** Scheme, `www.`, default ports, query, fragment, trailing slash and case do not matter. */
export function urlKey(s: string): string {
  const raw = s.trim();
  try {
    const url = new URL(
      /^[a-z][a-z0-9+.-]*:/i.test(raw) ? raw : `https://${raw.replace(/^\/\//, '')}`,
    );
    const host = url.hostname.replace(/^www\./, '').replace(/\.$/, '');
    const path = decodeURIComponent(url.pathname).replace(/\/+$/, '');
    return `${host}${path}`.toLowerCase();
  } catch {
    return textKey(raw);
  }
}

function phoneKey(value: unknown): string {
  const n = typeof value === 'object' && value ? (value as { number?: unknown }).number : value;
  const s = String(n ?? '');
  return (s.trim().startsWith('+') ? '+' : '') + s.replace(/\D/g, '');
}

function emailKey(value: unknown): string {
  const a = typeof value === 'object' && value ? (value as { address?: unknown }).address : value;
  return String(a ?? '')
    .trim()
    .toLowerCase();
}

/** Countries compare by ISO code: "United Kingdom", "UK" and "GB" are one country. */
function withCountryCode(segments: string[]): string[] {
  if (!segments.length) return segments;
  const last = segments[segments.length - 1];
  return [...segments.slice(0, -1), toCountryCode(last) ?? last];
}

function addressKey(value: unknown): string {
  if (typeof value !== 'object' || !value) return addressKey({ formatted: String(value) });
  const a = value as Record<string, unknown>;
  const parts = ['street', 'city', 'state', 'postal_code', 'country']
    .map((k) => (typeof a[k] === 'string' ? (a[k] as string) : ''))
    .map((v, i) => (i === 4 && v ? (toCountryCode(v) ?? v) : v))
    .filter(Boolean);
  const text =
    parts.length >= 2
      ? parts.join(' ')
      : withCountryCode(String(a.formatted ?? parts.join(' ')).split(',')).join(' ');
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

function technologyKey(value: unknown): string {
  const name = typeof value === 'object' && value ? (value as { name?: unknown }).name : value;
  return String(name ?? '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

/** Events, news, rounds: the same headline is the same item, whatever each source adds to it. */
function titleKey(value: unknown): string {
  if (typeof value !== 'object' || !value) return textKey(String(value));
  const v = value as Record<string, unknown>;
  const title = v.title ?? v.name ?? v.series;
  return title == null ? stableJson(value) : nameKey(String(title));
}

/** JSON with sorted keys and normalised strings, so key order and case do not make values differ. */
export function stableJson(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(textKey(value));
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}
