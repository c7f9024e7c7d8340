import type {
  InteractionDto,
  InteractionStatusDto,
  InteractionSubmittedDto,
} from '../dto/interaction.dto';
import type { InteractionRow } from '../storage/interaction.types';

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);

/** The stage task a conversation is in now (the seed's task_id). */
export const currentTask = (r: InteractionRow): string | null =>
  r.enrichment_task_id ?? r.transcription_task_id;

export function submittedView(r: InteractionRow, statusUrl: string): InteractionSubmittedDto {
  return { job_id: r.id, task_id: currentTask(r), state: r.state, status_url: statusUrl };
}

/** What a SUCCESS carries: the scrubbed transcript, the people, the synthesis, the metrics. */
function resultOf(r: InteractionRow): Record<string, unknown> {
  return {
    transcript: r.transcript,
    pii_detected: r.pii_counts ?? {},
    persons: r.persons ?? [],
    synthesis: r.synthesis,
    metrics: r.metrics,
  };
}

export function statusView(r: InteractionRow): InteractionStatusDto {
  return {
    job_id: r.id,
    task_id: currentTask(r),
    state: r.state,
    progress: r.progress,
    ...(r.state === 'SUCCESS' ? { result: resultOf(r) } : {}),
    ...(r.state === 'ERROR' && r.error ? { error: `${r.error.code}: ${r.error.message}` } : {}),
  };
}

export function detailView(r: InteractionRow): InteractionDto {
  return {
    id: r.id,
    user_id: r.user_id,
    mode: r.mode,
    state: r.state,
    progress: r.progress,
    error: r.error,
    audio: {
      mime: r.audio_mime,
      bytes: Number(r.audio_bytes),
      duration_seconds: r.duration_seconds,
      sha256: r.audio_sha256,
      deleted_at: iso(r.audio_deleted_at),
    },
    tasks: { transcription: r.transcription_task_id, enrichment: r.enrichment_task_id },
    transcript: r.transcript as unknown as Record<string, unknown> | null,
    pii_counts: r.pii_counts,
    persons: r.persons as unknown as Array<Record<string, unknown>> | null,
    synthesis: r.synthesis,
    metrics: r.metrics,
    created_at: iso(r.created_at)!,
    updated_at: iso(r.updated_at)!,
    completed_at: iso(r.completed_at),
  };
}
