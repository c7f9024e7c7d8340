import { createHash } from 'node:crypto';
import { existsSync, openAsBlob, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pricesFor } from '../core/cost';
import type { CostModel } from '../core/enrichment-provider';
import { ProviderError } from '../core/provider-error';
import type { TranscribeInput, TranscriptUtterance, TranscriptWord } from './speech.types';

/*
 * What the `speech.transcribe` adapters share: checking the input, the audio file as a
 * file-backed Blob (fetch streams it from disk: neither the body nor a multipart form holds the
 * file in memory), audio-minute pricing and the self-test's audio.
 */

/** The input, checked: a file on disk and its MIME type. */
export function transcribeInput(input: unknown, provider: string): TranscribeInput {
  const i = input as Partial<TranscribeInput> | null;
  if (!i || typeof i.file_path !== 'string' || !i.file_path || typeof i.mime_type !== 'string') {
    throw new ProviderError(
      'BAD_INPUT',
      `${provider}: speech.transcribe needs \`file_path\` and \`mime_type\``,
      { retryable: false },
    );
  }
  return i as TranscribeInput;
}

/** The file as a Blob read lazily from disk (its size known up front: a Content-Length). */
export async function audioBlob(input: TranscribeInput, provider: string): Promise<Blob> {
  const refuse = (why: string, cause?: unknown) =>
    new ProviderError('BAD_INPUT', `${provider}: cannot read the audio file (${why})`, {
      retryable: false,
      cause,
    });
  try {
    if (!(await stat(input.file_path)).isFile()) throw refuse('not a file');
    return await openAsBlob(input.file_path, { type: input.mime_type });
  } catch (err) {
    if (err instanceof ProviderError) throw err;
    const e = err as NodeJS.ErrnoException;
    throw refuse(e.code ?? e.message, err);
  }
}

const EXTENSIONS: Record<string, string> = {
  'audio/wav': 'wav',
  'audio/x-wav': 'wav',
  'audio/mpeg': 'mp3',
  'audio/ogg': 'ogg',
  'audio/mp4': 'm4a',
  'audio/webm': 'webm',
  'audio/flac': 'flac',
};

/** A file name whose extension says the format (OpenAI-compatible servers go by it). */
export const audioFileName = (mime: string) =>
  `audio.${EXTENSIONS[mime.split(';')[0].trim().toLowerCase()] ?? 'bin'}`;

/** Audio minutes of a duration: what the speech vendors bill (usage.results). */
export const audioMinutes = (seconds: number) => Math.round((seconds / 60) * 1e6) / 1e6;

/**
 * Worst-case cost of a transcription: the per-minute price (`perResultUsd`) times the audio's
 * minutes when the input says its duration, else `maxResultsPerCall` minutes (the longest audio
 * an upload may have), plus any per-call fee.
 */
export function transcribeWorstCaseUsd(
  cost: CostModel,
  input: Partial<TranscribeInput> | undefined,
  model: string | undefined,
): number {
  const p = pricesFor(cost, model);
  const minutes =
    typeof input?.duration_seconds === 'number' && input.duration_seconds > 0
      ? Math.ceil(input.duration_seconds / 60)
      : (p.maxResultsPerCall ?? 120);
  return Math.round(((p.perCallUsd ?? 0) + (p.perResultUsd ?? 0) * minutes) * 1e8) / 1e8;
}

/** Consecutive words of one speaker as utterances (when the vendor gave words only). */
export function utterancesFromWords(words: TranscriptWord[]): TranscriptUtterance[] {
  const out: TranscriptUtterance[] = [];
  for (const w of words) {
    const last = out[out.length - 1];
    if (last && last.speaker === w.speaker) {
      last.end = w.end;
      last.text = `${last.text} ${w.word}`;
    } else {
      out.push({ speaker: w.speaker, start: w.start, end: w.end, text: w.word });
    }
  }
  return out;
}

/** One second of 16 kHz mono 16-bit silence. */
function silentWav(): Buffer {
  const rate = 16_000;
  const data = rate * 2;
  const b = Buffer.alloc(44 + data);
  b.write('RIFF', 0, 'latin1');
  b.writeUInt32LE(36 + data, 4);
  b.write('WAVEfmt ', 8, 'latin1');
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20); // PCM
  b.writeUInt16LE(1, 22); // mono
  b.writeUInt32LE(rate, 24);
  b.writeUInt32LE(rate * 2, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36, 'latin1');
  b.writeUInt32LE(data, 40);
  return b;
}

/** A self-test request's input: one second of silence, written to the temp folder once. */
export function selfTestInput(): TranscribeInput {
  const wav = silentWav();
  const path = join(tmpdir(), 'assay-self-test-1s-silence.wav');
  if (!existsSync(path)) writeFileSync(path, wav);
  const sha256 = createHash('sha256').update(wav).digest('hex');
  return { file_path: path, mime_type: 'audio/wav', sha256, duration_seconds: 1 };
}
