import { AudioKind, AudioRejected, Reader, truncated, unreadable } from './audio-reader';

// MP4/M4A, WebM/Matroska and MPEG audio: the containers audio-file.ts hands on.

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

export async function mp4(r: Reader): Promise<number | null> {
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

export async function webm(r: Reader): Promise<{ kind: AudioKind; duration: number | null }> {
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

export async function skipId3(r: Reader): Promise<number> {
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
export async function mp3(r: Reader, start: number): Promise<number | null | undefined> {
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
