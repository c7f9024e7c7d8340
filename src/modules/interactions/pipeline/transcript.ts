import type { TranscribeOutput } from '../../../providers/speech/speech.types';
import type { TranscriptLine } from '../storage/interaction.types';

/** Longest chunk of transcript embedded as one vector (characters). */
export const CHUNK_CHARS = 1200;

/**
 * The transcript as numbered lines: one per utterance (speakers and times kept); a transcript
 * without utterances (a provider that gives only text) is split into sentences.
 */
export function transcriptLines(t: TranscribeOutput): TranscriptLine[] {
  const utterances = t.utterances.filter((u) => u.text.trim());
  if (utterances.length)
    return utterances.map((u, i) => ({
      n: i + 1,
      speaker: u.speaker,
      start: u.start,
      end: u.end,
      text: u.text.trim(),
    }));
  return (t.text.match(/[^.!?]+[.!?]*/g) ?? [])
    .map((s) => s.trim())
    .filter(Boolean)
    .map((text, i) => ({ n: i + 1, speaker: null, start: 0, end: 0, text }));
}

/** `[12] Speaker 1: …` — how lines are shown to the LLM and cited back. */
export const lineText = (l: TranscriptLine) =>
  `[${l.n}] ${l.speaker === null ? '' : `Speaker ${l.speaker}: `}${l.text}`;

/** Consecutive lines grouped into chunks of at most CHUNK_CHARS (a longer line is its own chunk). */
export function chunkLines(
  lines: TranscriptLine[],
  max = CHUNK_CHARS,
): Array<{ idx: number; line_from: number; line_to: number; text: string }> {
  const out: Array<{ idx: number; line_from: number; line_to: number; text: string }> = [];
  let cur: TranscriptLine[] = [];
  const flush = () => {
    if (!cur.length) return;
    out.push({
      idx: out.length,
      line_from: cur[0].n,
      line_to: cur[cur.length - 1].n,
      text: cur.map(lineText).join('\n'),
    });
    cur = [];
  };
  for (const l of lines) {
    const size = cur.reduce((n, c) => n + lineText(c).length + 1, 0);
    if (cur.length && size + lineText(l).length > max) flush();
    cur.push(l);
  }
  flush();
  return out;
}
