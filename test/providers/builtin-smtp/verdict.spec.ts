import {
  builtinSmtpSettingsProblems,
  smtpVerifierSettings,
} from '../../../src/providers/builtin-smtp/builtin-smtp.settings';
import {
  isDisposable,
  isFreeProvider,
  isRoleAccount,
} from '../../../src/providers/builtin-smtp/email-lists';
import { parseAddress } from '../../../src/providers/builtin-smtp/email-syntax';
import {
  classifyRcpt,
  sessionRefusal,
  verdict,
  VerdictInput,
} from '../../../src/providers/builtin-smtp/verdict';
import { providerEnvProblems } from '../../../src/providers/provider-modules';

/** The pure parts of builtin_smtp: syntax, lists, reading SMTP replies, verdicts, settings. */

describe('syntax', () => {
  it.each([
    ['John.Doe@Example.COM', 'john.doe@example.com'],
    [' jane+tag@sub.example.org ', 'jane+tag@sub.example.org'],
    ['x@münchen.de', 'x@xn--mnchen-3ya.de'],
    ['"quoted"@example.com', 'quoted@example.com'],
  ])('%s → %s', (input, normalized) => {
    expect(parseAddress(input)?.normalized).toBe(normalized);
  });

  it.each([
    '',
    'plain',
    'a@b',
    'a@@b.com',
    'a@-b.com',
    'Name <a@b.com>',
    'a@[10.0.0.1]',
    'a b@c.com',
    `${'x'.repeat(65)}@b.com`,
    'a@b.123',
    '"a b"@c.com',
    'a..b@c.com',
  ])('refuses %j', (input) => expect(parseAddress(input)).toBeNull());
});

describe('lists', () => {
  it('knows disposable domains (and their subdomains), free providers and role accounts', () => {
    expect(isDisposable('mailinator.com')).toBe(true);
    expect(isDisposable('x.mailinator.com')).toBe(true);
    expect(isDisposable('acme.com')).toBe(false);
    expect(isFreeProvider('gmail.com')).toBe(true);
    expect(isFreeProvider('acme.com')).toBe(false);
    for (const r of ['info', 'sales', 'support', 'no-reply', 'customer.service', 'hr+eu'])
      expect(isRoleAccount(r)).toBe(true);
    for (const p of ['john', 'j.doe', 'salesforce.admin.bob']) expect(isRoleAccount(p)).toBe(false);
  });
});

describe('reading RCPT TO replies', () => {
  it.each([
    [250, undefined, 'OK', 'accepted'],
    [550, '5.1.1', 'User unknown', 'not_found'],
    [550, undefined, 'Requested action not taken: mailbox unavailable', 'not_found'],
    [553, undefined, 'sorry, no mailbox here by that name', 'not_found'],
    [550, '5.2.1', 'The email account that you tried to reach is disabled', 'disabled'],
    [452, '4.2.2', 'Mailbox full', 'full'],
    [552, '5.2.2', 'Quota exceeded', 'full'],
    [452, '4.5.3', 'Too many recipients', 'temporary'],
    [451, '4.7.1', 'Greylisted, try again later', 'greylisted'],
    [450, undefined, 'Requested mail action not taken', 'greylisted'],
    [421, '4.7.0', 'Try again later, closing connection', 'temporary'],
    [554, '5.7.1', 'Client host blocked using zen.spamhaus.org', 'blocked'],
    [550, undefined, 'Your IP is blacklisted', 'blocked'],
    [550, '5.7.1', 'Relaying denied by policy', 'policy'],
    [554, undefined, 'Transaction failed', 'error'],
  ])('%d %s %s → %s', (code, enhanced, message, outcome) => {
    expect(classifyRcpt({ code, enhanced, message })).toBe(outcome);
  });

  it('a refused session is a block or a failure, never an unknown mailbox', () => {
    expect(sessionRefusal({ code: 554, message: 'blocked by Spamhaus' }).reasons).toEqual([
      'smtp_blocked',
    ]);
    expect(
      sessionRefusal({ code: 550, enhanced: '5.7.1', message: 'sender rejected' }).reasons,
    ).toEqual(['smtp_blocked', 'policy_block']);
    expect(sessionRefusal({ code: 451, message: 'greylisted' }).reasons).toEqual(['greylisted']);
  });
});

