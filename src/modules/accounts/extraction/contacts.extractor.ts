import {
  findPhoneNumbersInText,
  isSupportedCountry,
  parsePhoneNumberFromString,
  type CountryCode,
} from 'libphonenumber-js';
import { parse as parseHost } from 'tldts';
import type { PhoneNumber, PublicEmail } from './extraction.types';
import type { FactSink } from './fact-sink';
import { cleanText, contactText, visibleText, type PageDoc } from './html-page';

/** Shared mailboxes: fine to store and show, unlike a person's address. */
const ROLE_MAILBOXES = new Set(
  (
    'info hello hi contact contactus sales support help helpdesk service customerservice care ' +
    'press media pr news newsroom marketing partners partnerships partner bizdev bd business ' +
    'careers jobs job recruiting recruitment talent hr people billing accounts accounting finance ' +
    'invoices invoice payments admin office team legal privacy dpo gdpr compliance security abuse ' +
    'trust investors investor ir enquiries enquiry inquiries inquiry feedback events community ' +
    'general mail webmaster orders shop store booking bookings reservations studio developers dev ' +
    'api ops operations success customers customersuccess onboarding welcome membership hq ' +
    'newbusiness solutions editor editorial procurement purchasing vendors suppliers wholesale ' +
    'retail catering reception frontdesk enquire tickets'
  ).split(' '),
);

/** Addresses that only send: nobody reads them. */
const NO_REPLY = /^(?:no-?reply|do-?not-?reply|mailer-daemon|bounce[s]?)\b/i;
/** Form placeholders and documentation addresses. */
const PLACEHOLDER_DOMAINS = new Set(['example.com', 'example.org', 'email.com', 'domain.com']);

/**
 * A public e-mail address as a candidate, or null when it is not one (no-reply, placeholder,
 * `logo@2x.png`, tracking ids).
 */
