import { randomBytes } from 'node:crypto';
import type { EmailSmtpReply, EmailVerifyReason } from '../email/email.types';
import type { SmtpVerifierSettings } from './builtin-smtp.settings';
import { CatchAllCache } from './catch-all-cache';
import { delay } from '../core/rate-limiter';
import { DomainGate } from './domain-gate';
import type { MailRoute } from './mx-lookup';
import { SmtpReply, SmtpSession, SmtpSessionError, SmtpSessionOptions } from './smtp-session';
import { classifyRcpt, RcptOutcome, sessionRefusal } from './verdict';

/** What the SMTP conversation said about one address. */
export interface MailboxAnswer {
  smtp: (EmailSmtpReply & { outcome: RcptOutcome }) | null;
  reasons: EmailVerifyReason[];
}

export interface DomainCheckDeps {
  settings: SmtpVerifierSettings;
  session: Omit<SmtpSessionOptions, 'signal'>;
  gate: DomainGate;
  catchAll: CatchAllCache;
  signal: AbortSignal;
}

/** Outcomes worth asking again later in the same call (greylisting, a busy server). */
const RETRY = new Set<RcptOutcome>(['greylisted', 'temporary']);

/**
 * Asks a domain's mail hosts about its addresses (normalized, unique): all in one session when
 * sessions are reused (RSET between addresses), else one session each; then one random address
 * for catch-all unless the cache knows. Addresses answered 4xx are asked again in a new session
 * after the greylisting delay, `greylistRetries` times at most. Returns the catch-all status and
 * each address's answer.
 */
export async function checkDomain(
  domain: string,
  route: MailRoute & { kind: 'mx' | 'fallback' },
  addresses: string[],
  deps: DomainCheckDeps,
): Promise<{ catchAll: boolean | null; answers: Map<string, MailboxAnswer> }> {
  const answers = new Map<string, MailboxAnswer>();
  let catchAll = await deps.catchAll.get(domain);
  let pending = addresses;
  for (let round = 0; pending.length; round++) {
    if (round > 0) await delay(deps.settings.greylistDelayMs, deps.signal);
    const groups = deps.settings.reuseSessions ? [pending] : pending.map((a) => [a]);
    for (const group of groups) {
      const probe = catchAll === null;
      const out = await deps.gate.run(domain, deps.signal, () =>
        askHosts(route.hosts, group, probe ? domain : null, deps),
      );
      for (const [a, answer] of out.answers) answers.set(a, answer);
      if (probe && out.catchAll !== null) {
        catchAll = out.catchAll;
        await deps.catchAll.set(domain, catchAll);
      }
    }
    if (round >= deps.settings.greylistRetries) break;
    pending = pending.filter((a) => {
      const o = answers.get(a)?.smtp?.outcome;
      return o !== undefined && RETRY.has(o);
    });
  }
  return { catchAll, answers };
}

/** One session, on the first MX host that takes a connection (in preference order). */
async function askHosts(
  hosts: string[],
  addresses: string[],
  probeDomain: string | null,
  deps: DomainCheckDeps,
): Promise<{ catchAll: boolean | null; answers: Map<string, MailboxAnswer> }> {
  let lastError: SmtpSessionError | null = null;
  for (const host of hosts) {
    let session: SmtpSession;
    try {
      session = await SmtpSession.open(host, { ...deps.session, signal: deps.signal });
    } catch (err) {
      if (deps.signal.aborted) throw deps.signal.reason;
      const e = asSessionError(err);
      const refused = (e as { reply?: SmtpReply }).reply;
      // A server that answers and refuses us (a block) speaks for the domain: no other host.
      if (refused) return everyone(addresses, refusal(host, refused));
      lastError = e;
      continue;
    }
    try {
      return await converse(session, addresses, probeDomain, deps.settings);
    } catch (err) {
      if (deps.signal.aborted) throw deps.signal.reason;
      return everyone(addresses, failed(asSessionError(err)));
    } finally {
      await session.quit();
    }
  }
  return everyone(addresses, failed(lastError ?? new SmtpSessionError('refused', 'no mail host')));
}

async function converse(
  session: SmtpSession,
  addresses: string[],
  probeDomain: string | null,
  settings: SmtpVerifierSettings,
): Promise<{ catchAll: boolean | null; answers: Map<string, MailboxAnswer> }> {
  const answers = new Map<string, MailboxAnswer>();
  const from = `MAIL FROM:<${settings.mailFrom}>`;
  let first = true;
  const ask = async (address: string): Promise<{ reply: SmtpReply; refused: boolean }> => {
    const commands = [...(first ? [] : ['RSET']), from, `RCPT TO:<${address}>`];
    first = false;
    const replies = await session.send(commands);
    const mail = replies[replies.length - 2];
    if (mail.code >= 300) return { reply: mail, refused: true };
    return { reply: replies[replies.length - 1], refused: false };
  };
  for (let i = 0; i < addresses.length; i++) {
    let asked: Awaited<ReturnType<typeof ask>>;
    try {
      asked = await ask(addresses[i]);
    } catch (err) {
      // The server hung up or stopped answering midway (a 421, harvest protection, a timeout):
      // the answers so far stand, the rest are unknown.
      const failure = failed(asSessionError(err));
      for (const a of addresses.slice(i)) answers.set(a, failure);
      return { catchAll: null, answers };
    }
    const { reply, refused } = asked;
    if (refused) {
      // MAIL FROM refused: the server will not talk about any mailbox with us.
      for (const a of addresses.slice(i)) answers.set(a, refusal(session.host, reply));
      return { catchAll: null, answers };
    }
    answers.set(addresses[i], {
      smtp: smtpOf(session.host, reply, classifyRcpt(reply)),
      reasons: [],
    });
  }
  let catchAll: boolean | null = null;
  if (probeDomain) {
    const probe = `${randomBytes(10).toString('hex')}-verify@${probeDomain}`;
    const asked = await ask(probe).catch(() => null);
    const outcome = !asked || asked.refused ? 'error' : classifyRcpt(asked.reply);
    if (outcome === 'accepted') catchAll = true;
    else if (outcome === 'not_found' || outcome === 'disabled') catchAll = false;
  }
  return { catchAll, answers };
}

function smtpOf(host: string, r: SmtpReply, outcome: RcptOutcome): MailboxAnswer['smtp'] {
  return {
    host,
    code: r.code,
    ...(r.enhanced ? { enhanced_code: r.enhanced } : {}),
    message: r.message,
    outcome,
  };
}

function refusal(host: string, r: SmtpReply): MailboxAnswer {
  const { outcome, reasons } = sessionRefusal(r);
  return { smtp: smtpOf(host, r, outcome), reasons };
}

function failed(e: SmtpSessionError): MailboxAnswer {
  const reasons: EmailVerifyReason[] =
    e.kind === 'timeout'
      ? ['timeout']
      : e.kind === 'refused'
        ? ['connection_refused']
        : ['smtp_error'];
  return { smtp: null, reasons };
}

function everyone(addresses: string[], answer: MailboxAnswer) {
  return { catchAll: null, answers: new Map(addresses.map((a) => [a, answer])) };
}

function asSessionError(err: unknown): SmtpSessionError {
  return err instanceof SmtpSessionError
    ? err
    : new SmtpSessionError('protocol', (err as Error)?.message ?? String(err));
}
