import type { FileHandle } from 'node:fs/promises';

// Shared by the audio container readers (audio-file.ts, audio-containers.ts).

export type AudioKind = 'wav' | 'mp3' | 'ogg' | 'opus' | 'm4a' | 'webm' | 'flac';

export interface AudioFacts {
  kind: AudioKind;
  /** The MIME type to send on (e.g. a transcription vendor's Content-Type). */
  mime: string;
  /**
   * The duration the container states, in seconds; null when the container carries none (a WebM
   * written by a browser's MediaRecorder has no Duration element, a FLAC may leave its total
   * sample count at 0).
   */
  duration_seconds: number | null;
  size_bytes: number;
}

export type AudioRejectionCode = 'UNSUPPORTED_TYPE' | 'TRUNCATED' | 'UNREADABLE_DURATION';

/** Why a file is refused, with a message meant for the uploader. */
export class AudioRejected extends Error {
  constructor(
    readonly code: AudioRejectionCode,
    message: string,
  ) {
    super(message);
    this.name = 'AudioRejected';
  }
}

export const SUPPORTED_AUDIO = 'wav, mp3, ogg/opus, m4a/mp4, webm, flac';

/** Random access to the file: `at(pos, len)` returns up to `len` bytes (fewer at the end). */
export class Reader {
  constructor(
    private readonly fh: FileHandle,
    readonly size: number,
  ) {}

  async at(pos: number, len: number): Promise<Buffer> {
    const n = Math.max(0, Math.min(len, this.size - pos));
    const buf = Buffer.alloc(n);
    if (n === 0) return buf;
    const { bytesRead } = await this.fh.read(buf, 0, n, pos);
    return buf.subarray(0, bytesRead);
  }
}

export const truncated = (what: string, detail: string) =>
  new AudioRejected('TRUNCATED', `The ${what} file is truncated: ${detail}`);
export const unreadable = (what: string, detail: string) =>
  new AudioRejected(
    'UNREADABLE_DURATION',
    `Cannot read the duration of the ${what} file: ${detail}`,
  );
export const round = (s: number) => Math.round(s * 1000) / 1000;
