import { open } from 'node:fs/promises';
import { mp3, mp4, skipId3, webm } from './audio-containers';
import {
  AudioFacts,
  AudioKind,
  AudioRejected,
  Reader,
  round,
  SUPPORTED_AUDIO,
  truncated,
  unreadable,
} from './audio-reader';

export { AudioRejected, SUPPORTED_AUDIO } from './audio-reader';
export type { AudioFacts, AudioKind, AudioRejectionCode } from './audio-reader';

/*
 * What an uploaded audio file is, from its content (never its name or the client's Content-Type):
 * the container, its MIME type and the duration the container states. Reads only the header and
 * trailer bytes it needs through a file handle (a few KB, whatever the file's size): the upload is
 * on disk and is never read whole into memory. Pure: the limits (size, 1 s – 2 h) are the
 * caller's.
 *
 * Hand-written rather than `music-metadata`: its current major (12) is ESM-only, while this build
 * is CommonJS and Jest runs it through @swc/jest as CommonJS (no require of ESM there); it also
 * picks its parser from the file name or a MIME hint, and has no distinct answer for a truncated
 * file, which uploads must refuse.
 */

const MIME: Record<AudioKind, string> = {
  wav: 'audio/wav',
  mp3: 'audio/mpeg',
  ogg: 'audio/ogg',
  opus: 'audio/ogg',
  m4a: 'audio/mp4',
  webm: 'audio/webm',
  flac: 'audio/flac',
};

/**
 * Sniffs the audio file at `path`: its kind and MIME type by content, and the duration its
 * container states. Throws AudioRejected (UNSUPPORTED_TYPE, TRUNCATED or UNREADABLE_DURATION) for
 * anything else; other errors (a missing file) are thrown as they are.
 */
export async function sniffAudio(path: string): Promise<AudioFacts> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const r = new Reader(fh, size);
    if (size === 0) throw new AudioRejected('UNSUPPORTED_TYPE', 'The file is empty');
    const { kind, duration } = await identify(r);
    return {
      kind,
      mime: MIME[kind],
      duration_seconds: duration === null ? null : round(duration),
      size_bytes: size,
    };
  } finally {
    await fh.close();
  }
}

async function identify(r: Reader): Promise<{ kind: AudioKind; duration: number | null }> {
  const head = await r.at(0, 64);
  const ascii = (from: number, to: number) => head.subarray(from, to).toString('latin1');
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WAVE')
    return { kind: 'wav', duration: await wav(r) };
  if (ascii(0, 4) === 'fLaC') return { kind: 'flac', duration: await flac(r, 0) };
  if (ascii(0, 4) === 'OggS') return ogg(r);
  if (ascii(4, 8) === 'ftyp') return { kind: 'm4a', duration: await mp4(r) };
  if (head.length >= 4 && head.readUInt32BE(0) === 0x1a45dfa3) return webm(r);
  // An ID3v2 tag may precede MPEG audio (and, rarely, FLAC).
  const start = await skipId3(r);
  if (ascii(0, 3) === 'ID3' && (await r.at(start, 4)).toString('latin1') === 'fLaC')
    return { kind: 'flac', duration: await flac(r, start) };
  const mp3Duration = await mp3(r, start);
  if (mp3Duration !== undefined) return { kind: 'mp3', duration: mp3Duration };
  throw new AudioRejected(
    'UNSUPPORTED_TYPE',
    `The file is not a supported audio type (${SUPPORTED_AUDIO}): its content matches none of them`,
  );
}

// ---------------------------------------------------------------------------------------------
// WAV: RIFF chunks; duration = data size / byte rate (or the `fact` sample count when compressed).

async function wav(r: Reader): Promise<number> {
  let pos = 12;
  let fmt: { format: number; sampleRate: number; byteRate: number } | undefined;
  let factSamples: number | undefined;
  while (pos + 8 <= r.size) {
    const h = await r.at(pos, 8);
    const id = h.toString('latin1', 0, 4);
    const len = h.readUInt32LE(4);
    if (id === 'fmt ') {
      const f = await r.at(pos + 8, 16);
      if (f.length < 16) throw truncated('WAV', 'its format chunk is cut short');
      fmt = {
        format: f.readUInt16LE(0),
        sampleRate: f.readUInt32LE(4),
        byteRate: f.readUInt32LE(8),
      };
    } else if (id === 'fact' && len >= 4) {
      const f = await r.at(pos + 8, 4);
      if (f.length === 4) factSamples = f.readUInt32LE(0);
    } else if (id === 'data') {
      if (!fmt) throw unreadable('WAV', 'its data chunk comes before any format chunk');
      const available = r.size - (pos + 8);
      // 0xFFFFFFFF (or 0): written while streaming, the size was never filled in.
      const declared = len === 0xffffffff || len === 0 ? available : len;
      if (declared > available) {
        throw truncated(
          'WAV',
          `its header declares ${declared} bytes of audio but only ${available} follow`,
        );
      }
      if (fmt.format !== 1 && factSamples !== undefined && fmt.sampleRate > 0)
        return factSamples / fmt.sampleRate;
      if (!fmt.byteRate) throw unreadable('WAV', 'its format chunk has a byte rate of 0');
      return declared / fmt.byteRate;
    }
    pos += 8 + len + (len % 2);
  }
  throw fmt
    ? truncated('WAV', 'it ends before its data chunk')
    : truncated('WAV', 'it ends before its format chunk');
}

