import type { EmailVerification } from '../../../src/providers/email/email.types';
import { failure } from '../../support/adapters';
import { testEnv } from '../../support/test-app';
import { useSmtpWorld } from './smtp-harness';

/**
 * builtin_smtp against a scripted mail server and DNS on loopback: every verdict the issue names,
 * one session per domain, RSET between addresses, the catch-all probe once per domain.
 */

const w = useSmtpWorld();
beforeEach(() => w.smtp.reset());
const provider = (env: Record<string, string> = {}) => w.provider(env);
const pick = (results: EmailVerification[], email: string) =>
  results.find((r) => r.email === email)!;

describe('verdicts', () => {
  it('a known mailbox is deliverable, an unknown one undeliverable, with the SMTP reply and MX', async () => {
    const [alice, nobody] = await provider().verify('Alice@ACME.test', 'nobody@acme.test');
    expect(alice).toMatchObject({
      email: 'Alice@ACME.test',
      normalized: 'alice@acme.test',
      status: 'deliverable',
      mx: ['mx.acme.test'],
      catch_all: false,
      smtp: { host: 'mx.acme.test', code: 250 },
    });
    expect(alice.score).toBeGreaterThanOrEqual(90);
    expect(Date.parse(alice.verified_at)).not.toBeNaN();
    expect(nobody).toMatchObject({
      status: 'undeliverable',
      reasons: expect.arrayContaining(['mailbox_not_found']),
      smtp: { code: 550, enhanced_code: '5.1.1' },
    });
    expect(nobody.score).toBeLessThan(10);
  });

  it('full and disabled mailboxes, role accounts', async () => {
    const r = await provider().verify('full@acme.test', 'gone@acme.test', 'info@acme.test');
    expect(pick(r, 'full@acme.test')).toMatchObject({ status: 'risky', reasons: ['full_mailbox'] });
    expect(pick(r, 'gone@acme.test')).toMatchObject({
      status: 'undeliverable',
      reasons: ['mailbox_disabled'],
    });
    const info = pick(r, 'info@acme.test');
    expect(info).toMatchObject({ status: 'deliverable', reasons: ['role'] });
    expect(info.score).toBeLessThan(
      pick(await provider().verify('bob@acme.test'), 'bob@acme.test').score,
    );
  });

  it('a catch-all domain is never deliverable: risky, accept_all', async () => {
    const [a] = await provider().verify('anyone@catchall.test');
    expect(a).toMatchObject({ status: 'risky', catch_all: true, reasons: ['accept_all'] });
    expect(a.score).toBeLessThan(90);
  });

  it('greylisting is waited out within the call; a server that keeps greylisting is unknown', async () => {
    const [grey] = await provider().verify('kim@grey.test');
    expect(grey).toMatchObject({ status: 'deliverable', smtp: { code: 250 } });
    expect(w.smtp.connectionsFor('grey.test')).toHaveLength(2);

    const [always] = await provider({ BUILTIN_SMTP_GREYLIST_RETRIES: '2' }).verify(
      'kim@alwaysgrey.test',
    );
    expect(always).toMatchObject({
      status: 'unknown',
      reasons: ['greylisted'],
      smtp: { code: 451 },
    });
    expect(w.smtp.connectionsFor('alwaysgrey.test')).toHaveLength(3);
  });

  it('an answer with an unknown verdict asks to be cached briefly (BUILTIN_SMTP_UNKNOWN_TTL_SECONDS); a conclusive one does not', async () => {
    const call = (env: Record<string, string>, email: string) =>
      provider(env).call({ capability: 'email.verify', input: { emails: [email] } });
    expect((await call({}, 'kim@blocked.test')).cacheTtlSeconds).toBe(3600);
    expect(
      (await call({ BUILTIN_SMTP_UNKNOWN_TTL_SECONDS: '120' }, 'kim@blocked.test')).cacheTtlSeconds,
    ).toBe(120);
    expect((await call({}, 'kim@grey.test')).cacheTtlSeconds).toBeUndefined();
  });

  it('a policy block is unknown (smtp_blocked), never undeliverable', async () => {
    const [b] = await provider().verify('kim@blocked.test');
    expect(b).toMatchObject({ status: 'unknown', smtp: { code: 554, enhanced_code: '5.7.1' } });
    expect(b.reasons).toContain('smtp_blocked');
  });

  it('null MX and no mail route are undeliverable; no MX falls back to the A record', async () => {
    const r = await provider().verify('a@nullmx.test', 'a@nothing.test', 'a@nomx.test');
    expect(pick(r, 'a@nullmx.test')).toMatchObject({
      status: 'undeliverable',
      reasons: ['null_mx'],
      mx: [],
    });
    expect(pick(r, 'a@nothing.test')).toMatchObject({
      status: 'undeliverable',
      reasons: ['no_mx'],
    });
    expect(pick(r, 'a@nomx.test')).toMatchObject({
      mx: ['nomx.test'],
      smtp: { host: 'nomx.test', code: 250 },
    });
    expect(w.smtp.connectionsFor('nullmx.test')).toHaveLength(0);
  });

  it('a refused connection is unknown; MX hosts are tried in preference order', async () => {
    const r = await provider().verify('a@refused.test', 'ann@backup.test');
    expect(pick(r, 'a@refused.test')).toMatchObject({
      status: 'unknown',
      reasons: ['connection_refused'],
      smtp: null,
      mx: ['mx.refused.test'],
    });
    expect(pick(r, 'ann@backup.test')).toMatchObject({
      status: 'deliverable',
      mx: ['mx1.backup.test', 'mx2.backup.test'],
      smtp: { host: 'mx2.backup.test' },
    });
  });

  it('a server that stops answering is unknown after the command timeout', async () => {
    const [s] = await provider({ BUILTIN_SMTP_COMMAND_TIMEOUT_MS: '300' }).verify('a@slow.test');
    expect(s).toMatchObject({ status: 'unknown', reasons: ['timeout'], smtp: null });
  });

  it('a server that hangs up midway keeps the answers given before', async () => {
    const r = await provider({ BUILTIN_SMTP_GREYLIST_RETRIES: '0' }).verify(
      'a@hangup.test',
      'b@hangup.test',
      'c@hangup.test',
      'd@hangup.test',
    );
    expect(r.map((x) => x.status)).toEqual(['deliverable', 'undeliverable', 'unknown', 'unknown']);
    expect(r[2].smtp).toMatchObject({ code: 421 });
    expect(r[3]).toMatchObject({ smtp: null, reasons: ['smtp_error'] });
  });

  it('invalid syntax, disposable and free-provider domains, IDN domains', async () => {
    const r = await provider().verify(
      'not an address',
      'bob@@acme.test',
      'x@mailinator.com',
      'x@gmail.com',
      'x@bücher.test',
    );
    expect(r.map((x) => [x.status, x.normalized])).toEqual([
      ['undeliverable', null],
      ['undeliverable', null],
      // The loopback DNS knows neither: no mail route.
      ['undeliverable', 'x@mailinator.com'],
      ['undeliverable', 'x@gmail.com'],
      ['undeliverable', 'x@xn--bcher-kva.test'],
    ]);
    expect(r[0].reasons).toEqual(['invalid_syntax']);
    expect(r[2].reasons).toEqual(expect.arrayContaining(['disposable', 'no_mx']));
    expect(r[3].reasons).toEqual(expect.arrayContaining(['free_provider', 'no_mx']));
    expect(w.dns.queriesFor('xn--bcher-kva.test', 'MX')).toHaveLength(1);
  });

  it('mail hosts on private networks are refused unless allowed', async () => {
    const [p] = await provider({ BUILTIN_SMTP_ALLOWED_HOSTS: '' }).verify('alice@acme.test');
    expect(p).toMatchObject({ status: 'unknown', smtp: null });
  });

  it('refuses input it cannot take', async () => {
    const p = provider();
    for (const input of [
      {},
      { emails: [] },
      { emails: Array(51).fill('a@acme.test') },
      { emails: [42] },
    ])
      expect(await failure(p.call({ capability: 'email.verify', input }))).toMatchObject({
        code: 'BAD_INPUT',
      });
  });
});

