import type { ProviderResult } from '../core/enrichment-provider';
import { parseRetryAfter, ProviderError } from '../core/provider-error';
import { audioMinutes } from '../speech/speech-audio';
import type { TranscribeOutput, TranscriptUtterance, TranscriptWord } from '../speech/speech.types';

/*
 * Pure mapping between OpenAI's `POST /audio/transcriptions` (multipart; `verbose_json` with
 * segment and word timestamps) — also what self-hosted Whisper servers (faster-whisper-server /
 * speaches, whisper.cpp server, vLLM, LocalAI) answer — and the canonical transcript. Whisper does
 * not diarize: utterances are its segments, with speaker null.
 */

export interface VerboseTranscription {
  text?: string;
  language?: string;
  duration?: number | string;
  segments?: Array<{
    id?: number;
    start?: number;
    end?: number;
    text?: string;
    avg_logprob?: number;
  }>;
  words?: Array<{ word?: string; start?: number; end?: number; probability?: number }>;
  /** Newer OpenAI answers also report the billed seconds. */
  usage?: { type?: string; seconds?: number };
}

/**
 * Whisper reports the language by name ("english"); the canonical transcript uses ISO 639-1
 * codes. Names not listed here are kept as the server gave them.
 */
const LANGUAGE_CODES: Record<string, string> = {
  english: 'en',
  german: 'de',
  french: 'fr',
  spanish: 'es',
  italian: 'it',
  portuguese: 'pt',
  dutch: 'nl',
  polish: 'pl',
  swedish: 'sv',
  danish: 'da',
  norwegian: 'no',
  finnish: 'fi',
  czech: 'cs',
  russian: 'ru',
  ukrainian: 'uk',
  turkish: 'tr',
  arabic: 'ar',
  hebrew: 'he',
  hindi: 'hi',
  japanese: 'ja',
  korean: 'ko',
  chinese: 'zh',
};

export function languageCode(language: unknown): string | null {
  if (typeof language !== 'string' || !language.trim()) return null;
  const l = language.trim().toLowerCase();
  return LANGUAGE_CODES[l] ?? l;
}

const num = (v: unknown): number | undefined => {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
};

/** A 200 answer → the canonical transcript; billed by the audio minutes. */
export function mapTranscription(
  res: VerboseTranscription,
  opts: { model: string },
): ProviderResult<TranscribeOutput> {
  if (!res || typeof res !== 'object' || typeof res.text !== 'string') {
    throw new ProviderError(
      'TEMPORARY',
      'the transcription server answered without `text` (unexpected payload; is response_format=verbose_json supported by the model?)',
    );
  }
  const utterances: TranscriptUtterance[] = (res.segments ?? []).map((s) => ({
    speaker: null,
    start: num(s.start) ?? 0,
    end: num(s.end) ?? 0,
    text: (s.text ?? '').trim(),
  }));
  const words: TranscriptWord[] = (res.words ?? []).map((w) => ({
    word: (w.word ?? '').trim(),
    start: num(w.start) ?? 0,
    end: num(w.end) ?? 0,
    speaker: null,
    ...(num(w.probability) !== undefined ? { confidence: num(w.probability) } : {}),
  }));
  const duration = num(res.duration) ?? null;
  const billed = res.usage?.type === 'duration' ? num(res.usage.seconds) : undefined;
  const seconds = billed ?? duration;
  return {
    // A raw transcript holds personal data: never cached (the caller scrubs it before storing).
    sensitive: true,
    found: res.text.trim() !== '',
    data: {
      text: res.text.trim(),
      language: languageCode(res.language),
      duration_seconds: duration,
      utterances,
      words,
      model: opts.model,
    },
    usage: { results: seconds === undefined || seconds === null ? 0 : audioMinutes(seconds) },
    model: opts.model,
  };
}

/** A non-2xx answer → ProviderError, from the `{error:{message,type,code}}` envelope (or FastAPI's `{detail}`). */
export function mapHttpError(
  status: number,
  body: string,
  retryAfter: string | null,
): ProviderError {
  let env: { message?: unknown; type?: unknown; code?: unknown } | undefined;
  let detail: unknown;
  try {
    const parsed = JSON.parse(body) as { error?: typeof env; detail?: unknown };
    env = parsed?.error && typeof parsed.error === 'object' ? parsed.error : undefined;
    detail = parsed?.detail;
  } catch {
    env = undefined;
  }
  const text =
    (typeof env?.message === 'string' && env.message) ||
    (typeof detail === 'string' && detail) ||
    body.trim().slice(0, 300) ||
    'no body';
  const code =
    typeof env?.code === 'string' ? env.code : typeof env?.type === 'string' ? env.type : '';
  const message = `Transcription server ${status}${code ? ` ${code}` : ''}: ${text}`;
  if (status === 401 || status === 403) {
    return new ProviderError('AUTH', `${message} (check OPENAI_TRANSCRIBE_API_KEY)`, { status });
  }
  if (status === 404) {
    return new ProviderError(
      'BAD_INPUT',
      `${message} (check OPENAI_TRANSCRIBE_MODEL and OPENAI_TRANSCRIBE_BASE_URL)`,
      { status, retryable: false },
    );
  }
  if (status === 400 || status === 413 || status === 415 || status === 422) {
    return new ProviderError('BAD_INPUT', message, { status, retryable: false });
  }
  return ProviderError.fromHttp(status, message, {
    retryAfterMs: parseRetryAfter(retryAfter),
    // Billing, not pace: waiting does not help.
    quota: env?.code === 'insufficient_quota',
  });
}
