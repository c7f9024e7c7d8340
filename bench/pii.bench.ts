/**
 * Figures for PII scrubbing (`npm run bench:pii`). Not a test: it prints numbers and exits 0
 * unless something broke.
 *
 *   Quality: recall and precision of detectPii on the labelled corpus
 *   (test/interactions/pii-corpus: sentences with personal data and hard negatives without), overall
 *   and per type, with every miss and false positive listed, and for its held-out part alone (written
 *   after the detectors were last changed). Goal: recall ≥ 98 %, precision ≥ 95 %.
 *   Throughput: PiiScrubber over BENCH_PII_MB (default 4) MB of transcript text built from the
 *   corpus sentences in a seeded random order as "Speaker N:" turns, one scrubber per ~20 KB
 *   transcript → MB/s; once for the whole mix (about half the turns carry personal data, far denser
 *   than a real call) and once for the turns without any (the usual case).
 *
 * `--quick` (or BENCH_QUICK=1): 1 MB.
 */
import { detectPii, PII_TYPES, PiiScrubber } from '../src/modules/interactions/pii';
import { CORPUS, HELDOUT, NEGATIVES, POSITIVES, score } from '../test/interactions/pii-corpus';
import type { CorpusSentence } from '../test/interactions/pii-corpus';
import { benchMain } from './support/bench-main';
import { envInt, fmt, log } from './support/common';
import { printTable, rows, verdict } from './providers/report';

const QUICK = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';
const MB = envInt('BENCH_PII_MB', QUICK ? 1 : 4);
const TRANSCRIPT_BYTES = 20_000;

const pct = (x: number) => `${fmt(x * 100, 2)} %`;

/** A seeded PRNG (mulberry32), so every run scrubs the same text. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Transcripts of about TRANSCRIPT_BYTES each, `mb` MB in all, from `sentences`. */
function transcripts(sentences: readonly CorpusSentence[], mb: number): string[] {
  const next = random(13);
  const out: string[] = [];
  let total = 0;
  while (total < mb * 1e6) {
    let t = '';
    while (t.length < TRANSCRIPT_BYTES) {
      t += `Speaker ${Math.floor(next() * 2)}: ${sentences[Math.floor(next() * sentences.length)].text}\n`;
    }
    out.push(t);
    total += Buffer.byteLength(t);
  }
  return out;
}

/** Scrubs every transcript with its own scrubber: MB/s and the occurrences replaced. */
function throughput(texts: string[]): { mbps: number; replaced: number; mb: number } {
  const mb = texts.reduce((n, t) => n + Buffer.byteLength(t), 0) / 1e6;
  for (const t of texts.slice(0, 5)) new PiiScrubber().scrub(t); // warm-up
  let replaced = 0;
  const t0 = performance.now();
  for (const t of texts) {
    const scrubber = new PiiScrubber();
    scrubber.scrub(t);
    replaced += Object.values(scrubber.counts()).reduce((a, b) => a + b, 0);
  }
  const seconds = (performance.now() - t0) / 1000;
  return { mbps: mb / seconds, replaced, mb };
}

benchMain(
  async () => {
    log(`corpus: ${POSITIVES.length} sentences with personal data, ${NEGATIVES.length} without`);
    const s = score(CORPUS, (text) => detectPii(text));
    for (const m of s.misses) log(`miss: ${m}`);
    for (const f of s.falsePositives) log(`false positive: ${f}`);
    rows.push(
      {
        metric: 'recall (labelled values found, right type)',
        value: `${pct(s.recall)} (${s.tp}/${s.tp + s.fn})`,
        goal: '≥ 98 %',
        verdict: verdict(s.recall >= 0.98),
      },
      {
        metric: 'precision (finds that are labelled)',
        value: `${pct(s.precision)} (${s.tp}/${s.tp + s.fp})`,
        goal: '≥ 95 %',
        verdict: verdict(s.precision >= 0.95),
      },
      { metric: 'finds with exactly the labelled span', value: pct(s.exact / Math.max(1, s.tp)) },
    );
    for (const type of PII_TYPES) {
      const t = s.perType[type];
      rows.push({
        metric: `  ${type}`,
        value: `recall ${pct(t.tp / Math.max(1, t.tp + t.fn))}, precision ${pct(t.tp / Math.max(1, t.tp + t.fp))} (${t.tp} found, ${t.fn} missed, ${t.fp} false)`,
      });
    }

    const h = score(HELDOUT, (text) => detectPii(text));
    rows.push({
      metric: `held-out part (${HELDOUT.length} sentences, never tuned on)`,
      value: `recall ${pct(h.recall)} (${h.tp}/${h.tp + h.fn}), precision ${pct(h.precision)} (${h.tp}/${h.tp + h.fp})`,
    });

    log(`throughput: ${MB} MB of transcripts of ~${fmt(TRANSCRIPT_BYTES / 1000)} KB`);
    const mixed = throughput(transcripts(CORPUS, MB));
    const plain = throughput(transcripts(NEGATIVES, MB));
    rows.push(
      {
        metric: 'throughput, corpus mix (~half the turns with PII)',
        value: `${fmt(mixed.mbps, 2)} MB/s (${fmt(mixed.mb, 1)} MB, ${fmt(mixed.replaced)} replaced)`,
      },
      {
        metric: 'throughput, turns without PII',
        value: `${fmt(plain.mbps, 2)} MB/s (${fmt(plain.mb, 1)} MB, ${fmt(plain.replaced)} replaced)`,
      },
    );
    printTable();
  },
  () => Promise.resolve(),
  QUICK ? ' (quick run)' : '',
);
