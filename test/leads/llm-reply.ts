import { fixture } from '../support/vendor-stub';

/** A chat completion request to the OpenAI-compatible stub, as far as lead tests read it. */
export interface ChatRequest {
  body?: {
    messages?: Array<{ role: string; content: string }>;
    response_format?: { json_schema?: { name?: string } };
  };
}

export const schemaOf = (r: ChatRequest): string =>
  r.body?.response_format?.json_schema?.name ?? '?';

/** The leads a lead-evaluation prompt lists (its `Leads: [...]` line). */
export function leadsIn(r: ChatRequest): Array<{ id: string; title?: string; name?: string }> {
  const prompt = r.body?.messages?.map((m) => m.content).join('\n') ?? '';
  const at = prompt.lastIndexOf('Leads: ');
  return at < 0 ? [] : (JSON.parse(prompt.slice(at + 'Leads: '.length)) as never);
}

/** An OpenAI chat completion whose message is `answer` as JSON, with citations. */
export function chatAnswer(answer: unknown, citations: string[] = []): { json: unknown } {
  const body = fixture('openai', 'chat-web-search');
  body.choices[0].message.content = JSON.stringify(answer);
  body.choices[0].message.annotations = citations.map((url) => ({
    type: 'url_citation',
    url_citation: { url, title: url, start_index: 0, end_index: 1 },
  }));
  return { json: body };
}

/**
 * An LLM for lead generation: people by web search, pre-evaluations and final evaluations scored
 * by `score(lead)` (so a test decides which leads qualify).
 */
export function leadLlm(opts: {
  people?: Array<{ name: string; title: string; source_url: string; linkedin_url?: string }>;
  score: (lead: { id: string; title?: string; name?: string }) => number;
}): (req: ChatRequest) => { status?: number; json: unknown } {
  return (req) => {
    switch (schemaOf(req)) {
      case 'people_at_company':
        return chatAnswer(
          { people: opts.people ?? [] },
          (opts.people ?? []).map((p) => p.source_url),
        );
      case 'lead_pre_evaluation':
        return chatAnswer({
          evaluations: leadsIn(req).map((l) => ({
            lead_id: l.id,
            reason: `title ${l.title ?? '?'}`,
            initial_persona_estimate: 'buyer',
            initial_score: opts.score(l),
            enrichment_recommended: opts.score(l) >= 70,
            confidence: 80,
            key_signals: [`Title: ${l.title ?? '?'}`],
          })),
        });
      case 'lead_evaluation':
        return chatAnswer({
          evaluated_leads: leadsIn(req).map((l) => ({
            id: l.id,
            internal_analysis: 'agrees with the pre-evaluation',
            fit_score: opts.score(l),
            persona_match: opts.score(l) >= 60 ? 'buyer' : null,
            rationale: `Their role as ${l.title ?? '?'} fits the buyer persona.`,
            matching_signals: [`${l.name ?? l.id} holds the title ${l.title ?? '?'}.`],
            recommended_approach: 'Open with the pipeline report.',
            key_insights: ['Runs the sales team'],
          })),
        });
      default:
        return { status: 400, json: { error: { message: `unexpected schema ${schemaOf(req)}` } } };
    }
  };
}
