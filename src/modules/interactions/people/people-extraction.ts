import { Injectable } from '@nestjs/common';
import nlp from 'compromise';
import type { CallScope } from '../../../providers/core/provider-client';
import { ProviderRegistry } from '../../../providers/core/provider-registry';
import { LlmService } from '../../../providers/llm/llm.service';
import { lineText } from '../pipeline/transcript';
import type { InteractionPerson, TranscriptLine } from '../storage/interaction.types';

/** People the extraction keeps at most (the lookup fans out over them). */
export const MAX_PERSONS = 10;

export const PEOPLE_SCHEMA = {
  type: 'object',
  properties: {
    persons: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          company: { type: ['string', 'null'] },
          role: { type: ['string', 'null'] },
          what_was_said_about_them: { type: 'string' },
          search_query: { type: 'string' },
          confidence: { type: 'number', minimum: 0, maximum: 1 },
          lines: { type: 'array', items: { type: 'integer' } },
        },
        required: ['name', 'what_was_said_about_them', 'search_query', 'confidence', 'lines'],
      },
    },
  },
  required: ['persons'],
} as const;

const SYSTEM =
  'You read the transcript of a conversation the user had (a meeting, a call, an event chat) and list ' +
  'the people in it or talked about whom the user could follow up with: their full name as said, their ' +
  'company and role when said, what was said about them (one or two sentences), a web search query ' +
  'that would find their professional profile (name, company, role), your confidence 0–1 that this is ' +
  'a real, identifiable person, and the numbers of the transcript lines that mention them. Leave out ' +
  'the user themself, public figures only mentioned in passing, and anyone without a name. The ' +
  'transcript has placeholders such as [EMAIL_1] where personal data was removed: never guess it.';

type Answer = { persons: Array<Omit<InteractionPerson, 'extracted_by' | 'profile'>> };

/**
 * The people a conversation mentions: by the `llm.generate` waterfall (JSON Schema, one repair),
 * or without an LLM by an NLP library (compromise: person and organisation names, the company
 * taken from an organisation named in the same line), marked `offline_nlp` with a low confidence.
 */
@Injectable()
export class PeopleExtraction {
  constructor(
    private readonly llm: LlmService,
    private readonly registry: ProviderRegistry,
  ) {}

  async extract(
    lines: TranscriptLine[],
    scope: CallScope,
  ): Promise<{ persons: InteractionPerson[]; cost_usd: number; method: 'llm' | 'offline_nlp' }> {
    if (!lines.length) return { persons: [], cost_usd: 0, method: 'offline_nlp' };
    if (!this.registry.forCapability('llm.generate').length)
      return { persons: offlinePeople(lines), cost_usd: 0, method: 'offline_nlp' };
    const answer = await this.llm.generateStructured<Answer>(
      {
        system: SYSTEM,
        prompt: `Transcript (numbered lines):\n${lines.map(lineText).join('\n')}\n\nAnswer with JSON: {"persons": [...]}`,
        schema: PEOPLE_SCHEMA,
        schemaName: 'conversation_people',
        temperature: 0,
      },
      scope,
    );
    const known = new Set(lines.map((l) => l.n));
    const persons = dedupe(
      answer.value.persons.map((p) => ({
        name: p.name.trim(),
        company: p.company?.trim() || null,
        role: p.role?.trim() || null,
        what_was_said_about_them: p.what_was_said_about_them,
        search_query: p.search_query,
        confidence: Math.max(0, Math.min(1, p.confidence)),
        lines: [...new Set(p.lines.filter((n) => known.has(n)))],
        extracted_by: 'llm' as const,
      })),
    );
    return { persons: persons.slice(0, MAX_PERSONS), cost_usd: answer.cost_usd, method: 'llm' };
  }
}

/** Person names by compromise; the company is an organisation named on the same line, if any. */
export function offlinePeople(lines: TranscriptLine[]): InteractionPerson[] {
  const byName = new Map<string, InteractionPerson>();
  for (const l of lines) {
    const doc = nlp(l.text);
    const orgs = doc.organizations().out('array') as string[];
    for (const raw of doc.people().out('array') as string[]) {
      const name = raw
        .replace(/[.,;:!?'’]+$/g, '')
        .replace(/'s$/i, '')
        .trim();
      // A first name alone does not identify anyone.
      if (name.split(/\s+/).length < 2 || /\[[A-Z]+_\d+\]/.test(name)) continue;
      const key = name.toLowerCase();
      const company = orgs[0]?.replace(/[.,;:!?]+$/g, '').trim() || null;
      const seen = byName.get(key);
      if (seen) {
        seen.lines.push(l.n);
        seen.company ??= company;
        continue;
      }
      byName.set(key, {
        name,
        company,
        role: null,
        what_was_said_about_them: l.text.slice(0, 300),
        search_query: [name, company].filter(Boolean).join(' '),
        confidence: 0.4,
        lines: [l.n],
        extracted_by: 'offline_nlp',
      });
    }
  }
  return [...byName.values()].slice(0, MAX_PERSONS);
}

/** One entry per name (case-insensitive), the first kept, lines merged. */
function dedupe(persons: InteractionPerson[]): InteractionPerson[] {
  const out = new Map<string, InteractionPerson>();
  for (const p of persons) {
    if (!p.name) continue;
    const k = p.name.toLowerCase();
    const seen = out.get(k);
    if (seen) seen.lines = [...new Set([...seen.lines, ...p.lines])];
    else out.set(k, p);
  }
  return [...out.values()];
}
