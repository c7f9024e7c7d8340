/*
 * The canonical shapes of `speech.transcribe`, whoever serves it (Deepgram, OpenAI or any
 * OpenAI-compatible `/audio/transcriptions` server such as a self-hosted Whisper). Times are in
 * seconds from the start of the audio; speakers are numbered from 0 by the vendor's diarization,
 * null when the vendor does not diarize.
 */

/** An audio file already checked and stored on disk; adapters stream it, never read it whole. */
export interface TranscribeInput {
  file_path: string;
  /** The sniffed MIME type (see sniffAudio), sent on as the upload's content type. */
  mime_type: string;
  /** Of the file's bytes: names the audio in the provider cache key and the ledger. */
  sha256: string;
  /** BCP-47 / ISO 639-1 code (e.g. `en`); omitted → the vendor detects the language. */
  language?: string;
  /** A model of the provider's own; omitted → `<ID>_MODEL`. */
  model?: string;
  /** Ask for speaker labels where the vendor can (default true). */
  diarize?: boolean;
  /** The duration the upload check read, when known: bounds the budget check of the call. */
  duration_seconds?: number;
}

export interface TranscriptWord {
  word: string;
  start: number;
  end: number;
  speaker: number | null;
  confidence?: number;
}

export interface TranscriptUtterance {
  speaker: number | null;
  start: number;
  end: number;
  text: string;
  confidence?: number;
}

export interface TranscribeOutput {
  text: string;
  /** As the vendor reports it, as an ISO 639-1 code where it can be mapped (`en`). */
  language: string | null;
  duration_seconds: number | null;
  utterances: TranscriptUtterance[];
  words: TranscriptWord[];
  model: string | null;
}
