import {
  ContactEnrichmentTask,
  PARALLEL_BATCHES,
} from '../../src/modules/contacts/contact-enrichment.task';
import type { ContactEnrichmentInput } from '../../src/modules/contacts/dto/contact-enrichment.input';
import { ContactEnricher } from '../../src/modules/contacts/enrichment/contact-enricher.service';
import type { ContactEnrichmentResult } from '../../src/modules/contacts/enrichment/contact-result';
import { TaskError } from '../../src/modules/tasks/engine/task-errors';
import type { ProviderRequest } from '../../src/providers/core/enrichment-provider';
import type { ProviderClient } from '../../src/providers/core/provider-client';
import { ProviderError } from '../../src/providers/core/provider-error';
import type { ProviderRegistry } from '../../src/providers/core/provider-registry';
import type { PersonEnrichInput } from '../../src/providers/person/person.types';
import { runTask } from '../support/fakes/task-run';

type Answer = (people: PersonEnrichInput['people'], n: number) => void;

/**
 * A stand-in for the ProviderClient's person.enrich path: Apollo "knows" emails starting with
 * `known`, costs $0.10 per match; `failOn(n, err)` makes its n-th call (1-based) throw.
 */
class FakePersonEnrich {
  readonly calls: PersonEnrichInput['people'][] = [];
  private failures = new Map<number, Error>();
  before?: Answer;

  failOn(n: number, err: Error): this {
    this.failures.set(n, err);
    return this;
  }

  call(_provider: string, request: ProviderRequest<PersonEnrichInput>) {
    const people = request.input.people;
    this.calls.push(people);
    this.before?.(people, this.calls.length);
    const failure = this.failures.get(this.calls.length);
    if (failure) return Promise.reject(failure);
    const matches = people.map((p) =>
      p.email?.startsWith('known')
        ? { name: `Person ${p.email}`, email: p.email, title: 'VP Sales' }
        : null,
    );
    const found = matches.filter(Boolean).length;
    return Promise.resolve({
      found: found > 0,
      data: { matches },
      cached: false,
      costUsd: found / 10,
    });
  }

  maxCost(_provider: string, request: ProviderRequest<PersonEnrichInput>) {
    return request.input.people.length * 0.1;
  }
}

const registry = (providers: string[]) =>
  ({
    forCapability: () => providers.map((id) => ({ meta: { id } })),
  }) as unknown as ProviderRegistry;

function handler(fake: FakePersonEnrich, providers = ['apollo']): ContactEnrichmentTask {
  const enricher = new ContactEnricher(fake as unknown as ProviderClient, registry(providers));
  return new ContactEnrichmentTask(enricher);
}

const contacts = (n: number, prefix = 'known') =>
  Array.from({ length: n }, (_, i) => ({
    email: `${i % 2 ? 'other' : prefix}${String(i).padStart(3, '0')}@acme.com`,
    external_id: `crm-${i}`,
  }));

