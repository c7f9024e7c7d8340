/** Keys whose values never reach a log line, whatever their nesting. */
// `token` but not token counts (`prompt_tokens`, `token_count`) or tokenizers.
const SECRET_KEY =
  /(authorization|api[_-]?key|secret|token(?!s|_?count|izer)|password|passwd|cookie|signature)/i;

export const REDACTED = '[REDACTED]';

/**
 * Deep copy with every secret-looking key's value replaced (bounded depth, cycles cut). An absent
 * secret (null/undefined) stays absent, so a log line never claims a header that was not sent.
 */
export function redactSecrets(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Error || value instanceof Date || Buffer.isBuffer(value)) return value;
  if (depth > 8 || seen.has(value)) return '[…]';
  // `seen` holds the ancestors only: an object referenced twice side by side is no cycle.
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((v) => redactSecrets(v, depth + 1, seen));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out[k] = SECRET_KEY.test(k) && v != null ? REDACTED : redactSecrets(v, depth + 1, seen);
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

// ---- Secrets in free text (vendor error messages) -------------------------------------------

/** Names of settings that hold a credential besides SECRET_KEY's words: `…_KEY`, `…_CREDENTIALS`. */
const SECRET_NAME_WORD = /(^|_)(keys?|credentials?|pass|pwd|private)(_|$)/i;
/** Settings named like a secret that only point at one (a file, a URL) or tune one (a TTL). */
const NOT_A_SECRET_NAME = /_(url|uri|file|path|audiences?|seconds|ms|ttl|enabled)$/i;

/** Whether a setting's name (`APOLLO_API_KEY`, `CALLBACK_BEARER_TOKEN`…) says it holds a secret. */
export function isSecretName(name: string): boolean {
  return (SECRET_KEY.test(name) || SECRET_NAME_WORD.test(name)) && !NOT_A_SECRET_NAME.test(name);
}

/**
 * Shorter values are not treated as secrets: redacting `true` or `300` wherever it occurs would
 * garble messages and protect nothing.
 */
export const MIN_SECRET_LENGTH = 8;
/** A secret cut short (a message truncated to its maximum length) is still redacted from here on. */
const MIN_SECRET_PREFIX = 10;
/** Characters of a base64 (or base64url) run; `=` only as its padding. */
const BASE64_CHAR = /[A-Za-z0-9+/_-]/;

/** The base64 of `value` wherever it sits in a longer blob (`user:key`): one per byte alignment. */
function base64Fragments(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const out = new Set<string>();
  for (const offset of [0, 1, 2]) {
    const b64 = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    // Only the characters that depend on `value` alone (not on what precedes or follows it).
    const frag = b64.slice(
      Math.ceil((8 * offset) / 6),
      Math.floor((8 * (offset + bytes.length)) / 6),
    );
    if (frag.length < MIN_SECRET_LENGTH) continue;
    out.add(frag);
    out.add(frag.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return [...out];
}

/** Query parameters whose value is a credential whoever's it is (`?KEY=…`, `&api_key=…`, `&sig=…`). */
const SECRET_PARAM = new RegExp(
  // An already redacted value is matched whole, so that redacting twice changes nothing.
  `([?&;]([\\w.-]+)=)(${REDACTED.replace(/[[\]]/g, '\\$&')}|[^&#\\s"'<>;,()[\\]{}]+)`,
  'g',
);
const SECRET_PARAM_NAME = /^(key|apikey|sig|auth|pass|pwd)$/i;
/** `scheme://user:password@host`: the password. */
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s/:@]*:)([^\s/@]+)@/gi;
const BEARER = /\b(Bearer\s+)([A-Za-z0-9._~+/-]+=*)/g;
const BASIC = /\b(Basic\s+)([A-Za-z0-9+/]{8,}={0,2})/g;

/**
 * Credentials recognisable by their shape, known or not: the values of credential query
 * parameters, URL passwords, bearer tokens and Basic credentials.
 */
