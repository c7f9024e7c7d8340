import { open, type FileHandle } from 'node:fs/promises';

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

const MIME: Record<AudioKind, string> = {
  wav: 'audio/wav',
  mp3: 'audio/mpeg',
  ogg: 'audio/ogg',
  opus: 'audio/ogg',
  m4a: 'audio/mp4',
  webm: 'audio/webm',
  flac: 'audio/flac',
};

/** Random access to the file: `at(pos, len)` returns up to `len` bytes (fewer at the end). */
class Reader {
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

const truncated = (what: string, detail: string) =>
  new AudioRejected('TRUNCATED', `The ${what} file is truncated: ${detail}`);
const unreadable = (what: string, detail: string) =>
  new AudioRejected(
    'UNREADABLE_DURATION',
    `Cannot read the duration of the ${what} file: ${detail}`,
  );
const round = (s: number) => Math.round(s * 1000) / 1000;

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

interface Box {
  type: string;
  start: number;
  /** Where the box's content starts. */
  body: number;
  end: number;
}

async function box(r: Reader, pos: number, parentEnd: number): Promise<Box | undefined> {
  if (pos + 8 > parentEnd) return undefined;
  const h = await r.at(pos, 16);
  if (h.length < 8) return undefined;
  let size = h.readUInt32BE(0);
  const type = h.toString('latin1', 4, 8);
  let body = pos + 8;
  if (size === 1) {
    if (h.length < 16) return undefined;
    size = Number(h.readBigUInt64BE(8));
    body = pos + 16;
  } else if (size === 0) {
    size = parentEnd - pos;
  }
  if (size < body - pos) throw unreadable('MP4', `its "${type}" box has an invalid size`);
  return { type, start: pos, body, end: pos + size };
}

async function children(r: Reader, parent: { body: number; end: number }): Promise<Box[]> {
  const out: Box[] = [];
  for (let b = await box(r, parent.body, parent.end); b; b = await box(r, b.end, parent.end)) {
    out.push(b);
    if (out.length > 10_000) break;
  }
  return out;
}

async function mp4(r: Reader): Promise<number | null> {
  const top = await children(r, { body: 0, end: r.size });
  const cut = top.find((b) => b.end > r.size);
  if (cut) {
    throw truncated(
      'MP4',
      `its "${cut.type}" box declares ${cut.end - cut.start} bytes but only ${r.size - cut.start} remain`,
    );
  }
  const moov = top.find((b) => b.type === 'moov');
  if (!moov) throw unreadable('MP4', 'it has no "moov" box');
  const inside = await children(r, moov);
  const mvhd = inside.find((b) => b.type === 'mvhd');
  if (!mvhd) throw unreadable('MP4', 'its "moov" box has no "mvhd" box');
  const h = await r.at(mvhd.body, 32);
  const v1 = h[0] === 1;
  if (h.length < (v1 ? 32 : 20)) throw unreadable('MP4', 'its "mvhd" box is too short');
  const timescale = h.readUInt32BE(v1 ? 20 : 12);
  let duration = v1 ? Number(h.readBigUInt64BE(24)) : h.readUInt32BE(16);
  const unknown = v1 ? duration === Number(0xffffffffffffffffn) : duration === 0xffffffff;
  if (!timescale) throw unreadable('MP4', 'its "mvhd" timescale is 0');
  if (unknown || duration === 0) {
    // A fragmented file states its length in moov → mvex → mehd, if anywhere.
    const mvex = inside.find((b) => b.type === 'mvex');
    const mehd = mvex ? (await children(r, mvex)).find((b) => b.type === 'mehd') : undefined;
    if (!mehd) return null;
    const m = await r.at(mehd.body, 12);
    duration = m[0] === 1 ? Number(m.readBigUInt64BE(4)) : m.readUInt32BE(4);
  }
  return duration / timescale;
}

// ---------------------------------------------------------------------------------------------
// WebM / Matroska: Segment → Info → Duration (float, in TimecodeScale ns units).

const EBML = { Header: 0x1a45dfa3, DocType: 0x4282, Segment: 0x18538067, Info: 0x1549a966 };
const INFO = { TimecodeScale: 0x2ad7b1, Duration: 0x4489 };
const CLUSTER = 0x1f43b675;

interface Element {
  id: number;
  /** Where the content starts. */
  body: number;
  /** Content size; null when unknown (a live stream's Segment or Cluster). */
  size: number | null;
}

/** An EBML variable-length integer: its byte length, and value (the marker removed or kept). */
function vint(b: Buffer, i: number, keepMarker: boolean): { len: number; value: number } | null {
  if (i >= b.length || b[i] === 0) return null;
  const len = Math.clz32(b[i]) - 23;
  if (len > 8 || i + len > b.length) return null;
  let value = keepMarker ? b[i] : b[i] & (0xff >> len);
  let allOnes = value === 0xff >> len;
  for (let k = 1; k < len; k++) {
    value = value * 256 + b[i + k];
    if (b[i + k] !== 0xff) allOnes = false;
  }
  return { len, value: !keepMarker && allOnes ? -1 : value };
}

async function element(r: Reader, pos: number): Promise<Element | undefined> {
  const b = await r.at(pos, 12);
  const id = vint(b, 0, true);
  if (!id || id.len > 4) return undefined;
  const size = vint(b, id.len, false);
  if (!size) return undefined;
  return { id: id.value, body: pos + id.len + size.len, size: size.value < 0 ? null : size.value };
}

async function webm(r: Reader): Promise<{ kind: AudioKind; duration: number | null }> {
  const header = await element(r, 0);
  if (!header || header.size === null) throw truncated('WebM', 'its EBML header is cut short');
  const headerEnd = header.body + header.size;
  let docType = '';
  for (let pos = header.body; pos < headerEnd;) {
    const e = await element(r, pos);
    if (!e || e.size === null) break;
    if (e.id === EBML.DocType)
      docType = (await r.at(e.body, e.size)).toString('latin1').replace(/\0+$/, '');
    pos = e.body + e.size;
  }
  if (docType !== 'webm' && docType !== 'matroska') {
    throw new AudioRejected(
      'UNSUPPORTED_TYPE',
      `The EBML file is a "${docType || 'unknown'}" document, not WebM or Matroska`,
    );
  }
  const segment = await element(r, headerEnd);
  if (!segment || segment.id !== EBML.Segment) throw truncated('WebM', 'it has no Segment');
  const segmentEnd = segment.size === null ? r.size : segment.body + segment.size;
  if (segmentEnd > r.size) {
    throw truncated(
      'WebM',
      `its Segment declares ${segment.size} bytes but only ${r.size - segment.body} remain`,
    );
  }
  for (let pos = segment.body; pos < segmentEnd;) {
    const e = await element(r, pos);
    if (!e) throw unreadable('WebM', `an element at byte ${pos} cannot be read`);
    if (e.id === EBML.Info && e.size !== null) return { kind: 'webm', duration: await info(r, e) };
    // Info comes before the first Cluster; past it there is none to find.
    if (e.id === CLUSTER || e.size === null) break;
    pos = e.body + e.size;
  }
  throw unreadable('WebM', 'its Segment has no Info element before the audio');
}

async function info(r: Reader, infoEl: Element): Promise<number | null> {
  let scale = 1_000_000;
  let duration: number | null = null;
  const end = infoEl.body + (infoEl.size ?? 0);
  for (let pos = infoEl.body; pos < end;) {
    const e = await element(r, pos);
    if (!e || e.size === null) break;
    if (e.id === INFO.TimecodeScale && e.size <= 8) {
      scale = (await r.at(e.body, e.size)).readUIntBE(0, Math.min(6, e.size)) || scale;
    } else if (e.id === INFO.Duration) {
      const b = await r.at(e.body, e.size);
      if (e.size === 4 && b.length === 4) duration = b.readFloatBE(0);
      else if (e.size === 8 && b.length === 8) duration = b.readDoubleBE(0);
    }
    pos = e.body + e.size;
  }
  return duration === null || !Number.isFinite(duration) || duration < 0
    ? null
    : (duration * scale) / 1e9;
}

// ---------------------------------------------------------------------------------------------
// MP3: after any ID3v2 tags, two consecutive valid MPEG audio frame headers; duration from the
// Xing/Info or VBRI header's frame count, else constant bitrate over the audio's bytes.

async function skipId3(r: Reader): Promise<number> {
  let pos = 0;
  for (;;) {
    const h = await r.at(pos, 10);
    if (h.length < 10 || h.toString('latin1', 0, 3) !== 'ID3') return pos;
    const size =
      ((h[6] & 0x7f) << 21) | ((h[7] & 0x7f) << 14) | ((h[8] & 0x7f) << 7) | (h[9] & 0x7f);
    const footer = (h[5] & 0x10) !== 0 ? 10 : 0;
    pos += 10 + size + footer;
  }
}

const BITRATES: Record<string, number[]> = {
  // kbit/s by index, MPEG-1 and MPEG-2/2.5, per layer.
  '1-1': [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  '1-2': [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  '1-3': [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  '2-1': [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  '2-2': [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  '2-3': [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};
const SAMPLE_RATES: Record<number, number[]> = {
  3: [44100, 48000, 32000], // MPEG-1
  2: [22050, 24000, 16000], // MPEG-2
  0: [11025, 12000, 8000], // MPEG-2.5
};

interface MpegFrame {
  mpeg1: boolean;
  layer: number;
  bitrate: number;
  sampleRate: number;
  mono: boolean;
  length: number;
  samples: number;
}

function mpegFrame(b: Buffer, i: number): MpegFrame | undefined {
  if (i + 4 > b.length || b[i] !== 0xff || (b[i + 1] & 0xe0) !== 0xe0) return undefined;
  const version = (b[i + 1] >> 3) & 3;
  const layer = 4 - ((b[i + 1] >> 1) & 3);
  const bitrateIndex = b[i + 2] >> 4;
  const rateIndex = (b[i + 2] >> 2) & 3;
  if (version === 1 || layer === 4 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3)
    return undefined;
  const mpeg1 = version === 3;
  const bitrate = BITRATES[`${mpeg1 ? 1 : 2}-${layer}`][bitrateIndex] * 1000;
  const sampleRate = SAMPLE_RATES[version][rateIndex];
  const padding = (b[i + 2] >> 1) & 1;
  const samples = layer === 1 ? 384 : layer === 3 && !mpeg1 ? 576 : 1152;
  const length =
    layer === 1
      ? (Math.floor((12 * bitrate) / sampleRate) + padding) * 4
      : Math.floor(((samples / 8) * bitrate) / sampleRate) + padding;
  return { mpeg1, layer, bitrate, sampleRate, mono: b[i + 3] >> 6 === 3, length, samples };
}

/** The MP3's duration, null when unknown, or undefined when the bytes are not MPEG audio. */
async function mp3(r: Reader, start: number): Promise<number | null | undefined> {
  if (start >= r.size) return undefined;
  // Some encoders leave a little padding after the tag: look for the first frame nearby.
  const window = await r.at(start, 4096 + 4);
  for (let i = 0; i + 4 <= window.length; i++) {
    const f = mpegFrame(window, i);
    if (!f || f.layer !== 3) continue;
    const at = start + i;
    const next = await r.at(at + f.length, 4);
    // A second frame right after the first, unless the file ends with this one.
    if (at + f.length < r.size && !mpegFrame(next, 0)) continue;
    if (at + f.length > r.size) throw truncated('MP3', 'it ends inside its first frame');
    return mp3Duration(r, at, f);
  }
  return undefined;
}

async function mp3Duration(r: Reader, at: number, f: MpegFrame): Promise<number | null> {
  const frame = await r.at(at, Math.min(f.length, 256));
  const side = f.mpeg1 ? (f.mono ? 17 : 32) : f.mono ? 9 : 17;
  const xing = frame.toString('latin1', 4 + side, 8 + side);
  if (xing === 'Xing' || xing === 'Info') {
    const flags = frame.readUInt32BE(8 + side);
    let p = 12 + side;
    const frames = flags & 1 ? frame.readUInt32BE(p) : undefined;
    if (flags & 1) p += 4;
    const bytes = flags & 2 ? frame.readUInt32BE(p) : undefined;
    if (bytes !== undefined && at + bytes > r.size + 128) {
      throw truncated(
        'MP3',
        `its Xing header declares ${bytes} bytes of audio but only ${r.size - at} remain`,
      );
    }
    if (frames !== undefined) return (frames * f.samples) / f.sampleRate;
  } else if (frame.toString('latin1', 36, 40) === 'VBRI') {
    const frames = frame.readUInt32BE(36 + 14);
    return (frames * f.samples) / f.sampleRate;
  }
  // Constant bitrate: the audio's bytes (an ID3v1 tag at the end excluded) over the bitrate.
  const tail = await r.at(r.size - 128, 3);
  const end = tail.toString('latin1') === 'TAG' ? r.size - 128 : r.size;
  return ((end - at) * 8) / f.bitrate;
}
