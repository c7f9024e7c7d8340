import type { PersonProfile } from '../../../providers/person/person.types';

/** `linkedin.com/in/<slug>` (lower case, no scheme, www, query or trailing slash); null if not a profile URL. */
export function linkedinKey(url: string | undefined | null): string | null {
  const m = /linkedin\.com\/(in|pub)\/([^/?#\s]+)/i.exec(url ?? '');
  if (!m) return null;
  let slug = m[2];
  try {
    slug = decodeURIComponent(slug);
  } catch {
    // keep it as given
  }
  return `linkedin.com/${m[1].toLowerCase()}/${slug.toLowerCase()}`;
}

/** A person's name folded for matching: lower case, accents and punctuation removed. */
export function nameKey(name: string | undefined | null): string | null {
  const folded = (name ?? '')
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  return folded || null;
}

/** The full name of a person record, when it has one that is not partly hidden. */
export function fullName(p: PersonProfile): string | null {
  if (p.obfuscated) return null;
  const name = p.name?.trim() || [p.first_name, p.last_name].filter(Boolean).join(' ').trim();
  return name || null;
}

/**
 * The name key a lead is stored under: its folded full name, or — for a record whose name is
 * partly hidden — a key of the vendor's id, which never collides with a real name.
 */
export function storedNameKey(p: PersonProfile, vendor: string | null): string {
  return (
    nameKey(fullName(p)) ??
    (p.vendor_id
      ? `~${vendor ?? 'vendor'}:${p.vendor_id}`
      : `~${nameKey(p.first_name) ?? ''}:${nameKey(p.title) ?? ''}`)
  );
}
