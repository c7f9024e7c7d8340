/** The seed's states (SEED-CONTRACTS part D), in order; the last three are final. */
export const INTERACTION_STATES = [
  'PENDING',
  'TRANSCRIPTION',
  'EMBEDDING',
  'ENRICHMENT',
  'SYNTHESIS',
  'SUCCESS',
  'ERROR',
  'CANCELLED',
] as const;
export type InteractionState = (typeof INTERACTION_STATES)[number];
export const FINAL_STATES: InteractionState[] = ['SUCCESS', 'ERROR', 'CANCELLED'];

/** One line of the scrubbed transcript (an utterance), numbered from 1: what citations point to. */
export interface TranscriptLine {
  n: number;
  speaker: number | null;
  start: number;
  end: number;
  text: string;
}

export interface StoredTranscript {
  lines: TranscriptLine[];
  language: string | null;
  provider: string;
  model: string | null;
  cost_usd: number;
}

/** A person the conversation mentions, and what the lookup found. */
export interface InteractionPerson {
  name: string;
  company: string | null;
  role: string | null;
  what_was_said_about_them: string;
  search_query: string;
  confidence: number;
  /** Transcript lines that mention them. */
  lines: number[];
  extracted_by: 'llm' | 'offline_nlp';
  profile?: PersonMatch | null;
  /** Why the lookup gave nothing, when it failed (the others went on). */
  lookup_error?: string;
}

export interface PersonMatch {
  linkedin_url: string | null;
  name: string | null;
  headline: string | null;
  company: string | null;
  source: string;
  score: number;
  label: 'high_confidence' | 'medium' | 'low';
  evidence: string[];
}

export interface InteractionRow {
  id: string;
  tenant_id: string;
  user_id: string;
  mode: 'recap' | 'live';
  state: InteractionState;
  progress: string;
  error: { code: string; message: string; stage: string | null } | null;
  audio_path: string | null;
  audio_sha256: string;
  audio_mime: string;
  audio_bytes: string;
  duration_seconds: number | null;
  audio_deleted_at: Date | null;
  transcription_task_id: string | null;
  enrichment_task_id: string | null;
  transcript: StoredTranscript | null;
  pii_counts: Record<string, number> | null;
  persons: InteractionPerson[] | null;
  synthesis: Record<string, unknown> | null;
  metrics: Record<string, unknown>;
  cancel_requested_at: Date | null;
  created_at: Date;
  updated_at: Date;
  completed_at: Date | null;
}
