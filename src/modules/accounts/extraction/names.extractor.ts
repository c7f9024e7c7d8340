import type { FactSink } from './fact-sink';
import { cleanText, contactText, visibleText, type PageDoc } from './html-page';
import { nameKey } from './value-keys';

/** Legal forms written after a company name ("Ltd", "Inc.", "GmbH", "Pvt. Ltd."). */
const LEGAL_FORM =
  /^(?:inc|incorporated|llc|l\.l\.c|llp|lp|ltd|limited|corp|corporation|co|company|plc|gmbh|mbh|ag|kg|ohg|ug|se|sa|sas|sarl|s\.a|s\.a\.s|s\.r\.l|srl|spa|s\.p\.a|bv|b\.v|nv|n\.v|ab|as|a\/s|aps|oy|oyj|pty|pvt|private|kk|k\.k|sl|s\.l|ltda|sp|z|o\.o|group|holdings)\.?$/i;

/** Words that start the credits after a copyright mark, not a name ("© 2024 Designed by…"). */
const NOT_A_NAME_START =
  /^(?:all|alle|tous|todos|tutti|rights?|designed|powered|website|site|web|made|built|created|developed|theme|template|hosted|copyright|reserved|privacy|terms|imprint|impressum)$/i;

const CONNECTOR = /^(?:&|\+|and|of|the|for|de|du|des|la|le|les|et|und|von|der|y|e|di|van|den)$/i;

const YEAR = /^(?:(?:19|20)\d{2})(?:[-–—/](?:(?:19|20)\d{2}|present|today|heute))?[,.]?$/i;

/**
 * The holder named by a copyright line: "© 1998–2024 Hollins Fasteners Ltd. All rights
 * reserved." → "Hollins Fasteners Ltd.", "Copyright © 2009–2024 Oakridge Analytics, LLC." →
 * "Oakridge Analytics, LLC", "© Atelier Lumière 2024" → "Atelier Lumière". Null when the line
 * names nobody ("© 2024. All rights reserved.", "© 2024 Powered by Shopify").
 */
export function copyrightHolder(line: string): string | null {
  const m = /(?:©|\(c\)|&copy;|\bcopyright\b)/i.exec(line);
  // "Photo © Jane Doe": a credit for a picture, not the site's notice
  if (
    !m ||
    /\b(?:photo|image|picture|illustration|credit|foto|bild)s?\b/i.test(line.slice(0, m.index))
  ) {
    return null;
  }
  const rest = line
    .slice(m.index)
    .replace(/^(?:\s*(?:©|\(c\)|&copy;|copyright\b)\s*)+/i, '')
    .split(/\s+[|·•–—-]\s+|\s*[|·•]\s*/)[0];
  const words = rest.split(/\s+/).filter(Boolean);
  let i = 0;
  while (i < words.length && (YEAR.test(words[i]) || /^(?:by|,)$/i.test(words[i]))) i++;
  const out: string[] = [];
  for (; i < words.length && out.length < 8; i++) {
    let w = words[i];
    if (YEAR.test(w)) break;
    if (!out.length && NOT_A_NAME_START.test(w.replace(/[.,]$/, ''))) return null;
    if (/^(?:all|alle|tous|todos)$/i.test(w) && out.length) break;
    const comma = w.endsWith(',');
    if (comma) w = w.slice(0, -1);
    const bare = w.replace(/\.$/, '');
    const legal = LEGAL_FORM.test(bare) || LEGAL_FORM.test(w);
    if (!/^[\p{Lu}\p{N}&+]/u.test(w) && !CONNECTOR.test(w) && !legal) break;
    // a full stop after anything but an abbreviation ends the sentence, and the name; after an
    // abbreviated legal form ("Ltd.", "Pvt."), only another legal form continues it
    const abbreviation =
      legal && !/^(?:limited|incorporated|company|corporation|group|holdings)$/i.test(bare);
    const sentenceEnd = w.endsWith('.') && !abbreviation && !/^\p{Lu}$/u.test(bare);
    out.push(sentenceEnd ? bare : w);
    if (sentenceEnd) break;
    if (legal && w.endsWith('.')) {
      const next = (words[i + 1] ?? '').replace(/[.,]$/, '');
      if (!LEGAL_FORM.test(next)) break;
    }
    if (comma) {
      // "Oakridge Analytics, LLC": a legal form may follow the comma; anything else ends the name
      const next = (words[i + 1] ?? '').replace(/[,]$/, '');
      if (!LEGAL_FORM.test(next.replace(/\.$/, '')) && !LEGAL_FORM.test(next)) break;
      out[out.length - 1] += ',';
    }
  }
  while (out.length && CONNECTOR.test(out[out.length - 1])) out.pop();
  // "LLC." at a sentence's end: the full stop is the sentence's, not an abbreviation's
  const name = out
    .join(' ')
    .replace(/,$/, '')
    .replace(/\b(\p{Lu}{2,})\.$/u, '$1');
  if (!name || name.length < 2 || name.length > 80 || !/\p{L}/u.test(name)) return null;
  return name;
}

