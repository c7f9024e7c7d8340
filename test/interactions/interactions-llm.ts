import { createHash } from 'node:crypto';
import { chatAnswer, ChatRequest, schemaOf } from '../leads/llm-reply';

/** What a conversation's stub transcript says: with PII the scrubber must remove. */
export const SPOKEN = [
  { speaker: 0, text: "Hi, I'm Dana. Great to meet you at the robotics summit." },
  {
    speaker: 1,
    text: 'Likewise. I work with Priya Patel, she runs infrastructure at Acme Robotics.',
  },
  {
    speaker: 1,
    text: 'Reach her at priya.patel@acme-robotics.com or (415) 555-0132, she needs GPU capacity.',
  },
  { speaker: 0, text: 'Perfect, our cluster could help. My card on file is 4111 1111 1111 1111.' },
];
export const RAW_PII = [
  'priya.patel@acme-robotics.com',
  '(415) 555-0132',
  '4111 1111 1111 1111',
  '555-0132',
];

/** A Deepgram `/v1/listen` answer (diarized words and utterances) saying SPOKEN. */
export function deepgramAnswer(): Record<string, unknown> {
  let t = 0;
  const utterances = SPOKEN.map((u, i) => {
    const start = t;
    t += 3;
    return {
      start,
      end: t - 0.2,
      confidence: 0.97,
      channel: 0,
      transcript: u.text,
      speaker: u.speaker,
      id: `00000000-0000-4000-8000-00000000000${i}`,
      words: u.text.split(' ').map((w, k) => ({
        word: w.toLowerCase().replace(/[^\w@.()-]/g, ''),
        start: start + k * 0.2,
        end: start + k * 0.2 + 0.18,
        confidence: 0.98,
        speaker: u.speaker,
        speaker_confidence: 0.9,
        punctuated_word: w,
      })),
    };
  });
  return {
    metadata: {
      request_id: 'req-1',
      sha256: 'x',
      created: '2026-12-02T10:00:00.000Z',
      duration: t,
      channels: 1,
    },
    results: {
      channels: [
        {
          alternatives: [
            {
              transcript: SPOKEN.map((u) => u.text).join(' '),
              confidence: 0.97,
              words: utterances.flatMap((u) => u.words),
            },
          ],
        },
      ],
      utterances,
    },
  };
}

/** A deterministic 8-dimensional embedding of a text (the same words, nearby vectors). */
export function embedText(text: string): number[] {
  const v = new Array(8).fill(0);
  for (const w of text.toLowerCase().match(/[a-z]{4,}/g) ?? []) {
    const h = createHash('sha256').update(w).digest();
    v[h[0] % 8] += 1;
  }
  const n = Math.sqrt(v.reduce((s, x) => s + x * x, 0)) || 1;
  return v.map((x) => x / n);
}

/**
 * An OpenAI-compatible server for the interaction flow: chat completions for the people, the
 * profile search and the synthesis (citing real and made-up lines), and embeddings.
 */
export function interactionsLlm(): (req: ChatRequest & { path: string; body?: any }) => {
  status?: number;
  json: unknown;
} {
  return (req) => {
    if (req.path.endsWith('/embeddings')) {
      const inputs: string[] = Array.isArray(req.body.input) ? req.body.input : [req.body.input];
      return {
        json: {
          object: 'list',
          data: inputs.map((text, index) => ({
            object: 'embedding',
            index,
            embedding: embedText(text),
          })),
          model: 'text-embedding-3-small',
          usage: { prompt_tokens: 10, total_tokens: 10 },
        },
      };
    }
    switch (schemaOf(req)) {
      case 'conversation_people':
        return chatAnswer({
          persons: [
            {
              name: 'Priya Patel',
              company: 'Acme Robotics',
              role: 'Head of Infrastructure',
              what_was_said_about_them:
                'Runs infrastructure at Acme Robotics and needs GPU capacity.',
              search_query: 'Priya Patel Acme Robotics infrastructure',
              confidence: 0.9,
              lines: [2, 3, 99],
            },
          ],
        });
      case 'person_profile_search':
        return chatAnswer(
          {
            linkedin_url: 'https://www.linkedin.com/in/priya-patel-acme',
            name: 'Priya Patel',
            headline: 'Head of Infrastructure at Acme Robotics',
            company: 'Acme Robotics',
          },
          ['https://www.linkedin.com/in/priya-patel-acme'],
        );
      case 'conversation_synthesis':
        return chatAnswer({
          summary:
            'Dana met someone at a robotics summit who introduced Priya Patel, who needs GPUs.',
          overlaps: [
            {
              person: 'Priya Patel',
              interest: 'GPU infrastructure',
              why: 'She needs GPU capacity',
              lines: [3],
            },
            { person: 'Priya Patel', interest: 'made up', why: 'no line', lines: [42] },
          ],
          outreach: [
            {
              person: 'Priya Patel',
              worth_following_up: true,
              reason: 'Needs GPU capacity now',
              subject: 'GPU capacity for Acme Robotics',
              message: 'Hi Priya, we met through a colleague at the robotics summit…',
              lines: [2, 3],
            },
          ],
        });
      default:
        return { status: 400, json: { error: { message: `unexpected schema ${schemaOf(req)}` } } };
    }
  };
}
