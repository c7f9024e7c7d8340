/**
 * Canonical email shapes shared by the email providers (the built-in SMTP verifier `builtin_smtp`
 * and Hunter for `email.verify`; Hunter for `email.find`). Adapters map vendor payloads to these;
 * vendor types never leave an adapter's folder. Times are ISO strings.
 */

/**
 * `email.verify`: 1–50 addresses, possibly of several domains. A provider may group them by domain
 * (the built-in verifier asks each domain's mail server about all of its addresses in one SMTP
 * session); the answer is positional either way.
 */
export interface EmailVerifyInput {
  emails: string[];
}

/**
 * `deliverable`: the mailbox server accepted the address and the domain is not a catch-all.
 * `undeliverable`: invalid syntax, a domain that takes no mail, or the server said the mailbox does
 * not exist. `risky`: accepted, but a catch-all, disposable, or full mailbox. `unknown`: no answer
 * that settles it (timeouts, greylisting, blocks).
 */
export type EmailVerifyStatus = 'deliverable' | 'undeliverable' | 'risky' | 'unknown';

/** Why a verdict is what it is; vendors map their own flags to these names. */
export type EmailVerifyReason =
  | 'accept_all'
  | 'role'
  | 'disposable'
  | 'free_provider'
  | 'full_mailbox'
  | 'greylisted'
  | 'no_mx'
  | 'null_mx'
  | 'smtp_blocked'
  | 'invalid_syntax'
  | 'mailbox_disabled'
  | 'mailbox_not_found'
  | 'policy_block'
  | 'timeout'
  | 'connection_refused'
  | 'dns_error'
  | 'smtp_error'
  | 'webmail'
  | 'gibberish'
  | 'vendor_unverified'
  // Open: a vendor may report something else, kept as is.
  | (string & {});

/** The last SMTP reply that decided the verdict (the RCPT TO reply, normally). */
export interface EmailSmtpReply {
  /** The mail server answering (MX host name). */
  host: string;
  /** Basic reply code, e.g. 250, 550, 451. */
  code: number;
  /** RFC 3463 enhanced status code when the server sent one, e.g. "5.1.1". */
  enhanced_code?: string;
  message: string;
}

export interface EmailVerification {
  /** The address as given. */
  email: string;
  /** Lower-cased, trimmed, domain in ASCII (punycode for IDN); null when it does not parse. */
  normalized: string | null;
  status: EmailVerifyStatus;
  reasons: EmailVerifyReason[];
  /** 0–100: how likely a mail to it is delivered. */
  score: number;
  /** Null when no SMTP conversation decided it (syntax, DNS, vendor without SMTP detail). */
  smtp: EmailSmtpReply | null;
  /** The domain's mail hosts in preference order (A/AAAA fallback: the domain itself). */
  mx: string[];
  /** The domain accepts any address; null when not known. */
  catch_all: boolean | null;
  /** ISO time of the check (of the cached check when answered from cache). */
  verified_at: string;
  /** Which provider produced the verdict (filled in by the provider). */
  provider?: string;
}

export interface EmailVerifyResult {
  /** `results[i]` answers `emails[i]`. */
  results: EmailVerification[];
}

/** `email.find`: the emails of a domain, or one person's at a domain. */
export interface EmailFindInput {
  /** Registrable domain, e.g. `acme.com`. */
  domain?: string;
  company?: string;
  first_name?: string;
  last_name?: string;
  full_name?: string;
  /** Generic (`info@`) or personal addresses only; both when absent. */
  type?: 'personal' | 'generic';
  /** At most 100. */
  limit?: number;
  offset?: number;
}

/**
 * `email.find` operation `domain-search`: the emails of a domain (or company), optionally narrowed
 * to some seniorities and departments. Values are the vendor's vocabulary (Hunter: seniority
 * `junior`, `senior`, `executive`; department `executive`, `it`, `finance`, `management`, `sales`,
 * `legal`, `support`, `hr`, `marketing`, `communication`, `education`, `design`, `health`,
 * `operations`).
 */
export interface EmailDomainSearchInput extends EmailFindInput {
  seniority?: string[];
  department?: string[];
}

/** Where a found email was seen. */
export interface EmailSource {
  uri?: string;
  domain?: string;
  extracted_on?: string;
  last_seen_on?: string;
  still_on_page?: boolean;
}

export interface FoundEmail {
  email: string;
  type?: 'personal' | 'generic';
  /** 0–100, as the vendor scores it. */
  confidence?: number;
  first_name?: string;
  last_name?: string;
  position?: string;
  seniority?: string;
  department?: string;
  linkedin_url?: string;
  twitter?: string;
  phone_number?: string;
  sources?: EmailSource[];
  /** The vendor's own verification when it gives one. */
  verification?: { status: EmailVerifyStatus | string; date?: string | null };
}

export interface EmailFindResult {
  domain?: string;
  organization?: string;
  /** The domain's address pattern, e.g. `{first}.{last}`. */
  pattern?: string | null;
  accept_all?: boolean | null;
  disposable?: boolean;
  webmail?: boolean;
  emails: FoundEmail[];
  /** Total the vendor reports for the query (all pages). */
  total?: number;
}
