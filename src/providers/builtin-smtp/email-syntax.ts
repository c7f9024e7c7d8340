import emailAddresses from 'email-addresses';
import { domainToASCII } from 'node:url';

/** An address that parsed: its local part, its domain in ASCII (punycode) and the whole. */
export interface ParsedAddress {
  local: string;
  /** Lower-case ASCII (IDN domains in punycode). */
  domain: string;
  /** `local@domain`, lower-cased, trimmed. */
  normalized: string;
}

/** RFC 5322 dot-atom, with UTF-8 (RFC 6532). */
const DOT_ATOM = /^[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+(\.[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+)*$/u;
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * Parses one bare address (`addr-spec`, RFC 5322 with RFC 6532 UTF-8) with a real parser: no
 * display names, groups or comments; the domain must be a host name of at least two labels (no
 * address literals), made ASCII with `domainToASCII`; local parts up to 64 octets, the whole up
 * to 254. Null when it is not a deliverable address.
 */
export function parseAddress(input: string): ParsedAddress | null {
  if (typeof input !== 'string') return null;
  const raw = input.trim();
  if (!raw || raw.length > 320 || /[\s<>]/.test(raw)) return null;
  const parsed = emailAddresses.parseOneAddress({ input: raw, rfc6532: true, rejectTLD: true });
  // The whole input is the address: no display name, comment or group around it.
  if (!parsed || parsed.type !== 'mailbox' || parsed.name || parsed.parts.address.tokens !== raw)
    return null;
  // A quoted local part is kept only when it needs no quotes (`"ann"` = `ann`): RCPT TO gets a
  // dot-atom, which every mail server takes.
  const local = parsed.local;
  if (!local || !DOT_ATOM.test(local) || Buffer.byteLength(local, 'utf8') > 64) return null;
  const domain = domainToASCII(parsed.domain.replace(/\.$/, '')).toLowerCase();
  if (!domain || domain.length > 253) return null;
  const labels = domain.split('.');
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l))) return null;
  if (/^\d+$/.test(labels[labels.length - 1])) return null;
  const normalized = `${local.toLowerCase()}@${domain}`;
  if (normalized.length > 254) return null;
  return { local: local.toLowerCase(), domain, normalized };
}