/** Whether a legal form ends the name ("Hollins Fasteners Ltd."). */
export function hasLegalForm(name: string): boolean {
  const last =
    name
      .split(/[\s,]+/)
      .filter(Boolean)
      .pop() ?? '';
  return LEGAL_FORM.test(last) && name.split(/\s+/).length > 1;
}

/** The name without the legal forms that end it ("Northpeak Advisory Pty Ltd" → "Northpeak Advisory"). */
export function withoutLegalForm(name: string): string {
  const words = name.split(/\s+/);
  while (words.length > 1 && LEGAL_FORM.test(words[words.length - 1].replace(/,$/, ''))) {
    words.pop();
  }
  return words.join(' ').replace(/,$/, '');
}

/** Whether a name is the one the domain spells ("Oakridge Analytics" on oakridgeanalytics.com). */
export function matchesDomain(name: string, siteDomain: string | null): boolean {
  const label = (siteDomain ?? '').split('.')[0].replace(/[^a-z0-9]/g, '');
  const compact = nameKey(name).replace(/[^a-z0-9]/g, '');
  if (label.length < 3 || compact.length < 3) return false;
  return compact === label || compact.startsWith(label) || label.startsWith(compact);
}

/**
 * The company's name as its copyright notice gives it (without its legal form: with it, it is a
 * legal-name candidate) — the last notice of the page, in the
 * footer when there is one (photo credits in the content name others) — and as
 * `<meta name="copyright">` gives it. A weak signal (below the logo's alt text) unless the
 * domain spells the same name.
 */
export function extractCopyrightName(doc: PageDoc, sink: FactSink): void {
  const $ = doc.$;
  const texts: string[] = [];
  if ($) {
    const meta = cleanText($('meta[name="copyright" i]').attr('content'));
    if (meta) texts.push(/©|copyright|\(c\)/i.test(meta) ? meta : `© ${meta}`);
    const footer = contactText($);
    const lines = (footer.match(/©|\(c\)|copyright/i) ? footer : visibleText($, $('body'))).split(
      '\n',
    );
    const last = lines.filter((l) => /©|\(c\)|copyright/i.test(l)).pop();
    if (last) texts.push(last);
  } else {
    const last = doc.page.text
      .split('\n')
      .filter((l) => /©|\(c\)|copyright/i.test(l))
      .pop();
    if (last) texts.push(last);
  }
  for (const t of texts) {
    const name = copyrightHolder(t);
    if (!name) continue;
    const confidence = matchesDomain(name, doc.siteDomain) ? 0.5 : 0.4;
    // the name as the company goes by it; with its legal form, its legal name
    sink.add('name', withoutLegalForm(name), { doc, detail: 'copyright', confidence });
    if (hasLegalForm(name)) sink.add('legal_name', name, { doc, detail: 'copyright', confidence });
  }
}
