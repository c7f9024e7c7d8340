import {
  closeSync,
  ftruncateSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AudioRejected, sniffAudio } from '../../src/modules/interactions/upload/audio-file';

/** Fixtures made by scripts/make-audio-fixtures.sh (see test/fixtures/audio/README.md). */
const audio = (name: string) => join(__dirname, '..', 'fixtures', 'audio', name);

/** The durations ffprobe reports for the fixtures (the WAV's is exact: 90341 samples at 16 kHz). */
const CASES: Array<[string, string, string, number]> = [
  ['two-voices.wav', 'wav', 'audio/wav', 90341 / 16000],
  ['two-voices.flac', 'flac', 'audio/flac', 90341 / 16000],
  ['two-voices.mp3', 'mp3', 'audio/mpeg', 5.724],
  ['two-voices-cbr.mp3', 'mp3', 'audio/mpeg', 5.724],
  ['two-voices.ogg', 'ogg', 'audio/ogg', 5.646],
  ['two-voices-flac.oga', 'ogg', 'audio/ogg', 90341 / 16000],
  ['two-voices.opus', 'opus', 'audio/ogg', 5.653],
  ['two-voices.m4a', 'm4a', 'audio/mp4', 5.647],
  ['two-voices.webm', 'webm', 'audio/webm', 5.654],
];

async function rejection(path: string): Promise<AudioRejected> {
  try {
    await sniffAudio(path);
  } catch (err) {
    return err as AudioRejected;
  }
  throw new Error(`expected ${path} to be rejected`);
}

