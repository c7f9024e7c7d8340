import { Inject } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../../common/config/app.config';
import { outboundResolver } from '../../common/net/dns-resolver';
import { guardedLookup } from '../../common/net/safe-http.client';
import { AllowList } from '../../common/net/ssrf-guard';
import { REDIS } from '../../common/redis/redis.module';
import type { EmailVerification, EmailVerifyInput, EmailVerifyResult } from '../email/email.types';
import {
  EnrichmentProvider,
  ProviderCallContext,
  ProviderMetadata,
  ProviderRequest,
  ProviderResult,
} from '../core/enrichment-provider';
import { Provider } from '../core/provider.decorator';
import { ProviderError } from '../core/provider-error';
import { ProviderSettings, ProviderSettingsError } from '../core/provider-settings';
import { RateLimiter } from '../core/rate-limiter';
import { builtinSmtpSettingsProblems, smtpVerifierSettings } from './builtin-smtp.settings';
import { checkDomain, DomainCheckDeps, MailboxAnswer } from './domain-check';
import { CatchAllCache } from './catch-all-cache';
import { DomainGate } from './domain-gate';
import { isDisposable, isFreeProvider, isRoleAccount } from './email-lists';
import { parseAddress, ParsedAddress } from './email-syntax';
import { MxResolver } from './mx-lookup';
import { AddressTraits, verdict } from './verdict';

/** Addresses per call, and domains checked at once within a call. */
export const MAX_EMAILS_PER_CALL = 50;
const DOMAINS_AT_ONCE = 4;

export const BUILTIN_SMTP_METADATA: ProviderMetadata = {
  id: 'builtin_smtp',
  capabilities: ['email.verify'],
  description:
    'Built-in email verifier: syntax, MX (null MX, A/AAAA fallback), disposable / free / role lists, and the mail server asked over SMTP (RCPT TO, catch-all probe), keyless',
  requiresApiKey: false,
  // One mail server failing or refusing us says nothing of the others.
  failureScope: 'target',
  cost: { perCallUsd: 0 },
  // Per-domain limits are the verifier's own (BUILTIN_SMTP_DOMAIN_*); this bounds calls overall.
  rateLimits: { perSecond: 20 },
  maxConcurrency: 8,
  // Greylisting retries wait within the call: room for one retry and its session.
  timeoutMs: 120_000,
  cacheTtlSeconds: 7 * 24 * 3600,
  settingsProblems: (extra) => builtinSmtpSettingsProblems(extra),
};

/**
 * The keyless `email.verify` provider (`builtin_smtp`). Input `EmailVerifyInput` (1–50 addresses,
 * any domains); answer `EmailVerifyResult`, positional. Addresses are grouped by domain and each
 * domain's mail server is asked about all of them in one SMTP session, under per-domain limits
 * shared by every process. It never sends mail: the session ends after RCPT TO.
 */
@Provider(BUILTIN_SMTP_METADATA)
export class BuiltinSmtpProvider extends EnrichmentProvider {
  private readonly mx: MxResolver;
  private readonly lookup: ReturnType<typeof outboundResolver>;
  private deps?: Omit<DomainCheckDeps, 'signal'>;

  constructor(
    private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
  ) {
    super();
    this.mx = new MxResolver(config.OUTBOUND_DNS_SERVERS);
    this.lookup = outboundResolver(config.OUTBOUND_DNS_SERVERS);
  }

  override configure(settings: ProviderSettings): void {
    let s;
    try {
      s = smtpVerifierSettings(settings.extra);
    } catch (err) {
      throw new ProviderSettingsError((err as Error).message);
    }
    this.deps = {
      settings: s,
      session: {
        port: s.port,
        heloName: s.heloName,
        connectTimeoutMs: s.connectTimeoutMs,
        commandTimeoutMs: s.commandTimeoutMs,
        // Mail hosts on private networks are refused unless BUILTIN_SMTP_ALLOWED_HOSTS lists them.
        lookup: guardedLookup(AllowList.parse(s.allowedHosts), this.lookup),
        proxy: s.proxy,
        tlsVerify: s.tlsVerify,
        starttls: s.starttls,
      },
      gate: new DomainGate(this.redis, new RateLimiter(this.redis, this.config), {
        prefix: this.config.REDIS_PREFIX,
        concurrency: s.domainConcurrency,
        ratePerMinute: s.domainRatePerMinute,
        leaseMs: Math.max(30_000, s.connectTimeoutMs + 4 * s.commandTimeoutMs),
      }),
      catchAll: new CatchAllCache(this.redis, this.config.REDIS_PREFIX, s.catchAllTtlSeconds),
    };
  }

