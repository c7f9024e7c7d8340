/** The email bench's run: a loopback mail world of N domains, verified with and without reuse. */
import Redis from 'ioredis';
import { loadConfig } from '../../src/common/config/app.config';
import { BuiltinSmtpProvider } from '../../src/providers/builtin-smtp/builtin-smtp.provider';
import type { ProviderResult } from '../../src/providers/core/enrichment-provider';
import type { EmailVerification, EmailVerifyResult } from '../../src/providers/email/email.types';
import { adapterAt } from '../../test/support/adapters';
import { rr, TestDnsServer } from '../../test/support/dns-server';
import { SmtpAnswer, TestSmtpServer } from '../../test/support/smtp-server';
import { fmt, log } from '../support/common';
import { LatencyRelay } from './latency-relay';

export interface EmailsBenchOptions {
  addresses: number;
  domains: number;
  /** Addresses per email.verify call (all of one domain). */
  callSize: number;
  /** Calls in flight at once (workers × their provider concurrency). */
  parallelCalls: number;
  domainConcurrency: number;
  latencyMs: number;
  redisUrl: string;
  prefix: string;
}

export interface RunFigures {
  ms: number;
  sessions: number;
  /** The most sessions the server had open at once for one domain. */
  maxParallel: number;
  results: EmailVerification[];
}

const domainName = (i: number) => `d${String(i + 1).padStart(2, '0')}.bench.test`;
/** Every tenth domain accepts any address. */
const isCatchAll = (domain: string) => Number(/^d(\d+)/.exec(domain)![1]) % 10 === 0;

/** 60 % of mailboxes exist, 30 % do not, 10 % are full; catch-all domains take anything. */
export function benchWorld(address: string): SmtpAnswer {
  const [local, domain] = address.split('@');
  if (isCatchAll(domain)) return 'accept';
  const n = Number(/^u(\d+)$/.exec(local)?.[1] ?? -1);
  if (n < 0) return { code: 550, message: '5.1.1 User unknown' };
  if (n % 10 < 6) return 'accept';
  if (n % 10 < 9) return { code: 550, message: '5.1.1 User unknown' };
  return { code: 452, message: '4.2.2 Mailbox full' };
}

export interface EmailsWorld {
  dns: TestDnsServer;
  smtp: TestSmtpServer;
  relay: LatencyRelay;
  redis: Redis;
  close(): Promise<void>;
}

export async function startWorld(o: EmailsBenchOptions): Promise<EmailsWorld> {
  const dns = await TestDnsServer.start();
  for (let i = 0; i < o.domains; i++) {
    dns.set(domainName(i), [rr.mx(`mx.${domainName(i)}`, 10)]);
    dns.set(`mx.${domainName(i)}`, [rr.a('127.0.0.1')]);
  }
  const smtp = await TestSmtpServer.start({ rcpt: benchWorld, starttls: true });
  const relay = await LatencyRelay.start(smtp.port, o.latencyMs);
  const redis = new Redis(o.redisUrl, { maxRetriesPerRequest: 2 });
  return {
    dns,
    smtp,
    relay,
    redis,
    close: async () => {
      redis.disconnect();
      await Promise.all([dns.close(), relay.close(), smtp.close()]);
    },
  };
}

/** The addresses, grouped into calls of one domain each, domain after domain. */
export function benchCalls(o: EmailsBenchOptions): string[][] {
  const perDomain = Math.ceil(o.addresses / o.domains);
  const calls: string[][] = [];
  let made = 0;
  for (let d = 0; d < o.domains && made < o.addresses; d++) {
    const all = Array.from(
      { length: Math.min(perDomain, o.addresses - made) },
      (_, i) => `u${i}@${domainName(d)}`,
    );
    made += all.length;
    for (let i = 0; i < all.length; i += o.callSize) calls.push(all.slice(i, i + o.callSize));
  }
  return calls;
}

/** Verifies every call, `parallelCalls` at a time, through one adapter (its own Redis prefix). */
export async function verifyAll(
  world: EmailsWorld,
  o: EmailsBenchOptions,
  reuse: boolean,
  prefix: string,
): Promise<RunFigures> {
  const config = loadConfig({
    NODE_ENV: 'development',
    OUTBOUND_DNS_SERVERS: world.dns.address,
    REDIS_PREFIX: prefix,
  });
  const p = adapterAt(new BuiltinSmtpProvider(config, world.redis), {
    BUILTIN_SMTP_PORT: String(world.relay.port),
    BUILTIN_SMTP_ALLOWED_HOSTS: '127.0.0.1',
    BUILTIN_SMTP_HELO_NAME: 'bench.assay.test',
    BUILTIN_SMTP_TLS_VERIFY: 'false',
    BUILTIN_SMTP_DOMAIN_CONCURRENCY: String(o.domainConcurrency),
    BUILTIN_SMTP_DOMAIN_RATE_PER_MINUTE: '0',
    BUILTIN_SMTP_REUSE_SESSIONS: String(reuse),
    BUILTIN_SMTP_TIMEOUT_MS: '600000',
  });
  world.smtp.reset();
  const before = world.smtp.connections.size;
  const calls = benchCalls(o);
  const results: EmailVerification[][] = new Array(calls.length);
  let next = 0;
  let done = 0;
  const started = performance.now();
  const worker = async () => {
    for (let i = next++; i < calls.length; i = next++) {
      const r = (await p.call({
        capability: 'email.verify',
        input: { emails: calls[i] },
      })) as ProviderResult<EmailVerifyResult>;
      results[i] = r.data!.results;
      if (++done % Math.max(1, Math.floor(calls.length / 4)) === 0)
        log(`  ${reuse ? 'reuse' : 'one per address'}: ${done}/${calls.length} calls`);
    }
  };
  await Promise.all(Array.from({ length: o.parallelCalls }, worker));
  const ms = performance.now() - started;
  const domains = Array.from({ length: o.domains }, (_, i) => domainName(i));
  return {
    ms,
    sessions: world.smtp.connections.size - before,
    maxParallel: Math.max(...domains.map((d) => world.smtp.maxParallel(d))),
    results: results.flat(),
  };
}

/** `deliverable 600, undeliverable 300, …` */
export function statusCounts(results: EmailVerification[]): string {
  const counts = new Map<string, number>();
  for (const r of results) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  return [...counts].map(([s, n]) => `${s} ${fmt(n)}`).join(', ');
}