describe('verdicts', () => {
  const base: VerdictInput = {
    email: 'a@x.com',
    normalized: 'a@x.com',
    traits: { role: false, disposable: false, free: false },
    mx: ['mx.x.com'],
    catchAll: false,
    smtp: { host: 'mx.x.com', code: 250, message: 'OK', outcome: 'accepted' },
    reasons: [],
    verifiedAt: '2026-01-01T00:00:00.000Z',
  };

  it('accepted at a catch-all or disposable domain is never deliverable', () => {
    expect(verdict(base)).toMatchObject({ status: 'deliverable', reasons: [] });
    expect(verdict({ ...base, catchAll: true })).toMatchObject({
      status: 'risky',
      reasons: ['accept_all'],
    });
    const d = verdict({ ...base, traits: { ...base.traits, disposable: true } });
    expect(d).toMatchObject({ status: 'risky', reasons: ['disposable'] });
    expect(d.score).toBeLessThanOrEqual(20);
  });

  it('scores deliverable > risky > unknown > undeliverable', () => {
    const s = (v: Partial<VerdictInput>) => verdict({ ...base, ...v }).score;
    const deliverable = s({});
    const risky = s({ catchAll: true });
    const unknown = s({ smtp: null, reasons: ['timeout'] });
    const undeliverable = s({ smtp: { ...base.smtp!, code: 550, outcome: 'not_found' } });
    expect(deliverable).toBeGreaterThan(risky);
    expect(risky).toBeGreaterThan(unknown);
    expect(unknown).toBeGreaterThan(undeliverable);
    expect(s({ traits: { ...base.traits, role: true } })).toBeLessThan(deliverable);
  });

  it('a block is unknown, with the reply kept', () => {
    const v = verdict({
      ...base,
      smtp: { ...base.smtp!, code: 554, enhanced_code: '5.7.1', outcome: 'blocked' },
    });
    expect(v).toMatchObject({
      status: 'unknown',
      reasons: ['smtp_blocked'],
      smtp: { code: 554, enhanced_code: '5.7.1' },
    });
  });
});

describe('settings', () => {
  it('defaults', () => {
    expect(smtpVerifierSettings({ HELO_NAME: 'verify.example.com' })).toMatchObject({
      port: 25,
      heloName: 'verify.example.com',
      mailFrom: 'verify@verify.example.com',
      tlsVerify: false,
      starttls: true,
      catchAllTtlSeconds: 86400,
      unknownTtlSeconds: 3600,
      reuseSessions: true,
      proxy: null,
      domainConcurrency: 2,
    });
    expect(
      smtpVerifierSettings({ MAIL_FROM: '<>', PROXY: 'socks5://u:p%40ss@10.0.0.9:1080' }),
    ).toMatchObject({
      mailFrom: '',
      proxy: { host: '10.0.0.9', port: 1080, userId: 'u', password: 'p@ss' },
    });
  });

  it('start-up names every invalid BUILTIN_SMTP_* value, never the proxy password', () => {
    const problems = providerEnvProblems({
      BUILTIN_SMTP_PORT: '25a',
      BUILTIN_SMTP_HELO_NAME: 'not a host',
      BUILTIN_SMTP_MAIL_FROM: 'nobody',
      BUILTIN_SMTP_TLS_VERIFY: 'maybe',
      BUILTIN_SMTP_PROXY: 'http://user:hunter2@proxy:8080',
      BUILTIN_SMTP_DOMAIN_CONCURRENCY: '0',
      BUILTIN_SMTP_ALLOWED_HOSTS: 'not/a/cidr',
      BUILTIN_SMTP_TIMEOUT_MS: 'soon',
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^BUILTIN_SMTP_PORT must be a TCP port/),
        expect.stringMatching(/^BUILTIN_SMTP_HELO_NAME must be a host name/),
        expect.stringMatching(/^BUILTIN_SMTP_MAIL_FROM must be an address/),
        expect.stringMatching(/^BUILTIN_SMTP_TLS_VERIFY must be true or false/),
        expect.stringMatching(/^BUILTIN_SMTP_PROXY must be socks5:/),
        expect.stringMatching(/^BUILTIN_SMTP_DOMAIN_CONCURRENCY must be/),
        expect.stringMatching(/^BUILTIN_SMTP_ALLOWED_HOSTS/),
        expect.stringMatching(/^BUILTIN_SMTP_TIMEOUT_MS must be/),
      ]),
    );
    expect(problems.join('\n')).not.toContain('hunter2');
    expect(
      builtinSmtpSettingsProblems({
        PORT: '2525',
        PROXY: 'socks5://127.0.0.1:1080',
        ALLOWED_HOSTS: '127.0.0.1',
      }),
    ).toEqual([]);
  });
});