  override async call(
    request: ProviderRequest,
    ctx: ProviderCallContext,
  ): Promise<ProviderResult<EmailVerifyResult>> {
    if (request.capability !== 'email.verify')
      throw new ProviderError('BAD_INPUT', `builtin_smtp does not serve ${request.capability}`, {
        retryable: false,
      });
    const emails = inputEmails(request.input);
    if (!this.deps) this.configure(ctx.settings);
    const deps = { ...this.deps!, signal: ctx.signal };
    const verifiedAt = new Date().toISOString();
    const parsed = emails.map((e) => parseAddress(e));
    const byDomain = new Map<string, ParsedAddress[]>();
    for (const p of parsed) if (p) byDomain.set(p.domain, [...(byDomain.get(p.domain) ?? []), p]);

    const perDomain = new Map<
      string,
      {
        mx: string[];
        catchAll: boolean | null;
        answer: (n: string) => Partial<MailboxAnswer> & { status?: 'undeliverable' };
      }
    >();
    const domains = [...byDomain.keys()];
    const worker = async () => {
      for (let d = domains.shift(); d !== undefined; d = domains.shift())
        perDomain.set(d, await this.domain(d, byDomain.get(d)!, deps));
    };
    await Promise.all(Array.from({ length: Math.min(DOMAINS_AT_ONCE, domains.length) }, worker));

    const results: EmailVerification[] = emails.map((email, i) => {
      const p = parsed[i];
      if (!p)
        return {
          email,
          normalized: null,
          status: 'undeliverable',
          reasons: ['invalid_syntax'],
          score: 0,
          smtp: null,
          mx: [],
          catch_all: null,
          verified_at: verifiedAt,
          provider: 'builtin_smtp',
        };
      const d = perDomain.get(p.domain)!;
      const a = d.answer(p.normalized);
      return {
        ...verdict({
          email,
          normalized: p.normalized,
          traits: traitsOf(p),
          mx: d.mx,
          catchAll: d.catchAll,
          smtp: a.smtp ?? null,
          reasons: a.reasons ?? [],
          status: a.status,
          verifiedAt,
        }),
        provider: 'builtin_smtp',
      };
    });
    // An inconclusive answer (greylisted, blocked, timed out) is worth asking again soon.
    const inconclusive = results.some((r) => r.status === 'unknown');
    return {
      found: true,
      data: { results },
      usage: { results: results.length },
      ...(inconclusive ? { cacheTtlSeconds: deps.settings.unknownTtlSeconds } : {}),
    };
  }

  private async domain(domain: string, addresses: ParsedAddress[], deps: DomainCheckDeps) {
    const route = await this.mx.route(domain);
    if (route.kind === 'null_mx' || route.kind === 'no_mail') {
      const reason = route.kind === 'null_mx' ? 'null_mx' : 'no_mx';
      return {
        mx: [],
        catchAll: null,
        answer: () => ({ reasons: [reason], status: 'undeliverable' as const }),
      };
    }
    if (route.kind === 'dns_error')
      return { mx: [], catchAll: null, answer: () => ({ reasons: ['dns_error'] }) };
    if (route.kind !== 'mx' && route.kind !== 'fallback') throw new Error('unreachable');
    const unique = [...new Set(addresses.map((a) => a.normalized))];
    const { catchAll, answers } = await checkDomain(domain, route, unique, deps);
    return { mx: route.hosts, catchAll, answer: (n: string) => answers.get(n) ?? {} };
  }

  override selfTestRequest(): ProviderRequest {
    return {
      capability: 'email.verify',
      input: { emails: ['postmaster@gmail.com'] } satisfies EmailVerifyInput,
    };
  }
}

function traitsOf(p: ParsedAddress): AddressTraits {
  return {
    role: isRoleAccount(p.local),
    disposable: isDisposable(p.domain),
    free: isFreeProvider(p.domain),
  };
}

function inputEmails(input: unknown): string[] {
  const emails = (input as Partial<EmailVerifyInput> | null)?.emails;
  if (
    !Array.isArray(emails) ||
    emails.length < 1 ||
    emails.length > MAX_EMAILS_PER_CALL ||
    !emails.every((e) => typeof e === 'string')
  )
    throw new ProviderError(
      'BAD_INPUT',
      `email.verify takes { emails: [...] } with 1–${MAX_EMAILS_PER_CALL} addresses (strings)`,
      { retryable: false },
    );
  return emails;
}