export function redactCredentialPatterns(text: string): string {
  return text
    .replace(SECRET_PARAM, (all, head: string, name: string, value: string) =>
      // A value an adapter already masked (BuiltWith's `KEY=***`) stays as it is.
      (SECRET_PARAM_NAME.test(name) || SECRET_KEY.test(name)) && !/^\*+$/.test(value)
        ? `${head}${REDACTED}`
        : all,
    )
    .replace(URL_PASSWORD, `$1${REDACTED}@`)
    .replace(BEARER, (all, head: string, token: string) =>
      // A token, not prose ("Bearer authentication required"): digits in it, or long.
      (token.length >= 12 && /\d/.test(token)) || token.length >= 32 ? `${head}${REDACTED}` : all,
    )
    .replace(BASIC, (all, head: string, b64: string) =>
      // A real Basic credential decodes to printable `user:password`.
      /^[\x20-\x7e]*:[\x20-\x7e]*$/.test(Buffer.from(b64, 'base64').toString('latin1'))
        ? `${head}${REDACTED}`
        : all,
    );
}

/**
 * Replaces known secret values in free text, in the forms they travel in: as is, URL-encoded,
 * JSON-escaped, inside base64 (a Basic credential `user:key`), cut short at the end of a
 * truncated message, and in the shapes `redactCredentialPatterns` recognises. Built once from the
 * configured secrets; values shorter than MIN_SECRET_LENGTH are ignored.
 */
export class SecretRedactor {
  private readonly secrets: string[];
  private readonly literals: string[];
  private readonly fragments: string[];

  constructor(secrets: Iterable<string | null | undefined>) {
    const unique = new Set<string>();
    for (const s of secrets) if (s && s.length >= MIN_SECRET_LENGTH) unique.add(s);
    // Longest first: a secret that contains another is replaced whole.
    this.secrets = [...unique].sort((a, b) => b.length - a.length);
    const literals = new Set<string>();
    for (const s of this.secrets) {
      const enc = encodeURIComponent(s);
      for (const v of [s, enc, enc.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase())])
        literals.add(v);
      literals.add(JSON.stringify(s).slice(1, -1));
    }
    this.literals = [...literals].sort((a, b) => b.length - a.length);
    this.fragments = this.secrets.flatMap(base64Fragments);
  }

  /** How many secrets it knows. */
  get size(): number {
    return this.secrets.length;
  }

  redact = (text: string): string => {
    let out = text;
    for (const l of this.literals) if (out.includes(l)) out = out.split(l).join(REDACTED);
    for (const f of this.fragments) out = replaceBase64Runs(out, f);
    for (const s of this.secrets) out = replacePrefixes(out, s);
    return redactCredentialPatterns(out);
  };
}

/** Replaces each whole base64 run that contains `fragment`. */
function replaceBase64Runs(text: string, fragment: string): string {
  let out = text;
  for (let i = out.indexOf(fragment); i >= 0; i = out.indexOf(fragment, i + REDACTED.length)) {
    let from = i;
    let to = i + fragment.length;
    while (from > 0 && BASE64_CHAR.test(out[from - 1])) from--;
    while (to < out.length && BASE64_CHAR.test(out[to])) to++;
    while (out[to] === '=') to++;
    out = `${out.slice(0, from)}${REDACTED}${out.slice(to)}`;
    i = from;
  }
  return out;
}

/** Replaces what is left of `secret` where a message was cut in the middle of it. */
function replacePrefixes(text: string, secret: string): string {
  if (secret.length <= MIN_SECRET_PREFIX) return text;
  const head = secret.slice(0, MIN_SECRET_PREFIX);
  let out = text;
  for (let i = out.indexOf(head); i >= 0; i = out.indexOf(head, i + REDACTED.length)) {
    let n = MIN_SECRET_PREFIX;
    while (n < secret.length && out[i + n] === secret[n]) n++;
    out = `${out.slice(0, i)}${REDACTED}${out.slice(i + n)}`;
  }
  return out;
}
