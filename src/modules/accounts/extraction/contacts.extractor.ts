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
  const written = cleanText(raw);
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

/**
 * Phones and e-mails on a page: `tel:` / `mailto:` links, microdata and microformat properties,
 * and numbers written in the footer, address blocks and contact pages.
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
    $('[itemprop=telephone]').each((_, el) => {
      addPhone($(el).attr('content') ?? $(el).text(), 'microdata', 0.85);
    });
    $('[itemprop=email]').each((_, el) => {
      addEmail($(el).attr('content') ?? $(el).text(), 'microdata', 0.85);
    });
    $('.h-card .p-tel, .vcard .tel').each((_, el) => addPhone($(el).text(), 'microformat', 0.75));
    $('.h-card .u-email, .vcard .email').each((_, el) => {
      addEmail(
        ($(el).attr('href') ?? '').replace(/^mailto:/i, '') || $(el).text(),
        'microformat',
        0.75,
      );
    });
    text = doc.kind === 'contact' ? visibleText($, $('body')) : contactText($);
  } else {
    text = doc.page.text;
  }

  for (const m of findPhoneNumbersInText(text, country ? { defaultCountry: country } : {})) {
    const raw = text.slice(m.startsAt, m.endsAt);
    sink.add(
      'phones',
      {
        number: m.number.number,
        e164: true,
        raw,
        ...(m.number.country ? { country: m.number.country } : {}),
      },
      { doc, detail: 'text', confidence: 0.4 },
    );
  }
  for (const m of text.matchAll(EMAIL_IN_TEXT)) addEmail(m[0], 'text', 0.4);
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
