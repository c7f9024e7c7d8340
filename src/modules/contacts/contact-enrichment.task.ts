import { chunks, mapLimit } from '../../common/map-limit';
import { ProviderError } from '../../providers/core/provider-error';
import { TaskContext } from '../tasks/engine/task-context';
import { TaskError } from '../tasks/engine/task-errors';
import { TaskEstimate, TaskHandler, TaskType } from '../tasks/engine/task-type.decorator';
import { ContactEnrichmentInput } from './dto/contact-enrichment.input';
import { ContactEnricher, TASK_FATAL_CODES } from './enrichment/contact-enricher.service';
import { ContactPlan, planContacts, VENDOR_BATCH } from './enrichment/contact-plan';
import {
  BatchRecord,
  buildResult,
  ContactEnrichmentResult,
  contactSummary,
} from './enrichment/contact-result';

export const CONTACT_TASK = 'contact_enrichment';

/** Vendor batches in flight at once (the shared rate limiter paces them). */
export const PARALLEL_BATCHES = 3;
/** Batches per checkpoint: a retry never calls the vendor again for a finished group. */
export const BATCHES_PER_CHECKPOINT = 10;

const round = (usd: number) => Math.round(usd * 1e6) / 1e6;

/**
 * `contact_enrichment`: 1–10,000 contacts through the first `person.enrich` provider (Apollo's
 * people/bulk_match), deduplicated and sorted into vendor batches of 10 (a re-run of the same
 * contacts, in any order, asks the same questions: the provider cache answers, 0 vendor calls),
 * a few batches at once under the shared rate limit, checkpointed in groups of batches. Every
 * contact is in the result, in input order, in ZapAI's output shape: `enriched`, or `unenriched`
 * with the reason (no_match, invalid_input: …, vendor_error: …).
 */
@TaskType({
  name: CONTACT_TASK,
  input: ContactEnrichmentInput,
  concurrency: 2,
  maxAttempts: 5,
  // Room for ⌈n/10⌉ calls at Apollo's default bulk limit (5 a minute): 30 s a batch.
  timeoutFor: (input) =>
    10 * 60_000 + Math.ceil((input.contacts?.length ?? 0) / VENDOR_BATCH) * 30_000,
  description:
    'Enrich 1–10,000 contacts {email?, name?, first_name?, last_name?, company?, domain?, linkedin_url?, external_id?} in vendor batches of 10',
  entities: () => ({ accountId: null, leadId: null }),
  // One completed callback with every contact (no lead pages).
  callbackPages: { lists: [], counted: [] },
  summarize: contactSummary,
})
export class ContactEnrichmentTask implements TaskHandler<
  ContactEnrichmentInput,
  ContactEnrichmentResult
> {
  constructor(private readonly enricher: ContactEnricher) {}

  /** ⌈unique contacts / 10⌉ calls; worst case: every contact matched and paid. */
  estimate(input: ContactEnrichmentInput): TaskEstimate {
    const plan = planContacts(input.contacts);
    const provider = this.enricher.provider();
    const counts =
      `${input.contacts.length} contact(s): ${plan.unique} unique, ${plan.duplicates} duplicate(s), ` +
      `in ${plan.batches.length} batch(es) of at most ${VENDOR_BATCH}`;
    if (!provider) {
      return {
        calls: 0,
        cost_min_usd: 0,
        cost_max_usd: 0,
        notes: [
          counts,
          'no person.enrich provider is configured (set APOLLO_API_KEY): it would fail',
        ],
      };
    }
    const max = plan.batches.reduce((s, b) => s + this.enricher.maxCost(provider, b), 0);
    return {
      calls: plan.batches.length,
      cost_min_usd: 0,
      cost_max_usd: round(max),
      notes: [
        `${counts} to ${provider}`,
        'paid per contact matched (worst case: all); answers in the provider cache (a re-run of the same contacts) cost nothing',
      ],
    };
  }

  async run(ctx: TaskContext<ContactEnrichmentInput>): Promise<ContactEnrichmentResult> {
    const contacts = ctx.input.contacts;
    const plan = planContacts(contacts);
    const provider = this.enricher.provider();
    if (!provider) {
      throw TaskError.permanent(
        'AUTH',
        'no person.enrich provider is configured: set APOLLO_API_KEY (docs/providers.md)',
      );
    }
    const total = plan.batches.length;
    const records = new Map<number, BatchRecord>();
    const report = (message: string) =>
      ctx.progress('enriching', 5 + (90 * records.size) / Math.max(1, total), message, {
        counters: counters(plan, records, contacts.length),
      });
    await report(`${plan.unique} unique contact(s) in ${total} batch(es) to ${provider}`);

    const groups = chunks(
      plan.batches.map((_, i) => i),
      BATCHES_PER_CHECKPOINT,
    );
    try {
      for (const group of groups) {
        const done = await ctx.checkpoint(`batches_${group[0]}`, () =>
          this.runGroup(ctx, provider, plan, group, records, report),
        );
        group.forEach((b, i) => records.set(b, done[i]));
      }
    } catch (err) {
      throw stopped(err, () => ({
        ...buildResult(contacts, plan, records, ctx.taskId),
        partial: true as const,
      }));
    }
    await ctx.progress('enriching', 100, 'done', {
      counters: counters(plan, records, contacts.length),
    });
    return buildResult(contacts, plan, records, ctx.taskId);
  }

  /**
   * The batches of one checkpoint group, PARALLEL_BATCHES at once. After a failure that stops the
   * attempt no new batch starts; those in flight finish (their paid answers are cached) and the
   * failure is thrown.
   */
  private async runGroup(
    ctx: TaskContext<ContactEnrichmentInput>,
    provider: string,
    plan: ContactPlan,
    group: number[],
    records: Map<number, BatchRecord>,
    report: (message: string) => Promise<void>,
  ): Promise<BatchRecord[]> {
    let failure: { err: unknown } | undefined;
    await mapLimit(group, PARALLEL_BATCHES, async (b) => {
      if (failure) return;
      try {
        const r = await this.enricher.enrichBatch(provider, plan.batches[b], ctx.providerScope());
        records.set(b, r);
        await report(`batch ${records.size} of ${plan.batches.length} done`);
      } catch (err) {
        failure ??= { err };
      }
    });
    if (failure) throw failure.err;
    return group.map((b) => records.get(b)!);
  }
}

/** Counters of the status routes: contacts, batches done, unique contacts (un)enriched so far. */
function counters(
  plan: ContactPlan,
  records: ReadonlyMap<number, BatchRecord>,
  contacts: number,
): Record<string, number> {
  let enriched = 0;
  let unenriched = 0;
  for (const [b, r] of records) {
    const found = r.matches?.filter(Boolean).length ?? 0;
    enriched += found;
    unenriched += plan.batches[b].length - found;
  }
  return {
    contacts,
    unique: plan.unique,
    batches: plan.batches.length,
    batches_done: records.size,
    enriched,
    unenriched,
  };
}

/**
 * What ends the attempt: a failure every batch would share (refused key, quota, budget) ends the
 * task with the contacts done so far as its partial result; anything else (a transient outage,
 * a cancel) is passed on as is — retried from the checkpoints, or handed back when rate limited.
 */
function stopped(err: unknown, partial: () => ContactEnrichmentResult): unknown {
  if (!(err instanceof ProviderError) || !TASK_FATAL_CODES.has(err.code)) return err;
  return new TaskError(err.code, err.message, {
    retryable: false,
    cause: err,
    partialResult: partial(),
  });
}
