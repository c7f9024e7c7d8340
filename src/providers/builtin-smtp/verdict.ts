import type {
  EmailSmtpReply,
  EmailVerification,
  EmailVerifyReason,
  EmailVerifyStatus,
} from '../email/email.types';
import type { SmtpReply } from './smtp-session';

/** What one RCPT TO reply says about a mailbox. */
export type RcptOutcome =
  | 'accepted'
  | 'not_found'
  | 'disabled'
  | 'full'
  | 'greylisted'
  | 'temporary'
  | 'blocked'
  | 'policy'
  | 'error';

const BLOCK_TEXT =
  /spamhaus|spamcop|barracuda|sorbs|\brbl\b|dnsbl|blocklist|blacklist|block(ed)?\b|banned|reputation|poor reputation|listed|\bip\b.*\b(reject|denied)|client host|not allowed to send/i;
const POLICY_TEXT =
  /policy|relay(ing)? (denied|not permitted|access denied)|authentication required|access denied|not permitted|spf|dmarc|rejected due to/i;
const DISABLED_TEXT =
  /disabled|deactivated|inactive|suspended|no longer (active|available)|account (has been )?(closed|locked)/i;
const NOT_FOUND_TEXT =
  /user unknown|unknown user|no such (user|mailbox|recipient)|does ?n[o']t exist|not exist|mailbox (unavailable|not found)|recipient (not found|unknown|rejected)|invalid (recipient|mailbox|address)|address rejected|unrouteable|not found|unknown/i;
const FULL_TEXT = /full|quota|over ?quota|insufficient (system )?storage|exceeded storage/i;
const GREYLIST_TEXT = /grey|gray|try (again )?later|temporar|deferred|please retry/i;

/** Reads one RCPT TO reply: the code first, the enhanced code and the text to tell cases apart. */
export function classifyRcpt(r: SmtpReply): RcptOutcome {
  const e = r.enhanced ?? '';
  if (r.code >= 200 && r.code < 300) return 'accepted';
  if (r.code === 452 || r.code === 552 || e === '4.2.2' || e === '5.2.2') {
    // 452 4.5.3 is "too many recipients", not a full mailbox.
    if (e === '4.5.3' || (!FULL_TEXT.test(r.message) && e && !e.endsWith('.2.2')))
      return r.code < 500 ? 'temporary' : 'error';
    return 'full';
  }
  if (r.code >= 400 && r.code < 500) {
    if (r.code === 421) return 'temporary';
    return GREYLIST_TEXT.test(r.message) || r.code === 450 || r.code === 451
      ? 'greylisted'
      : 'temporary';
  }
  if (e.startsWith('5.1.')) return 'not_found';
  if (e === '5.2.1' || DISABLED_TEXT.test(r.message)) return 'disabled';
  if (e.startsWith('5.7.') || BLOCK_TEXT.test(r.message) || POLICY_TEXT.test(r.message))
    return BLOCK_TEXT.test(r.message) ? 'blocked' : 'policy';
  if (NOT_FOUND_TEXT.test(r.message) || [550, 551, 553].includes(r.code)) return 'not_found';
  return 'error';
}

/** A reply that refuses the whole session (greeting, EHLO, MAIL FROM): a block or a failure. */
export function sessionRefusal(r: SmtpReply): {
  outcome: RcptOutcome;
  reasons: EmailVerifyReason[];
} {
  if (r.code >= 400 && r.code < 500)
    return GREYLIST_TEXT.test(r.message) && r.code !== 421
      ? { outcome: 'greylisted', reasons: ['greylisted'] }
      : { outcome: 'temporary', reasons: ['smtp_error'] };
  if (BLOCK_TEXT.test(r.message)) return { outcome: 'blocked', reasons: ['smtp_blocked'] };
  if ((r.enhanced ?? '').startsWith('5.7.') || POLICY_TEXT.test(r.message))
    return { outcome: 'policy', reasons: ['smtp_blocked', 'policy_block'] };
  return { outcome: 'error', reasons: ['smtp_error'] };
}

/** What the domain and the local part say, whatever the mail server answers. */
export interface AddressTraits {
  role: boolean;
  disposable: boolean;
  free: boolean;
}

export interface VerdictInput {
  email: string;
  normalized: string;
  traits: AddressTraits;
  mx: string[];
  catchAll: boolean | null;
  smtp: (EmailSmtpReply & { outcome: RcptOutcome }) | null;
  /** Reasons decided before or around SMTP (no_mx, timeout, greylisted, smtp_blocked…). */
  reasons: EmailVerifyReason[];
  /** Status decided without an RCPT answer (DNS), if any. */
  status?: EmailVerifyStatus;
  verifiedAt: string;
}

const BASE_SCORE: Record<EmailVerifyStatus, number> = {
  deliverable: 95,
  risky: 60,
  unknown: 40,
  undeliverable: 2,
};

/**
 * The verdict of one address. Accepted by a catch-all domain is never `deliverable` (risky,
 * accept_all); accepted at a disposable domain is risky; a full mailbox is risky; a block or a
 * failure of the server is `unknown`, never `undeliverable`.
 */
export function verdict(v: VerdictInput): EmailVerification {
  const reasons = new Set<EmailVerifyReason>(v.reasons);
  let status: EmailVerifyStatus = v.status ?? 'unknown';
  switch (v.smtp?.outcome) {
    case 'accepted':
      status = 'deliverable';
      if (v.catchAll) reasons.add('accept_all');
      if (v.catchAll || v.traits.disposable) status = 'risky';
      break;
    case 'not_found':
      status = 'undeliverable';
      reasons.add('mailbox_not_found');
      break;
    case 'disabled':
      status = 'undeliverable';
      reasons.add('mailbox_disabled');
      break;
    case 'full':
      status = 'risky';
      reasons.add('full_mailbox');
      break;
    case 'greylisted':
      reasons.add('greylisted');
      break;
    case 'blocked':
      reasons.add('smtp_blocked');
      break;
    case 'policy':
      reasons.add('smtp_blocked').add('policy_block');
      break;
    case 'temporary':
    case 'error':
      reasons.add('smtp_error');
      break;
  }
  if (v.traits.role) reasons.add('role');
  if (v.traits.disposable) reasons.add('disposable');
  if (v.traits.free) reasons.add('free_provider');
  let score = BASE_SCORE[status];
  if (status === 'risky' && reasons.has('accept_all')) score = 55;
  if (status === 'risky' && reasons.has('full_mailbox')) score = 35;
  if (status === 'unknown' && reasons.has('greylisted')) score = 45;
  if (status === 'unknown' && reasons.has('smtp_blocked')) score = 30;
  if (reasons.has('disposable')) score = Math.min(score, 20);
  if (reasons.has('role') && status !== 'undeliverable') score -= 10;
  return {
    email: v.email,
    normalized: v.normalized,
    status,
    reasons: [...reasons],
    score: Math.max(0, Math.min(100, score)),
    smtp: v.smtp
      ? {
          host: v.smtp.host,
          code: v.smtp.code,
          ...(v.smtp.enhanced_code ? { enhanced_code: v.smtp.enhanced_code } : {}),
          message: v.smtp.message.slice(0, 500),
        }
      : null,
    mx: v.mx,
    catch_all: v.catchAll,
    verified_at: v.verifiedAt,
  };
}
