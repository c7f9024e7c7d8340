import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { rr, TestDnsServer } from '../support/dns-server';
import type { SmtpAnswer, TestSmtpServer } from '../support/smtp-server';
import { authHeaders, TestApp } from '../support/test-app';
import { fixture, StubRequest } from '../support/vendor-stub';

/** Domains of one run (own names: the database and the verifier's Redis cache are shared). */
export const runId = randomBytes(3).toString('hex');
export const domainOf = (name: string) => `${name}-${runId}.com`;

/**
 * The mailbox world: domains whose MX hosts resolve to 127.0.0.1 (the TestSmtpServer). A
 * catch-all domain accepts any address; the others accept only their mailboxes.
 */
export class MailWorld {
  readonly mailboxes = new Set<string>();
  readonly catchAll = new Set<string>();

  constructor(readonly dns: TestDnsServer) {}

  static async start(): Promise<MailWorld> {
    return new MailWorld(await TestDnsServer.start());
  }

  domain(domain: string, opts: { mailboxes?: string[]; catchAll?: boolean } = {}): string {
    this.dns.set(domain, [rr.mx(`mx.${domain}`, 10)]);
    this.dns.set(`mx.${domain}`, [rr.a('127.0.0.1')]);
    for (const m of opts.mailboxes ?? []) this.mailboxes.add(`${m}@${domain}`);
    if (opts.catchAll) this.catchAll.add(domain);
    return domain;
  }

  readonly rcpt = (address: string): SmtpAnswer => {
    const domain = address.split('@')[1];
    if (this.catchAll.has(domain) || this.mailboxes.has(address)) return 'accept';
    return { code: 550, message: '5.1.1 User unknown' };
  };
}

/** The RCPT TO addresses the mail server was asked about at `domain` (catch-all probes included). */
export function probes(smtp: TestSmtpServer, domain: string): string[] {
  return smtp
    .connectionsFor(domain)
    .flatMap((c) => c.commands)
    .filter((c) => /^RCPT TO:/i.test(c))
    .map((c) => /<([^>]*)>/.exec(c)?.[1]?.toLowerCase() ?? '')
    .filter((a) => a.endsWith(`@${domain}`));
}

/** The app's settings for the verifier on the loopback world. */
export const smtpEnv = (world: MailWorld, smtp: TestSmtpServer): Record<string, string> => ({
  OUTBOUND_DNS_SERVERS: world.dns.address,
  BUILTIN_SMTP_PORT: String(smtp.port),
  BUILTIN_SMTP_ALLOWED_HOSTS: '127.0.0.0/8',
  BUILTIN_SMTP_HELO_NAME: 'verifier.assay.test',
  BUILTIN_SMTP_MAIL_FROM: 'verify@assay.test',
  BUILTIN_SMTP_DOMAIN_RATE_PER_MINUTE: '0',
  BUILTIN_SMTP_GREYLIST_DELAY_MS: '100',
});

/** A Hunter found email in its documented domain-search shape. */
export const hunterEmail = (
  value: string,
  type: 'personal' | 'generic',
  confidence: number,
  name?: [string, string, string],
) => ({
  ...fixture('hunter', 'domain-search').data.emails[type === 'personal' ? 0 : 1],
  value,
  type,
  confidence,
  first_name: name?.[0] ?? null,
  last_name: name?.[1] ?? null,
  position: name?.[2] ?? null,
});

/**
 * Hunter for a VendorStub (VENDORS.md §2 shapes): domain-search answers `emails[domain]` with the
 * domain's `pattern`; the email-finder finds nobody; the verifier is never expected.
 */
export function hunterBehaviour(
  emails: Record<string, Array<ReturnType<typeof hunterEmail>>>,
  patterns: Record<string, string> = {},
) {
  return (req: StubRequest) => {
    const url = new URL(req.path, 'http://stub');
    const domain = url.searchParams.get('domain') ?? '';
    if (url.pathname === '/v2/domain-search') {
      const base = fixture('hunter', 'domain-search');
      const list = emails[domain] ?? [];
      return {
        json: {
          data: { ...base.data, domain, pattern: patterns[domain] ?? null, emails: list },
          meta: { ...base.meta, results: list.length, params: { ...base.meta.params, domain } },
        },
      };
    }
    if (url.pathname === '/v2/email-finder')
      return { json: fixture('hunter', 'email-finder-not-found') };
    return { status: 404, json: { errors: [{ id: 'not_found', code: 404, details: req.path }] } };
  };
}

/** POST /api/v1/emails/find?wait=60 (as `headers`' key); the finished task's result. */
export async function find(
  t: TestApp,
  body: Record<string, unknown>,
  headers: Record<string, string> = authHeaders,
): Promise<any> {
  const res = await request(t.app.getHttpServer())
    .post('/api/v1/emails/find?wait=60')
    .set(headers)
    .send({ refresh: true, ...body });
  if (res.status !== 200 || !res.body.result)
    throw new Error(`find answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.result;
}