// ---------------------------------------------------------------------------------------------
// FLAC: STREAMINFO total samples / sample rate.

/** Sample rate and total samples of a STREAMINFO block's 34 bytes. */
function streamInfo(b: Buffer): { sampleRate: number; totalSamples: number } {
  const sampleRate = (b[10] << 12) | (b[11] << 4) | (b[12] >> 4);
  const totalSamples = (b[13] & 0x0f) * 2 ** 32 + b.readUInt32BE(14);
  return { sampleRate, totalSamples };
}

async function flac(r: Reader, start: number): Promise<number | null> {
  let pos = start + 4;
  let info: { sampleRate: number; totalSamples: number } | undefined;
  for (;;) {
    const h = await r.at(pos, 4);
    if (h.length < 4) throw truncated('FLAC', 'it ends inside its metadata blocks');
    const last = (h[0] & 0x80) !== 0;
    const type = h[0] & 0x7f;
    const len = h.readUIntBE(1, 3);
    if (pos + 4 + len > r.size) throw truncated('FLAC', 'it ends inside its metadata blocks');
    if (type === 0) {
      if (len < 34) throw unreadable('FLAC', 'its STREAMINFO block is too short');
      info = streamInfo(await r.at(pos + 4, 34));
    }
    pos += 4 + len;
    if (last) break;
  }
  if (!info) throw unreadable('FLAC', 'it has no STREAMINFO block');
  if (pos >= r.size) throw truncated('FLAC', 'it has no audio frames after its metadata');
  if (!info.sampleRate) throw unreadable('FLAC', 'its STREAMINFO sample rate is 0');
  return info.totalSamples ? info.totalSamples / info.sampleRate : null;
}

// ---------------------------------------------------------------------------------------------
// Ogg: the last page's granule position / sample rate (Opus: always 48 kHz, minus pre-skip).

interface OggPage {
  headerType: number;
  granule: bigint;
  serial: number;
  /** Header plus body. */
  length: number;
}

/** The page header at `b[i]` (which starts with "OggS"), or undefined when it is cut short. */
function oggPage(b: Buffer, i: number): OggPage | undefined {
  if (i + 27 > b.length || b[i + 4] !== 0) return undefined;
  const segments = b[i + 26];
  if (i + 27 + segments > b.length) return undefined;
  let body = 0;
  for (let k = 0; k < segments; k++) body += b[i + 27 + k];
  return {
    headerType: b[i + 5],
    granule: b.readBigInt64LE(i + 6),
    serial: b.readUInt32LE(i + 14),
    length: 27 + segments + body,
  };
}

async function ogg(r: Reader): Promise<{ kind: AudioKind; duration: number | null }> {
  const first = await r.at(0, 27 + 255 + 64);
  const page = oggPage(first, 0);
  if (!page) throw truncated('Ogg', 'its first page is cut short');
  const packet = first.subarray(27 + first[26]);
  let kind: AudioKind;
  let rate: number;
  let preSkip = 0;
  if (packet.toString('latin1', 0, 8) === 'OpusHead') {
    kind = 'opus';
    rate = 48_000;
    preSkip = packet.readUInt16LE(10);
  } else if (packet[0] === 1 && packet.toString('latin1', 1, 7) === 'vorbis') {
    kind = 'ogg';
    rate = packet.readUInt32LE(12);
  } else if (packet[0] === 0x7f && packet.toString('latin1', 1, 5) === 'FLAC') {
    kind = 'ogg';
    rate = streamInfo(packet.subarray(17, 51)).sampleRate;
  } else {
    throw new AudioRejected(
      'UNSUPPORTED_TYPE',
      `The Ogg file holds neither Opus, Vorbis nor FLAC audio (supported: ${SUPPORTED_AUDIO})`,
    );
  }
  if (!rate) throw unreadable('Ogg', 'its stream header has a sample rate of 0');
  // A page is at most 65307 bytes: the last one starts within that distance of the end.
  const tailStart = Math.max(0, r.size - 65_307 - 27);
  const tail = await r.at(tailStart, r.size - tailStart);
  for (let i = tail.lastIndexOf('OggS'); i >= 0; i = i > 0 ? tail.lastIndexOf('OggS', i - 1) : -1) {
    const p = oggPage(tail, i);
    if (!p || p.serial !== page.serial) continue;
    if (i + p.length > tail.length) {
      throw truncated(
        'Ogg',
        `its last page declares ${p.length} bytes but only ${tail.length - i} remain`,
      );
    }
    if (p.granule < 0n) continue;
    return { kind, duration: Math.max(0, Number(p.granule) - preSkip) / rate };
  }
  throw unreadable('Ogg', 'no page of its stream near the end carries a granule position');
}

// ---------------------------------------------------------------------------------------------
// MP4 / M4A: moov → mvhd timescale and duration (64-bit box sizes and mvhd version 1 handled).
