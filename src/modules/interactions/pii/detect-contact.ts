/** Email addresses and IP addresses. */
import ipaddr from 'ipaddr.js';
import { parse as parseHost } from 'tldts';
import { textBefore } from './context';
import type { PiiMatch } from './pii.types';

const LOCAL = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*";
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
/** RFC 5322 dot-atom local part @ a host name of DNS labels (no quoted locals, no IP literals). */
const EMAIL = new RegExp(
  `(?<![\\w.+-])${LOCAL}@(?:${LABEL}\\.)+[A-Za-z]{2,63}(?![\\w-]|\\.\\w|:[\\w/~])`,
  'g',
);

const AT = String.raw`\s*(?:\[at\]|\(at\)|\{at\}|<at>)\s*|\s+at\s+`;
const DOT = String.raw`\s*(?:\[dot\]|\(dot\)|\{dot\}|<dot>)\s*|\s+dot\s+|\.`;
/**
 * `jane [at] acme [dot] com`, `jane.doe (at) acme.co.uk`, `jane dot doe at acme dot com`. Bounded
 * repetitions (≤ 6 local parts, ≤ 6 host labels) keep it linear on long runs of "a dot a dot …".
 */
const OBFUSCATED = new RegExp(
  String.raw`(?<![\w.@])([\w%+-]{1,64}(?:(?:${DOT})[\w%+-]{1,64}){0,5})(${AT})((?:[A-Za-z0-9-]{1,63}(?:${DOT})){1,5}[A-Za-z]{2,24})\b`,
  'gi',
);
/** Words before a spelled-out "x at y dot com" that say it is an email address. */
const EMAIL_CUE = /\b(?:e-?mail|mail|address|inbox|reach|write|contact)\b/i;

/** Whether `host`'s public suffix is a real top-level domain (or a known private suffix). */
function realHost(host: string): boolean {
  const h = parseHost(host);
  return Boolean(h.domain) && (h.isIcann === true || h.isPrivate === true);
}

/**
 * Email addresses: `name+tag@sub.example.co.uk` (dot-atom local part, a host on a real public
 * suffix — `icon@2x.png` is not an address), and obfuscated forms with `[at]`/`(at)` and
 * `[dot]`/`(dot)`, or spoken "jane dot doe at acme dot com" (needs a spelled "dot" in the host and
 * an email cue before it or a dot in the local part). Key: the address lower-cased.
 */
export function detectEmails(text: string): PiiMatch[] {
  const found: PiiMatch[] = [];
  for (const m of text.matchAll(EMAIL)) {
    const at = m[0].lastIndexOf('@');
    if (!realHost(m[0].slice(at + 1))) continue;
    found.push({
      type: 'EMAIL',
      start: m.index,
      end: m.index + m[0].length,
      key: m[0].toLowerCase(),
    });
  }
  if (!/\bat\b/i.test(text)) return found;
  const re = new RegExp(OBFUSCATED.source, OBFUSCATED.flags);
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const email = obfuscatedEmail(text, m);
    if (email) found.push(email);
    // a failed candidate may hide a real one starting inside it ("me at jane dot doe at …")
    else re.lastIndex = m.index + 1;
  }
  return found;
}

function obfuscatedEmail(text: string, m: RegExpExecArray): PiiMatch | undefined {
  const [whole, local, at, host] = m;
  if (whole.includes('@')) return undefined;
  if (!/[[({<]/.test(at)) {
    const spokenDot = /\s+dot\s+|[[({<]dot/i.test(host);
    const cue = /\sdot\s|\./i.test(local) || EMAIL_CUE.test(textBefore(text, m.index, 40));
    if (!spokenDot || !cue) return undefined;
  }
  const undot = (s: string) => s.replace(new RegExp(DOT, 'gi'), '.');
  if (!realHost(undot(host))) return undefined;
  const key = `${undot(local)}@${undot(host)}`.toLowerCase();
  return { type: 'EMAIL', start: m.index, end: m.index + whole.length, key };
}

const IPV4 = /(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w]|\.\d)/g;
/** Candidates with "::" or eight groups; validated by ipaddr.js. */
const IPV6 = /(?<![\w:.])(?=[0-9A-Fa-f:.]*::|(?:[0-9A-Fa-f]{1,4}:){7})[0-9A-Fa-f:.]{2,45}(?![\w])/g;
/** Words before a dotted quad that make it a version, build or outline number ("section 4.2.1.3"). */
const NUMBERING_CUE =
  /\b(?:version|ver|build|release|firmware|v|section|sec|clause|step|chapter|paragraph|para|article|art|rule|item|§)\.?\s*$/i;

/**
 * IPv4 (four decimal octets ≤ 255, no leading zeros, not right after "version", "build",
 * "section"…) and IPv6 (full, compressed with `::`, or with an embedded IPv4); the unspecified
 * address (0.0.0.0, ::) identifies nobody and is left. Key: ipaddr.js's normal form.
 */
export function detectIps(text: string): PiiMatch[] {
  const found: PiiMatch[] = [];
  for (const m of text.matchAll(IPV4)) {
    if (m[0].split('.').some((o) => Number(o) > 255 || (o.length > 1 && o.startsWith('0'))))
      continue;
    if (NUMBERING_CUE.test(textBefore(text, m.index, 20))) continue;
    const ip = ipaddr.IPv4.parse(m[0]);
    if (ip.range() === 'unspecified') continue;
    const key = ip.toString();
    found.push({ type: 'IP', start: m.index, end: m.index + m[0].length, key });
  }
  if (!text.includes(':')) return found;
  for (const m of text.matchAll(IPV6)) {
    const raw = m[0].replace(/[.:]+$/, (tail) => (tail.startsWith('::') ? '::' : ''));
    if (!ipaddr.IPv6.isValid(raw)) continue;
    const ip = ipaddr.IPv6.parse(raw);
    if (ip.range() === 'unspecified') continue;
    const key = ip.toNormalizedString();
    found.push({ type: 'IP', start: m.index, end: m.index + raw.length, key });
  }
  return found;
}
