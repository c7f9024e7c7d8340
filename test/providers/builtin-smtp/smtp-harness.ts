import Redis from 'ioredis';
import { loadConfig } from '../../../src/common/config/app.config';
import { BuiltinSmtpProvider } from '../../../src/providers/builtin-smtp/builtin-smtp.provider';
import type { ProviderResult } from '../../../src/providers/core/enrichment-provider';
import type {
  EmailVerification,
  EmailVerifyResult,
} from '../../../src/providers/email/email.types';
import { adapterAt } from '../../support/adapters';
import { rr, TestDnsServer } from '../../support/dns-server';
import { REDIS_URL } from '../../support/env';
import { SmtpAnswer, TestSmtpServer } from '../../support/smtp-server';
import { testEnv } from '../../support/test-app';

/**
 * The mailbox world of the builtin_smtp specs: domains on a loopback DNS server whose MX hosts
 * resolve to 127.0.0.1 (a TestSmtpServer) or 127.0.0.2 (nothing listens: refused).
 */
export const USERS = new Set([
  'alice@acme.test',
  'bob@acme.test',
  'info@acme.test',
  'ann@backup.test',
]);

/** What the scripted server answers to RCPT TO `address` (the `nth` time it is asked). */
export function world(address: string, nth: number): SmtpAnswer | Promise<SmtpAnswer> {
  const [local, domain] = address.split('@');
  switch (domain) {
    case 'catchall.test':
    case 'nomx.test':
      return 'accept';
    case 'grey.test':
      if (local.endsWith('-verify')) return { code: 550, message: '5.1.1 no such user' };
      return nth === 0
        ? { code: 451, message: '4.7.1 Greylisted, please try again later' }
        : 'accept';
    case 'alwaysgrey.test':
      return { code: 451, message: '4.7.1 Greylisted, please try again later' };
    case 'blocked.test':
      return {
        code: 554,
        message:
          '5.7.1 Service unavailable; Client host [127.0.0.1] blocked using zen.spamhaus.org',
      };
    case 'slow.test':
      return 'hang';
    case 'hangup.test':
      // Harvest protection: the third address gets the door.
      return local === 'c'
        ? { code: 421, message: '4.7.0 Too many recipients, closing connection' }
        : local === 'a'
          ? 'accept'
          : { code: 550, message: '5.1.1 User unknown' };
    case 'busy.test':
      // The server takes its time (its own latency, not a test sleep): sessions overlap.
      return new Promise((r) => setTimeout(() => r('accept'), 150));
  }
  if (local === 'full') return { code: 452, message: '4.2.2 Mailbox full' };
  if (local === 'gone')
    return { code: 550, message: '5.2.1 Mailbox disabled, not accepting messages' };
  return USERS.has(address) ? 'accept' : { code: 550, message: '5.1.1 User unknown' };
}

export async function startDns(): Promise<TestDnsServer> {
  const dns = await TestDnsServer.start();
  for (const d of [
    'acme',
    'catchall',
    'grey',
    'alwaysgrey',
    'blocked',
    'slow',
    'busy',
    'tls',
    'hangup',
  ]) {
    dns.set(`${d}.test`, [rr.mx(`mx.${d}.test`, 10)]);
    dns.set(`mx.${d}.test`, [rr.a('127.0.0.1')]);
  }
  dns.set('backup.test', [rr.mx('mx1.backup.test', 10), rr.mx('mx2.backup.test', 20)]);
  dns.set('mx1.backup.test', [rr.a('127.0.0.2')]);
  dns.set('mx2.backup.test', [rr.a('127.0.0.1')]);
  dns.set('refused.test', [rr.mx('mx.refused.test', 10)]);
  dns.set('mx.refused.test', [rr.a('127.0.0.2')]);
  dns.set('nullmx.test', [rr.mx('.', 0), rr.a('127.0.0.1')]);
  dns.set('nomx.test', [rr.a('127.0.0.1')]);
  dns.set('private.test', [rr.mx('mx.private.test', 10)]);
  dns.set('mx.private.test', [rr.a('10.9.8.7')]);
  return dns;
}

export function redisClient(): Redis {
  return new Redis(REDIS_URL, { lazyConnect: false, maxRetriesPerRequest: 2 });
}

/** An adapter on the loopback world: its own Redis prefix (catch-all cache, domain slots). */
export function smtpProvider(
  dns: TestDnsServer,
  redis: Redis,
  port: number,
  env: Record<string, string> = {},
  /** Adapters with one prefix share the catch-all cache and domain slots (one deployment). */
  redisPrefix = testEnv().REDIS_PREFIX,
) {
  const config = loadConfig({
    NODE_ENV: 'test',
    OUTBOUND_DNS_SERVERS: dns.address,
    REDIS_PREFIX: redisPrefix,
  });
  const p = adapterAt(new BuiltinSmtpProvider(config, redis), {
    BUILTIN_SMTP_PORT: String(port),
    BUILTIN_SMTP_ALLOWED_HOSTS: '127.0.0.0/8',
    BUILTIN_SMTP_HELO_NAME: 'verifier.assay.test',
    BUILTIN_SMTP_MAIL_FROM: 'verify@assay.test',
    BUILTIN_SMTP_GREYLIST_DELAY_MS: '100',
    BUILTIN_SMTP_CONNECT_TIMEOUT_MS: '5000',
    BUILTIN_SMTP_COMMAND_TIMEOUT_MS: '5000',
    BUILTIN_SMTP_DOMAIN_RATE_PER_MINUTE: '0',
    ...env,
  });
  const verify = async (...emails: string[]): Promise<EmailVerification[]> => {
    const r = (await p.call({
      capability: 'email.verify',
      input: { emails },
    })) as ProviderResult<EmailVerifyResult>;
    return r.data!.results;
  };
  return { ...p, verify };
}

export interface SmtpWorld {
  dns: TestDnsServer;
  smtp: TestSmtpServer;
  redis: Redis;
  /** The Redis prefix the file's adapters share (one deployment: cache and domain slots). */
  prefix: string;
  /** An adapter on the world (`port`: another mail server's; `prefix`: another deployment). */
  provider(
    env?: Record<string, string>,
    at?: { port?: number; prefix?: string },
  ): ReturnType<typeof smtpProvider>;
}

/** For a spec file: the DNS server, a scripted mail server and Redis, started and closed around it. */
export function useSmtpWorld(): SmtpWorld {
  const w = { prefix: testEnv().REDIS_PREFIX } as SmtpWorld;
  w.provider = (env = {}, at = {}) =>
    smtpProvider(w.dns, w.redis, at.port ?? w.smtp.port, env, at.prefix ?? w.prefix);
  beforeAll(async () => {
    [w.dns, w.smtp] = await Promise.all([startDns(), TestSmtpServer.start({ rcpt: world })]);
    w.redis = redisClient();
  });
  afterAll(async () => {
    w.redis?.disconnect();
    await Promise.all([w.dns?.close(), w.smtp?.close()]);
  });
  return w;
}