describe('sessions', () => {
  it('asks about every address of a domain in one session, RSET between, the probe once', async () => {
    const emails = ['alice@acme.test', 'bob@acme.test', 'nobody@acme.test', 'full@acme.test'];
    // A deployment of its own: nothing cached yet.
    const own = testEnv().REDIS_PREFIX;
    const fresh = () => w.provider({}, { prefix: own });
    const r = await fresh().verify(...emails, 'x@catchall.test');
    expect(r.map((x) => x.status)).toEqual([
      'deliverable',
      'deliverable',
      'undeliverable',
      'risky',
      'risky',
    ]);
    const [session, ...more] = w.smtp.connectionsFor('acme.test');
    expect(more).toHaveLength(0);
    const rcpts = session.commands.filter((c) => /^RCPT TO/i.test(c));
    expect(rcpts).toHaveLength(emails.length + 1);
    expect(rcpts.at(-1)).toMatch(/-verify@acme\.test>$/);
    // Every transaction after the first starts with RSET.
    const mails = session.commands
      .map((c, i) => [c, session.commands[i - 1]])
      .filter(([c]) => /^MAIL FROM/i.test(c));
    expect(mails).toHaveLength(emails.length + 1);
    expect(mails.slice(1).every(([, before]) => /^RSET/i.test(before))).toBe(true);
    expect(session.commands[0]).toBe('EHLO verifier.assay.test');
    expect(mails[0][0]).toBe('MAIL FROM:<verify@assay.test>');

    // The catch-all status is cached per domain: a second call probes no more.
    w.smtp.reset();
    await fresh().verify('carol@acme.test');
    const again = w.smtp.connectionsFor('acme.test').filter((c) => c !== session);
    expect(again).toHaveLength(1);
    expect(again[0].commands.filter((c) => /-verify@/.test(c))).toHaveLength(0);
  });

  it('one session per address when sessions are not reused, with the same verdicts', async () => {
    const emails = ['alice@acme.test', 'bob@acme.test', 'nobody@acme.test'];
    const reused = await provider().verify(...emails);
    const before = new Set(w.smtp.connections.keys());
    const single = await provider({ BUILTIN_SMTP_REUSE_SESSIONS: 'false' }).verify(...emails);
    expect(w.smtp.connectionsFor('acme.test').filter((c) => !before.has(c.id))).toHaveLength(3);
    expect(single.map((x) => [x.status, x.reasons])).toEqual(
      reused.map((x) => [x.status, x.reasons]),
    );
  });

  it('holds the per-domain concurrency across concurrent calls (shared through Redis)', async () => {
    // Two adapters with one Redis prefix: two workers of one deployment.
    const env = { BUILTIN_SMTP_DOMAIN_CONCURRENCY: '1', BUILTIN_SMTP_REUSE_SESSIONS: 'false' };
    const [a, b] = [provider(env), provider(env)];
    const results = await Promise.all([
      a.verify('u1@busy.test', 'u2@busy.test'),
      b.verify('u3@busy.test', 'u4@busy.test'),
    ]);
    expect(results.flat().every((r) => r.status === 'risky' || r.status === 'deliverable')).toBe(
      true,
    );
    expect(w.smtp.connectionsFor('busy.test').length).toBeGreaterThanOrEqual(4);
    expect(w.smtp.maxParallel('busy.test')).toBe(1);

    // With 2 slots, sessions do overlap (the server is slow enough), but never more than 2.
    w.smtp.reset();
    const wide = { ...env, BUILTIN_SMTP_DOMAIN_CONCURRENCY: '2' };
    const [c, d, e] = [provider(wide), provider(wide), provider(wide)];
    await Promise.all([
      c.verify('v1@busy.test'),
      d.verify('v2@busy.test'),
      e.verify('v3@busy.test'),
    ]);
    expect(w.smtp.maxParallel('busy.test')).toBe(2);
  });

  it('spaces sessions to a domain by its rate limit', async () => {
    const p = provider({
      BUILTIN_SMTP_DOMAIN_RATE_PER_MINUTE: '120',
      BUILTIN_SMTP_REUSE_SESSIONS: 'false',
    });
    const started = performance.now();
    await p.verify('alice@acme.test', 'bob@acme.test', 'carol@acme.test');
    // 3 sessions at 2 a second: the third starts at least a second after the first.
    expect(performance.now() - started).toBeGreaterThanOrEqual(900);
    expect(w.smtp.connectionsFor('acme.test')).toHaveLength(3);
  });
});