describe('sniffAudio: type by content, duration from the container', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'assay-audio-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A copy of `bytes` under a misleading name. */
  const write = (name: string, bytes: Buffer | string) => {
    const path = join(dir, name);
    const fd = openSync(path, 'w');
    writeSync(fd, typeof bytes === 'string' ? Buffer.from(bytes) : bytes);
    closeSync(fd);
    return path;
  };

  it.each(CASES)('%s → %s (%s), %d s', async (name, kind, mime, seconds) => {
    const facts = await sniffAudio(audio(name));
    expect(facts.kind).toBe(kind);
    expect(facts.mime).toBe(mime);
    expect(facts.size_bytes).toBe(readFileSync(audio(name)).length);
    expect(facts.duration_seconds).not.toBeNull();
    // Within 60 ms of what ffprobe reads (encoder delay and padding differ by format).
    expect(Math.abs(facts.duration_seconds! - seconds)).toBeLessThan(0.06);
  });

  it('sniffs the content, not the name: a FLAC named .mp3 is FLAC, an Opus named .wav is Opus', async () => {
    const flac = write('misnamed.mp3', readFileSync(audio('two-voices.flac')));
    expect(await sniffAudio(flac)).toMatchObject({ kind: 'flac', mime: 'audio/flac' });
    const opus = write('misnamed.wav', readFileSync(audio('two-voices.opus')));
    expect(await sniffAudio(opus)).toMatchObject({ kind: 'opus' });
  });

  it('a text file named .mp3 → UNSUPPORTED_TYPE with a clear message', async () => {
    const err = await rejection(audio('not-audio.mp3'));
    expect(err).toBeInstanceOf(AudioRejected);
    expect(err.code).toBe('UNSUPPORTED_TYPE');
    expect(err.message).toBe(
      'The file is not a supported audio type (wav, mp3, ogg/opus, m4a/mp4, webm, flac): its content matches none of them',
    );
  });

  it('an empty file and random bytes → UNSUPPORTED_TYPE', async () => {
    expect((await rejection(write('empty.wav', ''))).code).toBe('UNSUPPORTED_TYPE');
    const noise = Buffer.alloc(5000);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 7919) % 251;
    expect((await rejection(write('noise.ogg', noise))).code).toBe('UNSUPPORTED_TYPE');
  });

  it('a WAV cut short of its declared data → TRUNCATED, naming both sizes', async () => {
    const err = await rejection(audio('truncated.wav'));
    expect(err.code).toBe('TRUNCATED');
    expect(err.message).toBe(
      'The WAV file is truncated: its header declares 180682 bytes of audio but only 59956 follow',
    );
  });

  it('an M4A cut inside its mdat box (moov never reached) → TRUNCATED', async () => {
    const err = await rejection(audio('truncated.m4a'));
    expect(err.code).toBe('TRUNCATED');
    expect(err.message).toMatch(/^The MP4 file is truncated: its "mdat" box declares \d+ bytes/);
  });

  it('Ogg, FLAC, WebM and MP3 cut in half → TRUNCATED', async () => {
    for (const name of ['two-voices.ogg', 'two-voices.opus', 'two-voices.webm']) {
      const whole = readFileSync(audio(name));
      const cut = write(`cut-${name}`, whole.subarray(0, Math.floor(whole.length / 2)));
      expect({ name, code: (await rejection(cut)).code }).toEqual({ name, code: 'TRUNCATED' });
    }
    const flac = readFileSync(audio('two-voices.flac'));
    const flacHeader = write('cut.flac', flac.subarray(0, 20));
    expect((await rejection(flacHeader)).code).toBe('TRUNCATED');
    const mp3 = readFileSync(audio('two-voices.mp3'));
    const mp3Cut = write('cut.mp3', mp3.subarray(0, Math.floor(mp3.length / 2)));
    expect((await rejection(mp3Cut)).code).toBe('TRUNCATED');
  });

  it('a WAV without a format chunk before its data → UNREADABLE_DURATION', async () => {
    const h = Buffer.alloc(12 + 8 + 16);
    h.write('RIFF', 0, 'latin1');
    h.writeUInt32LE(h.length - 8, 4);
    h.write('WAVE', 8, 'latin1');
    h.write('data', 12, 'latin1');
    h.writeUInt32LE(16, 16);
    const err = await rejection(write('nofmt.wav', h));
    expect(err.code).toBe('UNREADABLE_DURATION');
  });

  it('a WebM without a Duration element (as MediaRecorder writes it) → duration null', async () => {
    const whole = readFileSync(audio('two-voices.webm'));
    // Overwrite the Duration element (2-byte id 0x4489, 1-byte size, 8-byte float) with a Void
    // element of the same length (1-byte id 0xEC, 1-byte size 9, 9 ignored bytes).
    const at = whole.indexOf(Buffer.from([0x44, 0x89, 0x88]));
    expect(at).toBeGreaterThan(0);
    const copy = Buffer.from(whole);
    copy[at] = 0xec;
    copy[at + 1] = 0x89;
    expect(await sniffAudio(write('no-duration.webm', copy))).toMatchObject({
      kind: 'webm',
      duration_seconds: null,
    });
    // And a Segment of unknown size (an 8-byte size of all ones), as a live recorder writes it.
    const segment = copy.indexOf(Buffer.from([0x18, 0x53, 0x80, 0x67]));
    Buffer.from([0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]).copy(copy, segment + 4);
    expect(await sniffAudio(write('live.webm', copy))).toMatchObject({
      kind: 'webm',
      duration_seconds: null,
    });
  });

  /** An MP4 box: 32-bit size, or 64-bit (size field 1, then the largesize). */
  const mp4Box = (type: string, body: Buffer, large = false) => {
    const head = Buffer.alloc(large ? 16 : 8);
    if (large) {
      head.writeUInt32BE(1, 0);
      head.writeBigUInt64BE(BigInt(16 + body.length), 8);
    } else head.writeUInt32BE(8 + body.length, 0);
    head.write(type, 4, 'latin1');
    return Buffer.concat([head, body]);
  };
  /** An mvhd body of version 0 or 1 with a timescale and a duration (the rest zeroed). */
  const mvhd = (version: 0 | 1, timescale: number, duration: number) => {
    const b = Buffer.alloc(version === 1 ? 108 : 96);
    b[0] = version;
    if (version === 1) {
      b.writeUInt32BE(timescale, 20);
      b.writeBigUInt64BE(BigInt(duration), 24);
    } else {
      b.writeUInt32BE(timescale, 12);
      b.writeUInt32BE(duration, 16);
    }
    return b;
  };
  const ftyp = mp4Box('ftyp', Buffer.from('M4A \0\0\0\0M4A isom', 'latin1'));

  it('MP4: a 64-bit mdat size and an mvhd of version 1 (2 h at timescale 48000)', async () => {
    const mdat = mp4Box('mdat', Buffer.alloc(3000, 0x55), true);
    const moov = mp4Box('moov', mp4Box('mvhd', mvhd(1, 48_000, 48_000 * 7200)));
    const path = write('large-boxes.m4a', Buffer.concat([ftyp, mdat, moov]));
    expect(await sniffAudio(path)).toMatchObject({
      kind: 'm4a',
      mime: 'audio/mp4',
      duration_seconds: 7200,
    });
    // moov first (faststart), version 0.
    const v0 = mp4Box('moov', mp4Box('mvhd', mvhd(0, 1000, 1500)));
    const fast = write(
      'faststart.m4a',
      Buffer.concat([ftyp, v0, mp4Box('mdat', Buffer.alloc(10))]),
    );
    expect((await sniffAudio(fast)).duration_seconds).toBe(1.5);
    // A 64-bit mdat that claims more than the file holds.
    const cut = Buffer.concat([ftyp, mdat.subarray(0, 1000)]);
    expect((await rejection(write('cut-large.m4a', cut))).code).toBe('TRUNCATED');
    // No moov at all.
    const noMoov = write('no-moov.m4a', Buffer.concat([ftyp, mp4Box('mdat', Buffer.alloc(10))]));
    const err = await rejection(noMoov);
    expect(err.code).toBe('UNREADABLE_DURATION');
    expect(err.message).toBe('Cannot read the duration of the MP4 file: it has no "moov" box');
  });

  it('a 50 MB WAV (a sparse file) is sniffed from its header: kind, size and duration', async () => {
    const wav = readFileSync(audio('two-voices.wav'));
    const path = join(dir, 'large.wav');
    const header = Buffer.from(wav.subarray(0, 44));
    const dataBytes = 50 * 1024 * 1024;
    header.writeUInt32LE(36 + dataBytes, 4);
    header.writeUInt32LE(dataBytes, 40);
    const fd = openSync(path, 'w');
    writeSync(fd, header);
    // A sparse file: the data is a hole on disk, nothing is written or read.
    ftruncateSync(fd, 44 + dataBytes);
    closeSync(fd);
    const facts = await sniffAudio(path);
    expect(facts).toMatchObject({ kind: 'wav', size_bytes: 44 + dataBytes });
    expect(facts.duration_seconds).toBeCloseTo(dataBytes / 32_000, 3);
  });
});
