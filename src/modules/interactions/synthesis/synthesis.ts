import { Injectable } from '@nestjs/common';
import { stableStringify } from '../../../common/stable-json';
import type { CallScope } from '../../../providers/core/provider-client';
import { LlmService } from '../../../providers/llm/llm.service';
import { lineText } from '../pipeline/transcript';
import type { InteractionPerson, TranscriptLine } from '../storage/interaction.types';

const lines = { type: 'array', items: { type: 'integer' }, description: 'transcript line numbers' };

export const SYNTHESIS_SCHEMA = {
  type: 'object',
  properties: {
    summary: { type: 'string', description: '2–4 sentences: what the conversation was about' },
    overlaps: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          person: { type: 'string' },
          interest: { type: 'string' },
          why: { type: 'string' },
          lines,
        },
        required: ['person', 'interest', 'why', 'lines'],
      },
    },
    outreach: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          person: { type: 'string' },
          worth_following_up: { type: 'boolean' },
          reason: { type: 'string' },
          subject: { type: 'string' },
          message: { type: 'string' },
          lines,
        },
        required: ['person', 'worth_following_up', 'reason', 'subject', 'message', 'lines'],
      },
    },
  },
  required: ['summary', 'overlaps', 'outreach'],
} as const;

interface Answer {
  summary: string;
  overlaps: Array<{ person: string; interest: string; why: string; lines: number[] }>;
  outreach: Array<{
    person: string;
    worth_following_up: boolean;
    reason: string;
    subject: string;
    message: string;
    lines: number[];
  }>;
}

export interface Synthesis {
  summary: string;
  /** Where the people met meet the user's interests and persona. */
  overlaps: Answer['overlaps'];
  /** A warm outreach draft per person worth following up. */
  drafts: Array<{
    person: string;
    reason: string;
    subject: string;
    message: string;
    lines: number[];
  }>;
  provider: string;
  model: string | null;
  cost_usd: number;
}

const SYSTEM =
  'You help the user follow up on a conversation they had. From the transcript (numbered lines; ' +
  'placeholders such as [PHONE_1] stand for removed personal data — never fill them in), the people ' +
  "found in it (with the profile found for them, if any) and the user's own profile (interests, " +
  "persona, goals), write: a short summary; the overlaps between each person and the user's interests " +
  'or persona (why, with the lines); and for each person, whether they are worth following up (and ' +
  'why), with a warm, specific outreach message that recalls what was actually said — a subject and ' +
  'a few sentences, no placeholders, no invented facts. Every item lists the transcript lines it ' +
  'rests on.';

/**
 * Synthesis (part D step 6): the insight (the people met against the user's stored interests and
 * persona) and a warm outreach draft per person worth following up, each citing the transcript
 * lines it rests on — code keeps only lines that exist and drops drafts that cite none. Built only
 * from the scrubbed transcript: no PII reaches the LLM.
 */
@Injectable()
export class SynthesisStage {
  constructor(private readonly llm: LlmService) {}

  async synthesise(
    transcript: TranscriptLine[],
    persons: InteractionPerson[],
    userProfile: Record<string, unknown> | null,
    mode: string,
    scope: CallScope,
  ): Promise<Synthesis> {
    const people = persons.map((p) => ({
      name: p.name,
      company: p.company,
      role: p.role,
      said: p.what_was_said_about_them,
      profile: p.profile
        ? { headline: p.profile.headline, company: p.profile.company, match: p.profile.label }
        : null,
    }));
    const a = await this.llm.generateStructured<Answer>(
      {
        system: SYSTEM,
        prompt:
          `Mode: ${mode === 'live' ? 'notes taken live during the conversation' : 'a recap after it'}\n\n` +
          `The user's profile: ${stableStringify(userProfile ?? {})}\n\n` +
          `People: ${stableStringify(people)}\n\n` +
          `Transcript:\n${transcript.map(lineText).join('\n')}\n\n` +
          'Answer with JSON {"summary", "overlaps", "outreach"}.',
        schema: SYNTHESIS_SCHEMA,
        schemaName: 'conversation_synthesis',
        temperature: 0.3,
      },
      scope,
    );
    const known = new Set(transcript.map((l) => l.n));
    const cited = (ns: number[]) => [...new Set(ns.filter((n) => known.has(n)))];
    const v = a.value;
    return {
      summary: v.summary,
      overlaps: v.overlaps
        .map((o) => ({ ...o, lines: cited(o.lines) }))
        .filter((o) => o.lines.length),
      drafts: v.outreach
        .filter((o) => o.worth_following_up)
        .map((o) => ({
          person: o.person,
          reason: o.reason,
          subject: o.subject,
          message: o.message,
          lines: cited(o.lines),
        }))
        .filter((o) => o.lines.length),
      provider: a.provider,
      model: a.model ?? null,
      cost_usd: a.cost_usd,
    };
  }
}
