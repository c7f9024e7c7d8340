import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import type { CallScope } from '../../../providers/core/provider-client';
import { ProviderClient, waterfallRetryable } from '../../../providers/core/provider-client';
import { ProviderRegistry } from '../../../providers/core/provider-registry';
import type { TranscribeOutput } from '../../../providers/speech/speech.types';
import { TaskContext } from '../../tasks/engine/task-context';
import { TaskError } from '../../tasks/engine/task-errors';
import { TaskHandler, TaskType } from '../../tasks/engine/task-type.decorator';
import type { TaskEntity } from '../../tasks/task.entity';
import { TasksService } from '../../tasks/tasks.service';
import { PiiScrubber } from '../pii';
import type {
  InteractionRow,
  StoredTranscript,
  TranscriptLine,
} from '../storage/interaction.types';
import { InteractionsRepository } from '../storage/interactions.repository';
import { EmbeddingStage } from './embedding.stage';
import { cancelledStage, InteractionStages } from './interaction-stages';
import { chunkLines, transcriptLines } from './transcript';

export const TRANSCRIPTION_TASK = 'interaction_transcription';
export const ENRICHMENT_TASK = 'interaction_enrichment';

/** What both stages of a conversation take: the conversation's id (its row holds the rest). */
export class InteractionStageInput {
  @ApiProperty({ description: 'The interaction (conversation) id' })
  @IsUUID('all', { message: 'interaction_id must be a UUID' })
  interaction_id!: string;
}

/** The scrubbed transcript as the transcription checkpoint keeps it (no raw PII anywhere). */
interface Transcribed extends StoredTranscript {
  pii_counts: Record<string, number>;
  duration_seconds: number | null;
}

/**
 * The first half of a conversation's flow, on its own queue ahead of enrichment (the seed's
 * `transcription` queue had priority 10): TRANSCRIPTION (the `speech.transcribe` waterfall, then
 * PII scrubbed at once, inside the same checkpoint, so the raw text is never stored), EMBEDDING
 * (the scrubbed chunks via `llm.embed`), then the enrichment task is queued (idempotently).
 */
@TaskType({
  name: TRANSCRIPTION_TASK,
  input: InteractionStageInput,
  queue: 'interactions-transcription',
  priority: 1,
  concurrency: 2,
  maxAttempts: 3,
  timeoutMs: 30 * 60_000,
  description:
    'A recorded conversation transcribed (speakers, times), scrubbed of PII and embedded',
  entities: () => ({ accountId: null, leadId: null }),
})
export class InteractionTranscriptionTask implements TaskHandler<InteractionStageInput> {
  constructor(
    private readonly repo: InteractionsRepository,
    private readonly client: ProviderClient,
    private readonly registry: ProviderRegistry,
    private readonly embeddings: EmbeddingStage,
    private readonly tasks: TasksService,
    private readonly stages: InteractionStages,
  ) {}

  ended(task: TaskEntity): Promise<void> {
    return this.stages.ended(task);
  }

  async run(ctx: TaskContext<InteractionStageInput>): Promise<Record<string, unknown>> {
    const id = ctx.input.interaction_id;
    const row = await this.stages.start(id);
    const scope = () => ctx.providerScope();

    await this.repo.advance(id, 'TRANSCRIPTION', 'Transcribing the recording...');
    await ctx.progress('transcription', 10, 'transcribing');
    const t = await ctx.checkpoint<Transcribed>('transcription', async () => {
      if (!row.audio_path)
        throw TaskError.permanent('AUDIO_GONE', 'the recording was already deleted (retention)');
      return this.transcribe(row, scope());
    });
    await this.repo.saveTranscript(id, t, t.pii_counts);

    if (!(await this.repo.advance(id, 'EMBEDDING', `Embedding ${t.lines.length} lines...`)))
      throw cancelledStage();
    await ctx.progress('embedding', 60, 'embedding');
    const embedded = await ctx.checkpoint('embedding', async () => {
      const r = await this.embeddings.chunkRows(chunkLines(t.lines), scope());
      await this.repo.saveChunks(id, r.rows);
      return { chunks: r.rows.length, provider: r.provider, cost_usd: r.cost_usd };
    });

    // The second half, queued once whatever the retries (its idempotency key is the interaction's).
    const next = await this.tasks.submit(
      ENRICHMENT_TASK,
      { interaction_id: id },
      {
        idempotencyKey: `interaction:${id}:enrichment`,
        traceId: ctx.task.traceId,
        caller: {
          method: 'none',
          tenant: row.tenant_id === '' ? null : row.tenant_id,
          subject: `interaction:${id}`,
        },
      },
    );
    if ('task' in next) {
      await this.repo.advance(id, 'ENRICHMENT', 'Queued for enrichment...', {
        enrichment_task_id: next.task.id,
      });
    }
    return {
      lines: t.lines.length,
      language: t.language,
      provider: t.provider,
      pii_counts: t.pii_counts,
      chunks: embedded.chunks,
      embedding_provider: embedded.provider,
    };
  }

  private async transcribe(row: InteractionRow, scope: CallScope): Promise<Transcribed> {
    if (!this.registry.forCapability('speech.transcribe').length)
      throw TaskError.permanent(
        'NOT_CONFIGURED',
        'no speech.transcribe provider is configured (DEEPGRAM_API_KEY, or an OpenAI-compatible transcription server)',
      );
    const w = await this.client.waterfall<TranscribeOutput>(
      'speech.transcribe',
      {
        input: {
          file_path: row.audio_path!,
          mime_type: row.audio_mime,
          sha256: row.audio_sha256,
          diarize: true,
          // The budget check prices the real length, not the longest accepted.
          ...(row.duration_seconds ? { duration_seconds: row.duration_seconds } : {}),
        },
      },
      (o) => o.found,
      scope,
    );
    if (!w.winner?.data) {
      const why = w.steps.map((s) => `${s.provider}: ${s.error ?? s.outcome}`).join('; ');
      const retryable = waterfallRetryable(w.steps);
      throw new TaskError(
        retryable ? 'TEMPORARY' : 'TRANSCRIPTION_FAILED',
        `no transcript (${why})`,
        {
          retryable,
        },
      );
    }
    const out = w.winner.data;
    const scrubber = new PiiScrubber();
    const lines: TranscriptLine[] = transcriptLines(out).map((l) => ({
      ...l,
      text: scrubber.scrub(l.text),
    }));
    return {
      lines,
      language: out.language,
      duration_seconds: out.duration_seconds,
      provider: w.winner.provider,
      model: out.model,
      cost_usd: w.cost_usd,
      pii_counts: scrubber.counts(),
    };
  }
}
