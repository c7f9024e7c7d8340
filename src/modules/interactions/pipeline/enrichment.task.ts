import { TaskContext } from '../../tasks/engine/task-context';
import { TaskHandler, TaskType } from '../../tasks/engine/task-type.decorator';
import type { TaskEntity } from '../../tasks/task.entity';
import { ProviderRegistry } from '../../../providers/core/provider-registry';
import { PeopleExtraction } from '../people/people-extraction';
import { ProfileLookup } from '../people/profile-lookup';
import type { InteractionPerson } from '../storage/interaction.types';
import { InteractionsRepository } from '../storage/interactions.repository';
import { Synthesis, SynthesisStage } from '../synthesis/synthesis';
import { cancelledStage, InteractionStages } from './interaction-stages';
import { ENRICHMENT_TASK, InteractionStageInput } from './transcription.task';

/**
 * The second half of a conversation's flow, on the enrichment queue: ENRICHMENT (the people in the
 * scrubbed transcript, then a profile lookup per person, fanned out) and SYNTHESIS (the insight
 * against the user's profile and an outreach draft per person worth following up), then SUCCESS
 * with the metrics (stage durations, people found, cost). Each step is a checkpoint.
 */
@TaskType({
  name: ENRICHMENT_TASK,
  input: InteractionStageInput,
  queue: 'interactions-enrichment',
  priority: 5,
  concurrency: 4,
  maxAttempts: 3,
  timeoutMs: 30 * 60_000,
  description: "A transcribed conversation's people looked up, and the insight and outreach drafts",
  entities: () => ({ accountId: null, leadId: null }),
})
export class InteractionEnrichmentTask implements TaskHandler<InteractionStageInput> {
  constructor(
    private readonly repo: InteractionsRepository,
    private readonly registry: ProviderRegistry,
    private readonly people: PeopleExtraction,
    private readonly lookup: ProfileLookup,
    private readonly synthesis: SynthesisStage,
    private readonly stages: InteractionStages,
  ) {}

  ended(task: TaskEntity): Promise<void> {
    return this.stages.ended(task);
  }

  async run(ctx: TaskContext<InteractionStageInput>): Promise<Record<string, unknown>> {
    const id = ctx.input.interaction_id;
    const row = await this.stages.start(id, 'transcript');
    const transcript = row.transcript!;
    const lines = transcript.lines;
    const scope = () => ctx.providerScope();
    const started = Date.now();

    if (!(await this.repo.advance(id, 'ENRICHMENT', 'Finding the people mentioned...')))
      throw cancelledStage();
    await ctx.progress('people', 20, 'finding the people mentioned');
    const found = await ctx.checkpoint('people', () => this.people.extract(lines, scope()));
    await this.repo.advance(id, 'ENRICHMENT', `Looking up ${found.persons.length} people...`, {
      persons: found.persons,
    });
    await ctx.progress('profiles', 40, `looking up ${found.persons.length} people`);
    const looked = await ctx.checkpoint('profiles', () =>
      this.lookup.lookup(found.persons, scope()),
    );
    const enrichedAt = Date.now();

    if (
      !(await this.repo.advance(id, 'SYNTHESIS', 'Writing the insight and outreach drafts...', {
        persons: looked.persons,
      }))
    )
      throw cancelledStage();
    await ctx.progress('synthesis', 70, 'synthesis');
    const profile = await this.repo.profile(row.tenant_id, row.user_id);
    const synthesis = await ctx.checkpoint<Synthesis | { skipped: string }>(
      'synthesis',
      async () =>
        this.registry.forCapability('llm.generate').length
          ? this.synthesis.synthesise(
              lines,
              looked.persons,
              profile?.profile ?? null,
              row.mode,
              scope(),
            )
          : { skipped: 'LLM_NOT_CONFIGURED: no insight or drafts without an LLM' },
    );
    const persons: InteractionPerson[] = looked.persons;
    const metrics = {
      ...row.metrics,
      people_found: persons.length,
      people_matched: persons.filter((p) => p.profile && p.profile.label !== 'low').length,
      lookup_errors: looked.errors,
      extraction: found.method,
      enrichment_seconds: Math.round((enrichedAt - started) / 100) / 10,
      synthesis_seconds: Math.round((Date.now() - enrichedAt) / 100) / 10,
      cost_usd:
        Math.round(
          ((transcript.cost_usd ?? 0) +
            found.cost_usd +
            looked.cost_usd +
            ('cost_usd' in synthesis ? synthesis.cost_usd : 0)) *
            1e6,
        ) / 1e6,
    };
    if (!(await this.repo.advance(id, 'SUCCESS', 'Done', { synthesis, metrics })))
      throw cancelledStage();
    return { people: persons.length, drafts: 'drafts' in synthesis ? synthesis.drafts.length : 0 };
  }
}
