import type { ProviderResult } from '../core/enrichment-provider';
import { parseRetryAfter, ProviderError } from '../core/provider-error';
import { audioMinutes, utterancesFromWords } from '../speech/speech-audio';
import type { TranscribeOutput, TranscriptUtterance, TranscriptWord } from '../speech/speech.types';

/*
 * Pure mapping between Deepgram's pre-recorded API (`POST /v1/listen`, options in the query
 * string, raw audio as the body) and the canonical transcript.
 */

export interface ListenOptions {
  model: string;
  diarize: boolean;
  language?: string;
}

/** The query string: smart formatting, punctuation, utterances, diarization, language. */
export function listenQuery(o: ListenOptions): string {
  const q = new URLSearchParams({
    model: o.model,
    smart_format: 'true',
    punctuate: 'true',
    diarize: String(o.diarize),
    utterances: 'true',
  });
  if (o.language) q.set('language', o.language);
  else q.set('detect_language', 'true');
  return q.toString();
}

interface DeepgramWord {
  word?: string;
  punctuated_word?: string;
  start?: number;
  end?: number;
  confidence?: number;
  speaker?: number;
}

export interface ListenResponse {
  metadata?: { request_id?: string; duration?: number };
  results?: {
    channels?: Array<{
      alternatives?: Array<{ transcript?: string; confidence?: number; words?: DeepgramWord[] }>;
      detected_language?: string;
    }>;
    utterances?: Array<{
      start?: number;
      end?: number;
      confidence?: number;
      transcript?: string;
      speaker?: number;
    }>;
  };
}

const num = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;
const speakerOf = (v: unknown): number | null => (Number.isInteger(v) ? (v as number) : null);

/** A 200 answer → the canonical transcript; billed by the audio minutes Deepgram reports. */
export function mapListenResponse(
  res: ListenResponse,
  opts: { model: string; language?: string },
): ProviderResult<TranscribeOutput> {
  const channel = res?.results?.channels?.[0];
  if (!channel) {
    throw new ProviderError(
      'TEMPORARY',
      'Deepgram answered without results.channels (unexpected payload)',
    );
  }
  const best = channel.alternatives?.[0] ?? {};
  const words: TranscriptWord[] = (best.words ?? []).map((w) => ({
    word: w.punctuated_word ?? w.word ?? '',
    start: num(w.start) ?? 0,
    end: num(w.end) ?? 0,
    speaker: speakerOf(w.speaker),
    ...(num(w.confidence) !== undefined ? { confidence: w.confidence } : {}),
  }));
  const utterances: TranscriptUtterance[] = res.results?.utterances
    ? res.results.utterances.map((u) => ({
        speaker: speakerOf(u.speaker),
        start: num(u.start) ?? 0,
        end: num(u.end) ?? 0,
        text: u.transcript ?? '',
        ...(num(u.confidence) !== undefined ? { confidence: u.confidence } : {}),
      }))
    : utterancesFromWords(words);
  const duration = num(res.metadata?.duration) ?? null;
  const text = best.transcript ?? '';
  return {
    // A raw transcript holds personal data: never cached (the caller scrubs it before storing).
    sensitive: true,
    found: text.trim() !== '',
    data: {
      text,
      language: channel.detected_language ?? opts.language ?? null,
      duration_seconds: duration,
      utterances,
      words,
      model: opts.model,
    },
    usage: { results: duration === null ? 0 : audioMinutes(duration) },
    model: opts.model,
  };
}

/**
 * A non-2xx answer → ProviderError. Deepgram has two body styles, `{err_code, err_msg}` and
 * `{category, message, details}`; either message is kept.
 */
export function mapHttpError(
  status: number,
  body: string,
  retryAfter: string | null,
): ProviderError {
  let env: {
    err_code?: string;
    err_msg?: string;
    category?: string;
    message?: string;
    details?: string;
  } = {};
  try {
    const parsed = JSON.parse(body) as unknown;
    if (parsed && typeof parsed === 'object') env = parsed as typeof env;
  } catch {
    env = {};
  }
  const code = env.err_code ?? env.category;
  const text =
    (typeof env.err_msg === 'string' && env.err_msg) ||
    (typeof env.message === 'string' && env.message) ||
    body.trim().slice(0, 300) ||
    'no body';
  const detail =
    typeof env.details === 'string' && env.details ? ` (${env.details.slice(0, 300)})` : '';
  const message = `Deepgram ${status}${code ? ` ${code}` : ''}: ${text}${detail}`;
  if (status === 400 || status === 413 || status === 411 || status === 414) {
    // Corrupt or unsupported audio, or bad options: asking again cannot help.
    return new ProviderError('BAD_INPUT', message, { status, retryable: false });
  }
  if (status === 401 || status === 403) {
    return new ProviderError('AUTH', `${message} (check DEEPGRAM_API_KEY and its permissions)`, {
      status,
    });
  }
  if (status === 402) {
    return new ProviderError(
      'QUOTA_EXHAUSTED',
      `${message} (the Deepgram project is out of credits)`,
      {
        status,
      },
    );
  }
  if (status === 499) return new ProviderError('TEMPORARY', message, { status });
  return ProviderError.fromHttp(status, message, { retryAfterMs: parseRetryAfter(retryAfter) });
}