export function classifyEmail(input: string, siteDomain: string | null): PublicEmail | null {
  const address = input
    .trim()
    .replace(/^mailto:/i, '')
    .toLowerCase();
  const m = /^([a-z0-9._%+'-]+)@([a-z0-9.-]+\.[a-z]{2,})$/i.exec(address);
  if (!m) return null;
  const [, local, host] = m;
  const parsed = parseHost(host, { allowPrivateDomains: true });
  if (!parsed.domain || (!parsed.isIcann && !parsed.isPrivate)) return null;
  if (NO_REPLY.test(local) || PLACEHOLDER_DOMAINS.has(parsed.domain)) return null;
  if (/^[a-f0-9]{16,}$/.test(local)) return null; // error-tracker DSNs and the like
  const mailbox = local.split('+')[0];
  const head = mailbox.split(/[._-]/)[0];
  const kind = ROLE_MAILBOXES.has(mailbox) || ROLE_MAILBOXES.has(head) ? 'role' : 'personal';
  return { address, kind, same_domain: siteDomain != null && parsed.domain === siteDomain };
}

/** A phone number as written, in E.164 when libphonenumber can read it. */
export function parsePhone(raw: string, country?: CountryCode, label?: string): PhoneNumber | null {
  const written = cleanText(raw).replace(/^tel:/i, '');
  const digits = written.replace(/\D/g, '');
  if (digits.length < 6 || digits.length > 17) return null;
  const region = country && isSupportedCountry(country) ? country : undefined;
  const p = parsePhoneNumberFromString(written, region);
  const extra = label ? { label } : {};
  if (p?.isPossible()) {
    return {
      number: p.number,
      e164: true,
      raw: written,
      ...(p.country ? { country: p.country } : {}),
      ...extra,
    };
  }
  return { number: written.replace(/[^\d+]/g, ''), e164: false, raw: written, ...extra };
}

const EMAIL_IN_TEXT = /[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}/gi;

/** `[at]`, `(at)`, `{at}`, `<at>`, `[@]` and `[dot]`, `(dot)`, `[.]`… as written to fool harvesters. */
const BRACKETED_AT = /\s*[[({<]\s*(?:at|@)\s*[\])}>]\s*/gi;
const BRACKETED_DOT = /\s*[[({<]\s*(?:dot|punkt|point|\.)\s*[\])}>]\s*/gi;
/** "jane at acme dot com", "info AT acme.com": the words themselves. */
const SPELLED_OUT =
  /\b([a-z0-9][a-z0-9._%+-]*)\s+(?:at|AT)\s+([a-z0-9][a-z0-9-]*(?:(?:\s+(?:dot|DOT)\s+|\.)[a-z0-9-]+)+)\b/g;

/**
 * E-mail addresses written to fool harvesters: `name [at] domain [dot] com`, `name(at)domain.com`,
 * `name at domain dot com`. Bracketed forms are unambiguous; spelled-out words are taken only
 * for the site's own domain or a shared mailbox (prose is full of "at").
 */
export function deobfuscatedEmails(text: string, siteDomain: string | null): PublicEmail[] {
  const out: PublicEmail[] = [];
  const bracketed = text.replace(BRACKETED_AT, '@').replace(BRACKETED_DOT, '.');
  if (bracketed !== text) {
    for (const m of bracketed.matchAll(EMAIL_IN_TEXT)) {
      const e = classifyEmail(m[0], siteDomain);
      if (e && !text.includes(m[0])) out.push(e);
    }
  }
  for (const m of text.matchAll(SPELLED_OUT)) {
    const domain = m[2].replace(/\s+(?:dot|DOT)\s+/g, '.');
    const e = classifyEmail(`${m[1]}@${domain}`, siteDomain);
    if (e && (e.same_domain || e.kind === 'role')) out.push(e);
  }
  return out;
}

/** The address behind Cloudflare's e-mail protection (`data-cfemail`: a key byte, then XORed bytes). */
export function decodeCfEmail(hex: string): string | null {
  if (!/^(?:[0-9a-f]{2}){2,}$/i.test(hex)) return null;
  const key = parseInt(hex.slice(0, 2), 16);
  let out = '';
  for (let i = 2; i < hex.length; i += 2)
    out += String.fromCharCode(parseInt(hex.slice(i, i + 2), 16) ^ key);
  return out;
}

const FAX_LABEL =
  /(?:\b(?:fax|telefax|facsimile|télécopie)|(?:^|\s)f)\s*(?:no\.?|number|nr\.?)?\s*[.:]*\s*$/i;
/** "Tel/Fax:", "Phone & fax": a line that is both is a phone. */
const PHONE_AND_FAX = /\b(?:tel\w*|phone)\s*[/&+,]\s*fax|\bfax\s*[/&+,]\s*(?:tel\w*|phone)/i;
const PHONE_LABEL =
  /\b(?:tel|telephone|phone|ph|p|call(?:\s+us)?(?:\s+(?:on|at|now))?|t|telefon|tél|téléphone|fon|mobile|mob|cell|hotline|toll[- ]?free|freephone|landline|office|main|sales|support|whatsapp)\b\s*(?:no\.?|number|nr\.?)?\s*[.:]*\s*$/i;

/** What a number found in text is, by the words just before it (or the label cell above it). */
function labelOfText(
  before: string,
  previousLine: string | null,
): 'fax' | 'mobile' | 'phone' | null {
  const own = before.slice(-40);
  const label = own.trim() ? own : (previousLine ?? '').length <= 25 ? (previousLine ?? '') : '';
  if (PHONE_AND_FAX.test(label)) return 'phone';
  if (FAX_LABEL.test(label)) return 'fax';
  if (/\b(?:mobile|mob|cell)\b\s*[.:]?\s*$/i.test(label)) return 'mobile';
  return PHONE_LABEL.test(label) ? 'phone' : null;
}

/**
 * Phones and e-mails on a page: `tel:` / `mailto:` links, microdata and microformat properties,
 * Cloudflare-protected addresses, numbers written after a label ("Tel:", "Phone", "Call us on")
 * anywhere on the page, unlabelled numbers in the footer, address blocks and contact pages, and
 * e-mail addresses in text, obfuscated ones included. A number labelled as a fax is left out:
 * it is no number to call.
 */
export function extractContacts(doc: PageDoc, sink: FactSink, country?: CountryCode): void {
  const addPhone = (raw: string, detail: string, confidence: number, label?: string) => {
    const phone = parsePhone(raw, country, label);
    if (phone) sink.add('phones', phone, { doc, detail, confidence });
  };
  const addEmail = (raw: string, detail: string, confidence: number) => {
    for (const part of raw.split(/[,;]/)) {
      const email = classifyEmail(part, doc.siteDomain);
      if (email) sink.add('emails', email, { doc, detail, confidence });
    }
  };

  const $ = doc.$;
  let text: string;
  if ($) {
    $('a[href^="tel:" i]').each((_, el) => {
      const href = $(el).attr('href') ?? '';
      // "Fax: <a href="tel:…">": a fax line is no number to call
      const shown = cleanText($(el).text());
      const lead = shown ? (cleanText($(el).parent().text()).split(shown)[0] ?? '') : '';
      if (lead && labelOfText(lead, null) === 'fax') return;
      addPhone(
        decode(href.slice(4).split(';')[0]),
        'tel-link',
        0.7,
        labelOf($(el).attr('aria-label')),
      );
    });
    $('a[href^="mailto:" i]').each((_, el) => {
      const href = $(el).attr('href') ?? '';
      addEmail(decode(href.slice(7).split('?')[0]), 'mailto-link', 0.7);
    });
    // Properties of an item are read with their item (the company's own: see extractMarkup; a
    // person's or a distributor's number is not the company's): here only stray ones.
    const stray = (el: unknown) => !$(el as never).parents('[itemscope]').length;
    $('[itemprop=telephone]').each((_, el) => {
      if (stray(el)) addPhone($(el).attr('content') ?? $(el).text(), 'microdata', 0.85);
    });
    $('[itemprop=email]').each((_, el) => {
      if (stray(el)) addEmail($(el).attr('content') ?? $(el).text(), 'microdata', 0.85);
    });
    $('.h-card .p-tel, .vcard .tel').each((_, el) => addPhone($(el).text(), 'microformat', 0.75));
    $('.h-card .u-email, .vcard .email').each((_, el) => {
      addEmail(
        ($(el).attr('href') ?? '').replace(/^mailto:/i, '') || $(el).text(),
        'microformat',
        0.75,
      );
    });
    $('[data-cfemail], a[href*="/cdn-cgi/l/email-protection#"]').each((_, el) => {
      const hex = $(el).attr('data-cfemail') ?? ($(el).attr('href') ?? '').split('#')[1] ?? '';
      const address = decodeCfEmail(hex);
      if (address) addEmail(address, 'cf-email-protection', 0.65);
    });
    const about = doc.kind === 'home' || doc.kind === 'about' || doc.kind === 'contact';
    // every line for labelled numbers and e-mails; the contact blocks for unlabelled numbers
    const region = doc.kind === 'contact' ? visibleText($, $('body')) : contactText($);
    text = about ? visibleText($, $('body')) : region;
    textPhones(doc, sink, text, country, false);
    textPhones(doc, sink, region, country, true);
  } else {
    text = doc.page.text;
    textPhones(doc, sink, text, country, true);
  }

  for (const m of text.matchAll(EMAIL_IN_TEXT)) addEmail(m[0], 'text', 0.4);
  for (const e of deobfuscatedEmails(text, doc.siteDomain)) {
    sink.add('emails', e, { doc, detail: 'obfuscated-text', confidence: 0.4 });
  }
}

/**
 * Numbers written in text, line by line: those after a phone label (any line), and — when
 * `unlabelled` — those with no label (contact blocks, where a number is a contact number).
 */
function textPhones(
  doc: PageDoc,
  sink: FactSink,
  text: string,
  country: CountryCode | undefined,
  unlabelled: boolean,
): void {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!/\d{2}/.test(line)) continue;
    let from = 0;
    for (const m of findPhoneNumbersInText(line, country ? { defaultCountry: country } : {})) {
      const kind = labelOfText(
        line.slice(from, m.startsAt),
        from === 0 ? (lines[i - 1] ?? null) : null,
      );
      from = m.endsAt;
      // a fax line is no number to call
      if (kind === 'fax' || (!kind && !unlabelled)) continue;
      const raw = line.slice(m.startsAt, m.endsAt);
      const label = kind === 'mobile' ? { label: kind } : {};
      sink.add(
        'phones',
        {
          number: m.number.number,
          e164: true,
          raw,
          ...(m.number.country ? { country: m.number.country } : {}),
          ...label,
        },
        { doc, detail: 'text', confidence: kind ? 0.45 : 0.4 },
      );
    }
  }
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** "Call sales" → "sales": the department a number is for, when the link says. */
function labelOf(aria: string | undefined): string | undefined {
  const m = /\b(sales|support|billing|press|media|hr|careers|office|reception|main)\b/i.exec(
    aria ?? '',
  );
  return m ? m[1].toLowerCase() : undefined;
}
