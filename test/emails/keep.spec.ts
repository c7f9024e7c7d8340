import type { EmailVerification } from '../../src/providers/email/email.types';
import { SEED_RULES } from '../../src/modules/emails/finding/acceptance';
import type { EmailCandidate, FindRules } from '../../src/modules/emails/finding/email-candidate';
import { bestForPerson, domainList, keepVerified } from '../../src/modules/emails/finding/keep';
import { patternOf } from '../../src/modules/emails/finding/pattern-knowledge';

const rules: FindRules = { ...SEED_RULES, maxPeople: 10 };

const cand = (email: string, extra: Partial<EmailCandidate> = {}): EmailCandidate => ({
  email,
  first_name: 'Dana',
  last_name: 'Reyes',
  position: null,
  generic: false,
  source: 'request',
  method: 'inferred',
  find_confidence: 20,
  cost_usd: 0,
  ...extra,
});

const verdict = (
  email: string,
  status: EmailVerification['status'],
  score: number,
  reasons: string[] = [],
  catchAll: boolean | null = false,
): [string, EmailVerification] => [
  email,
  {
    email,
    normalized: email,
    status,
    score,
    reasons,
    smtp: { host: 'mx.acme.com', code: status === 'undeliverable' ? 550 : 250, message: 'ok' },
    mx: ['mx.acme.com'],
    catch_all: catchAll,
    verified_at: '2026-01-02T03:04:05.000Z',
    provider: 'builtin_smtp',
  },
];

describe('keepVerified', () => {
  it('keeps what decide() keeps, in candidate order, with provenance and the verdict; counts the rest by reason', () => {
    const rejected: Record<string, number> = {};
    const kept = keepVerified(
      [
        cand('dana.reyes@acme.com', { pattern: '{first}.{last}' }),
        cand('dreyes@acme.com', { pattern: '{f}{last}' }),
        cand('dana@acme.com', { pattern: '{first}' }),
        cand('reyes@acme.com', { pattern: '{last}' }),
        cand('nobody@acme.com'),
      ],
      new Map([
        verdict('dana.reyes@acme.com', 'undeliverable', 2, ['mailbox_not_found']),
        verdict('dreyes@acme.com', 'deliverable', 95),
        verdict('dana@acme.com', 'risky', 55, ['accept_all'], true),
        verdict('reyes@acme.com', 'risky', 20, ['disposable']),
      ]),
      rules,
      'task-1',
      rejected,
    );
    expect(kept).toEqual([
      expect.objectContaining({
        email: 'dreyes@acme.com',
        type: 'primary',
        status: 'deliverable',
        confidence: 95,
        pattern: '{f}{last}',
        provenance: expect.objectContaining({
          method: 'inferred',
          confidence: 0.95,
          task_id: 'task-1',
          pattern: '{f}{last}',
          verification: expect.objectContaining({ provider: 'builtin_smtp', smtp_code: 250 }),
        }),
      }),
    ]);
    expect(rejected).toEqual({ undeliverable: 1, low_score: 1, disposable: 1 });
  });

  it('a generic inbox is secondary with confidence max(50, 0.8 × score)', () => {
    const [info] = keepVerified(
      [cand('info@acme.com', { generic: true, first_name: null, last_name: null })],
      new Map([verdict('info@acme.com', 'deliverable', 85, ['role'])]),
      rules,
      null,
    );
    expect(info).toMatchObject({ type: 'secondary', generic: true, confidence: 68 });
  });
});

describe('bestForPerson and domainList', () => {
  const kept = (email: string, status: 'deliverable' | 'risky', score: number, generic = false) =>
    keepVerified(
      [cand(email, { generic })],
      new Map([verdict(email, status, score, generic ? ['role'] : [])]),
      { ...rules, minScore: 0 },
      null,
    )[0];

  it('a person: the first deliverable, else the best risky', () => {
    const risky = kept('a@acme.com', 'risky', 60);
    const better = kept('b@acme.com', 'risky', 70);
    const ok = kept('c@acme.com', 'deliverable', 80);
    expect(bestForPerson([risky, ok, better])?.email).toBe('c@acme.com');
    expect(bestForPerson([risky, better])?.email).toBe('b@acme.com');
    expect(bestForPerson([])).toBeNull();
  });

  it('a domain: personal first (primary, then confidence) up to the wanted number; generic only to fill in, at most maxGeneric', () => {
    const p1 = kept('p1@acme.com', 'risky', 75);
    const p2 = kept('p2@acme.com', 'deliverable', 96);
    const g = ['info', 'sales', 'hello', 'office'].map((l) =>
      kept(`${l}@acme.com`, 'deliverable', 90, true),
    );
    expect(domainList([p1, ...g, p2], rules).map((a) => a.email)).toEqual([
      'p2@acme.com',
      'p1@acme.com',
      'info@acme.com',
      'sales@acme.com',
      'hello@acme.com',
    ]);
    const three = [p1, p2, kept('p3@acme.com', 'deliverable', 92)];
    expect(domainList([...g, ...three], rules).every((a) => !a.generic)).toBe(true);
  });
});

describe('patternOf', () => {
  it('the pattern an address was made with, else the one its name fits', () => {
    expect(patternOf({ email: 'x@acme.com', pattern: '{first}' })).toBe('{first}');
    expect(patternOf({ email: 'dreyes@acme.com', first_name: 'Dana', last_name: 'Reyes' })).toBe(
      '{f}{last}',
    );
    expect(
      patternOf({ email: 'boss@acme.com', first_name: 'Dana', last_name: 'Reyes' }),
    ).toBeNull();
  });
});