/** The contact_enrichment handler in the service tier: batches, checkpoints, failures. */
describe('ContactEnrichmentTask (service tier)', () => {
  it('25 contacts: 3 vendor batches of at most 10; every contact kept, in input order', async () => {
    const fake = new FakePersonEnrich();
    const input: ContactEnrichmentInput = { contacts: contacts(25) };
    const run = await runTask(handler(fake), input);
    expect(run.error).toBeUndefined();
    expect(fake.calls.map((c) => c.length)).toEqual([10, 10, 5]);
    const r = run.result!;
    expect(r.contacts.map((c) => c.external_id)).toEqual(input.contacts.map((c) => c.external_id));
    expect(r.contacts.map((c) => c.status)).toEqual(
      input.contacts.map((_, i) => (i % 2 ? 'unenriched' : 'enriched')),
    );
    expect(r.summary).toEqual({
      total: 25,
      enriched: 13,
      unenriched: 12,
      duplicates: 0,
      vendor_calls: 3,
      cache_hits: 0,
      cost_usd: 1.3,
    });
    expect(Object.keys(run.store.checkpoints)).toEqual(['batches_0']);
    const last = run.store.progress.at(-1)!;
    expect(last.progress).toMatchObject({
      percent: 100,
      counters: { contacts: 25, batches: 3, batches_done: 3, enriched: 13, unenriched: 12 },
    });
  });

  it('a few batches at once, never more than PARALLEL_BATCHES', async () => {
    const fake = new FakePersonEnrich();
    let inFlight = 0;
    let most = 0;
    const call = fake.call.bind(fake);
    fake.call = async (p, r) => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight--;
      return call(p, r);
    };
    await runTask(handler(fake), { contacts: contacts(95) });
    expect(fake.calls).toHaveLength(10);
    expect(most).toBe(PARALLEL_BATCHES);
  });

  it('a transient outage fails the attempt retryably; the retry does only the unfinished group', async () => {
    const down = new ProviderError('TEMPORARY', 'Apollo 503: unavailable', { status: 503 });
    const first = new FakePersonEnrich().failOn(11, down);
    const input = { contacts: contacts(120) };
    const a1 = await runTask(handler(first), input);
    expect(a1.error).toBe(down);
    expect((a1.error as ProviderError).retryable).toBe(true);
    expect(Object.keys(a1.store.checkpoints)).toEqual(['batches_0']);

    const second = new FakePersonEnrich();
    const a2 = await runTask(handler(second), input, {
      task: { attempts: 2 },
      checkpoints: a1.store.checkpoints,
    });
    expect(second.calls.map((c) => c[0].email)).toEqual(
      first.calls.slice(10, 12).map((c) => c[0].email),
    );
    expect(a2.result!.summary).toMatchObject({ total: 120, enriched: 60, vendor_calls: 12 });
  });

  it('a batch refused for good marks its contacts unenriched; the others are enriched', async () => {
    const fake = new FakePersonEnrich().failOn(
      2,
      new ProviderError('BAD_INPUT', 'Apollo 422: invalid value', { retryable: false }),
    );
    const run = await runTask(handler(fake), { contacts: contacts(25) });
    const r = run.result!;
    const refused = r.contacts.filter((c) => c.reason?.startsWith('invalid_input'));
    expect(refused).toHaveLength(10);
    expect(refused[0].reason).toBe('invalid_input: Apollo 422: invalid value');
    // In key order the 13 known emails come first: the refused 2nd batch held 3 of them.
    expect(r.summary).toMatchObject({ total: 25, enriched: 10, unenriched: 15 });
  });

  it('a refused key ends the task at once, not retried, with the contacts done so far', async () => {
    const fake = new FakePersonEnrich().failOn(
      1,
      new ProviderError('AUTH', 'Apollo 401: Invalid access credentials. (check APOLLO_API_KEY)', {
        status: 401,
        retryable: false,
      }),
    );
    const run = await runTask(handler(fake), { contacts: contacts(15) });
    expect(run.error).toBeInstanceOf(TaskError);
    const e = run.error as TaskError;
    expect(e).toMatchObject({ code: 'AUTH', retryable: false });
    expect(e.message).toContain('check APOLLO_API_KEY');
    const partial = e.partialResult as ContactEnrichmentResult;
    expect(partial.partial).toBe(true);
    expect(partial.contacts).toHaveLength(15);
    expect(partial.contacts.every((c) => c.status === 'unenriched')).toBe(true);
  });

  it('no person.enrich provider: a clear permanent failure; the estimate says so', async () => {
    const h = handler(new FakePersonEnrich(), []);
    const run = await runTask(h, { contacts: contacts(3) });
    expect(run.error).toMatchObject({ code: 'AUTH', retryable: false });
    expect((run.error as Error).message).toContain('APOLLO_API_KEY');
    expect(h.estimate({ contacts: contacts(3) })).toMatchObject({ calls: 0, cost_max_usd: 0 });
  });

  it('estimate: ⌈unique / 10⌉ calls and the worst case, duplicates not counted', () => {
    const list = contacts(23);
    const e = handler(new FakePersonEnrich()).estimate({
      contacts: [...list, ...list.slice(0, 4)],
    });
    expect(e).toMatchObject({ calls: 3, cost_min_usd: 0, cost_max_usd: 2.3 });
    expect(e.notes?.[0]).toBe(
      '27 contact(s): 23 unique, 4 duplicate(s), in 3 batch(es) of at most 10 to apollo',
    );
  });
});
