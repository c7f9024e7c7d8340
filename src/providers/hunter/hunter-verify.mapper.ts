import { domainToASCII } from 'node:url';
import type { EmailVerification, EmailVerifyReason, EmailVerifyStatus } from '../email/email.types';

/** `GET /email-verifier` 200 answer (VENDORS.md §2). Flags may be null when a check did not run. */
export interface HunterVerifierResponse {
  data?: {
    status?: string | null;
    /** Deprecated (`deliverable | undeliverable | risky`), still sent. */
    result?: string | null;
    score?: number | null;
    email?: string | null;
    regexp?: boolean | null;
    gibberish?: boolean | null;
    disposable?: boolean | null;
    webmail?: boolean | null;
    mx_records?: boolean | null;
    smtp_server?: boolean | null;
    smtp_check?: boolean | null;
    accept_all?: boolean | null;
    block?: boolean | null;
  } | null;
}

/**
 * Hunter's status → ours, alone (for the `verification` of a found email, where no flags come
 * with it): valid → deliverable, invalid → undeliverable, accept_all / disposable / webmail →
 * risky, unknown (or anything new) → unknown.
 */
export function verifyStatus(status: string): EmailVerifyStatus {
  switch (status) {
    case 'valid':
      return 'deliverable';
    case 'invalid':
      return 'undeliverable';
    case 'accept_all':
    case 'disposable':
    case 'webmail':
      return 'risky';
    default:
      return 'unknown';
  }
}

/**
 * Hunter charges a verification credit for valid, invalid, accept_all and webmail answers, not for
 * unknown or disposable ones (VENDORS.md §2).
 */
export const isChargedStatus = (status: string | null | undefined): boolean =>
  status === 'valid' || status === 'invalid' || status === 'accept_all' || status === 'webmail';

/** Lower-cased, trimmed, domain in ASCII (punycode); null when it is not `local@domain`. */
export function normalizeEmail(email: string): string | null {
  const e = String(email ?? '')
    .trim()
    .toLowerCase();
  const at = e.lastIndexOf('@');
  if (at <= 0 || at === e.length - 1 || /\s/.test(e)) return null;
  const domain = domainToASCII(e.slice(at + 1));
  return domain ? `${e.slice(0, at)}@${domain}` : null;
}

/** A verdict Hunter did not give (222, 451): unknown, with why. */
export function unverified(email: string, reasons: EmailVerifyReason[]): EmailVerification {
  return {
    email,
    normalized: normalizeEmail(email),
    status: 'unknown',
    reasons,
    score: 0,
    smtp: null,
    mx: [],
    catch_all: null,
    verified_at: new Date().toISOString(),
    provider: 'hunter',
  };
}

/**
 * One address's 200 answer → our verdict. The status decides, the flags add reasons:
 * - valid → deliverable; invalid → undeliverable; unknown → unknown;
 * - accept_all → risky + `accept_all` (a catch-all address is never deliverable);
 * - disposable → risky + `disposable` (Reacher's rule: accepted but disposable is risky), or
 *   undeliverable when Hunter's (deprecated) `result` says so;
 * - webmail → deliverable when the mailbox was confirmed (`smtp_check` or `result: deliverable`),
 *   undeliverable when `result` says so, risky otherwise; + `free_provider`.
 * Hunter gives no SMTP reply nor MX hosts: `smtp` is null and `mx` empty (`no_mx` when it found
 * none). The score is Hunter's (0 when it gives none).
 */
export function mapVerification(email: string, body: HunterVerifierResponse): EmailVerification {
  const d = body?.data ?? {};
  const status = typeof d.status === 'string' ? d.status : 'unknown';
  const reasons = new Set<EmailVerifyReason>();
  let verdict = verifyStatus(status);
  if (status === 'accept_all' || d.accept_all === true) reasons.add('accept_all');
  if (status === 'disposable' || d.disposable === true) reasons.add('disposable');
  if (status === 'webmail' || d.webmail === true) reasons.add('free_provider');
  if (d.regexp === false) reasons.add('invalid_syntax');
  if (d.gibberish === true) reasons.add('gibberish');
  if (d.mx_records === false) reasons.add('no_mx');
  if (d.block === true) reasons.add('smtp_blocked');
  if (status === 'invalid' && d.smtp_server === true && d.smtp_check === false)
    reasons.add('mailbox_not_found');
  if (status === 'disposable' && d.result === 'undeliverable') verdict = 'undeliverable';
  if (status === 'webmail') {
    if (d.result === 'undeliverable') verdict = 'undeliverable';
    else if (d.smtp_check === true || d.result === 'deliverable') verdict = 'deliverable';
  }
  // A catch-all domain's address is never deliverable, whatever the status says.
  if (verdict === 'deliverable' && d.accept_all === true) verdict = 'risky';
  const score = typeof d.score === 'number' && Number.isFinite(d.score) ? d.score : 0;
  return {
    email,
    normalized: normalizeEmail(email),
    status: verdict,
    reasons: [...reasons],
    score: Math.max(0, Math.min(100, Math.round(score))),
    smtp: null,
    mx: [],
    catch_all: typeof d.accept_all === 'boolean' ? d.accept_all : status === 'accept_all' || null,
    verified_at: new Date().toISOString(),
    provider: 'hunter',
  };
}
