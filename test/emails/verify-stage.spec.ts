import { VerifyStage } from '../../src/modules/emails/finding/verify.stage';
import type { ProviderClient } from '../../src/providers/core/provider-client';
import { ProviderError } from '../../src/providers/core/provider-error';
import type { ProviderRegistry } from '../../src/providers/core/provider-registry';
import type { EmailVerification } from '../../src/providers/email/email.types';

type Answer = (emails: string[]) => EmailVerification['status'][] | Error;

/** A verify stage over fake verifiers, in order; records what each was asked. */
function stage(verifiers: Record<string, Answer>) {
  const asked: Array<[string, string[]]> = [];
  const registry = {
    forCapability: () => Object.keys(verifiers).map((id) => ({ meta: { id } })),
  } as unknown as ProviderRegistry;
  const client = {
    call: async (id: string, req: { input: { emails: string[] } }) => {
      asked.push([id, req.input.emails]);
      const a = verifiers[id](req.input.emails);
      if (a instanceof Error) throw a;
      return {
        found: true,
        costUsd: id === 'hunter' ? 0.01 * req.input.emails.length : 0,
        data: {
          results: req.input.emails.map((email, i) => ({
            email,
            normalized: email,
            status: a[i],
            score: a[i] === 'deliverable' ? 95 : 0,
            reasons: [],
            smtp: null,
            mx: [],
            catch_all: false,
            verified_at: new Date().toISOString(),
          })),
        },
      };
    },
  } as unknown as ProviderClient;
  return { s: new VerifyStage(client, registry), asked };
}

describe('VerifyStage: the email.verify waterfall per address', () => {
  it('every address to the first verifier in one call; only the unknown ones to the next', async () => {
    const { s, asked } = stage({
      builtin_smtp: (e) => e.map((x) => (x.startsWith('a') ? 'deliverable' : 'unknown')),
      hunter: (e) => e.map(() => 'undeliverable'),
    });
    const v = await s.verify(['a@x.com', 'B@x.com', 'c@y.com', 'a@x.com'], {});
    expect(asked).toEqual([
      ['builtin_smtp', ['a@x.com', 'b@x.com', 'c@y.com']],
      ['hunter', ['b@x.com', 'c@y.com']],
    ]);
    expect(Object.fromEntries([...v.byEmail].map(([k, r]) => [k, [r.status, r.provider]]))).toEqual(
      {
        'a@x.com': ['deliverable', 'builtin_smtp'],
        'b@x.com': ['undeliverable', 'hunter'],
        'c@y.com': ['undeliverable', 'hunter'],
      },
    );
    expect(v).toMatchObject({ probed: 3, api_errors: 0, cost_usd: 0.02 });
  });

  it('a failed verifier is counted and the next one asked; a spent budget stops the stage', async () => {
    const { s } = stage({
      builtin_smtp: () => new ProviderError('TEMPORARY', 'down'),
      hunter: (e) => e.map(() => 'deliverable'),
    });
    const v = await s.verify(['a@x.com'], {});
    expect(v.byEmail.get('a@x.com')?.provider).toBe('hunter');
    expect(v.api_errors).toBe(1);

    const broke = stage({
      builtin_smtp: () => new ProviderError('BUDGET_EXCEEDED', 'budget spent'),
      hunter: (e) => e.map(() => 'deliverable'),
    });
    await expect(broke.s.verify(['a@x.com'], {})).rejects.toMatchObject({
      code: 'BUDGET_EXCEEDED',
    });
    expect(broke.asked.map(([id]) => id)).toEqual(['builtin_smtp']);
  });
});
