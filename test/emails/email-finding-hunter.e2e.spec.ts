import { callbackEnv, openaiEnv } from '../leads/leads-env';
import { chatAnswer, ChatRequest, schemaOf } from '../leads/llm-reply';
import { TestSmtpServer } from '../support/smtp-server';
import request from 'supertest';
import {
  HUNTER_USD_PER_SEARCH_CREDIT,
  HUNTER_USD_PER_VERIFICATION,
} from '../../src/providers/hunter/hunter.metadata';
import { PATTERNS } from '../../src/modules/emails/finding/email-patterns';
import { authHeaders, startTestApp, TestApp } from '../support/test-app';
import { fixture, VendorStub } from '../support/vendor-stub';
import {
  domainOf,
  find,
  hunterBehaviour,
  hunterEmail,
  MailWorld,
  probes,
  smtpEnv,
} from './emails-harness';

/**
 * email_finding with Hunter (a stub answering VENDORS.md §2 shapes) and an LLM (OpenAI-compatible
 * stub) besides the built-in verifier: Hunter's domain search verified by SMTP, generic inboxes
 * only as a fallback, decision-makers from the LLM web search when too few addresses were found,
 * and Hunter's email-finder for one person.
 */
describe('email finding with Hunter and an LLM', () => {
  let t: TestApp;
  let world: MailWorld;
  let smtp: TestSmtpServer;
  let hunter: VendorStub;
  let openai: VendorStub;
  const initech = domainOf('initech');
  const umbrella = domainOf('umbrella');

  beforeAll(async () => {
    world = await MailWorld.start();
    world.domain(initech, { mailboxes: ['olivia.martin', 'maya.chen', 'info'] });
    world.domain(umbrella, { mailboxes: ['ann.lee', 'bo.kim', 'cy.ray', 'info'] });
    smtp = await TestSmtpServer.start({ rcpt: world.rcpt });
    const search = hunterBehaviour(
      {
        [initech]: [
          hunterEmail(`olivia.martin@${initech}`, 'personal', 96, ['Olivia', 'Martin', 'CEO']),
          hunterEmail(`pat.low@${initech}`, 'personal', 60, ['Pat', 'Low', 'Intern']),
          hunterEmail(`info@${initech}`, 'generic', 91),
        ],
        [umbrella]: [
          hunterEmail(`ann.lee@${umbrella}`, 'personal', 94, ['Ann', 'Lee', 'CEO']),
          hunterEmail(`bo.kim@${umbrella}`, 'personal', 88, ['Bo', 'Kim', 'CFO']),
          hunterEmail(`cy.ray@${umbrella}`, 'personal', 81, ['Cy', 'Ray', 'CTO']),
          hunterEmail(`info@${umbrella}`, 'generic', 99),
        ],
      },
      { [initech]: '{first}.{last}', [umbrella]: '{first}.{last}' },
    );
    hunter = await VendorStub.start((req) => {
      const url = new URL(req.path, 'http://stub');
      if (url.pathname === '/v2/email-finder' && url.searchParams.get('first_name') === 'Olivia') {
        const found = fixture('hunter', 'email-finder');
        return {
          json: {
            ...found,
            data: { ...found.data, email: `olivia.martin@${initech}`, domain: initech, score: 95 },
          },
        };
      }
      return search(req);
    });
    openai = await VendorStub.start(((req: ChatRequest) => {
      const prompt = req.body?.messages?.map((m) => m.content).join('\n') ?? '';
      if (schemaOf(req) !== 'people_at_company') return { status: 400, json: {} };
      const people = prompt.includes(initech)
        ? [{ name: 'Maya Chen', title: 'COO', source_url: `https://news.example/${initech}` }]
        : [];
      return chatAnswer(
        { people },
        people.map((p) => p.source_url),
      );
    }) as never);
    t = await startTestApp({
      ...smtpEnv(world, smtp),
      ...callbackEnv(),
      ...openaiEnv(openai),
      HUNTER_API_KEY: 'hunter-emails-e2e-key',
      HUNTER_BASE_URL: `${hunter.url}/v2`,
      HUNTER_VERIFY_POLL_MS: '0',
    });
  });
  afterAll(async () => {
    await t?.close();
    await hunter?.close();
    await openai?.close();
    await smtp?.close();
    await world?.dns.close();
  });

  it("a dry run prices the configured providers' worst case and calls none of them", async () => {
    const before = hunter.requests.length + openai.requests.length;
    const res = await request(t.app.getHttpServer())
      .post('/api/v1/emails/find')
      .set(authHeaders)
      .send({ domain: initech, first_name: 'Olivia', last_name: 'Martin', dry_run: true })
      .expect(200);
    // Hunter: a domain search (one credit for 10 addresses), the email-finder (one credit), the
    // finder's answer and every permutation verified (builtin_smtp free, then Hunter's).
    const verified = PATTERNS.length + 1;
    expect(res.body.estimate).toMatchObject({
      calls: 4,
      cost_min_usd: 0,
      cost_max_usd: +(
        2 * HUNTER_USD_PER_SEARCH_CREDIT +
        verified * HUNTER_USD_PER_VERIFICATION
      ).toFixed(6),
    });
    // A domain find adds the people search (the LLM) and each person's address.
    const domain = await request(t.app.getHttpServer())
      .post('/api/v1/emails/find')
      .set(authHeaders)
      .send({ domain: initech, dry_run: true })
      .expect(200);
    // (EMAILS_MAX_PEOPLE = 10 people, each a finder call and two verifications, at least.)
    expect(domain.body.estimate.calls).toBeGreaterThanOrEqual(10 * 3 + 4);
    expect(domain.body.estimate.cost_max_usd).toBeGreaterThan(
      10 * (HUNTER_USD_PER_SEARCH_CREDIT + verified * HUNTER_USD_PER_VERIFICATION),
    );
    expect(hunter.requests.length + openai.requests.length).toBe(before);
  });

  it('a domain with enough personal addresses: Hunter confident ones verified, generic inboxes never asked', async () => {
    const r = await find(t, { domain: umbrella });
    expect(r.emails.map((e: { email: string }) => e.email)).toEqual([
      `ann.lee@${umbrella}`,
      `bo.kim@${umbrella}`,
      `cy.ray@${umbrella}`,
    ]);
    expect(r.emails[0]).toMatchObject({
      type: 'primary',
      generic: false,
      status: 'deliverable',
      source: 'hunter',
      method: 'api',
      first_name: 'Ann',
      position: 'CEO',
      verification: { provider: 'builtin_smtp' },
      provenance: { method: 'api', source: 'hunter', evidence: ['http://acme.com/about/team'] },
    });
    expect(r.emails[0].provenance.cost_usd).toBeGreaterThan(0);
    expect(r.cost_usd).toBeGreaterThan(0);
    expect(probes(smtp, umbrella)).not.toContain(`info@${umbrella}`);
    expect(r.pattern).toMatchObject({ pattern: '{first}.{last}' });
    // Enough were found: no people search (the LLM was never asked about this domain).
    expect(openai.requests.some((q) => JSON.stringify(q.body).includes(umbrella))).toBe(false);
  });

  it('too few personal addresses: decision-makers from the LLM web search by the pattern, then generic inboxes as the fallback', async () => {
    const r = await find(t, { domain: initech });
    expect(r.emails).toEqual([
      expect.objectContaining({
        email: `olivia.martin@${initech}`,
        type: 'primary',
        method: 'api',
        source: 'hunter',
      }),
      expect.objectContaining({
        email: `maya.chen@${initech}`,
        type: 'primary',
        generic: false,
        method: 'inferred',
        pattern: '{first}.{last}',
        position: 'COO',
        provenance: expect.objectContaining({
          evidence: expect.arrayContaining([`https://news.example/${initech}`]),
        }),
      }),
      expect.objectContaining({ email: `info@${initech}`, type: 'secondary', generic: true }),
    ]);
    // Below Hunter's confidence threshold: never verified.
    expect(probes(smtp, initech)).not.toContain(`pat.low@${initech}`);
    // The pattern's address is asked first: Maya Chen cost one probe.
    expect(probes(smtp, initech).filter((a) => a.includes('maya') || a.includes('chen'))).toEqual([
      `maya.chen@${initech}`,
    ]);
  });

  it("one person: Hunter's email-finder answer is verified first, alone", async () => {
    smtp.reset();
    const r = await find(t, { domain: initech, first_name: 'Olivia', last_name: 'Martin' });
    expect(r.emails).toEqual([
      expect.objectContaining({
        email: `olivia.martin@${initech}`,
        status: 'deliverable',
        source: 'hunter',
        method: 'api',
      }),
    ]);
    expect(r.counts.verified).toBe(1);
    // Her addresses asked (the verifier's own catch-all probe aside): the finder's only.
    expect(probes(smtp, initech).filter((a) => /olivia|martin/.test(a))).toEqual([
      `olivia.martin@${initech}`,
    ]);
  });
});
