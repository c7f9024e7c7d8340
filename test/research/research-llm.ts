import { chatAnswer, ChatRequest, schemaOf } from '../leads/llm-reply';

/** The activity ids a research prompt lists (`"id":"posts-1"` …), in order. */
export function idsIn(r: ChatRequest): string[] {
  const prompt = r.body?.messages?.map((m) => m.content).join('\n') ?? '';
  return [...prompt.matchAll(/"id":"((?:posts|comments|reactions)-\d+)"/g)].map((m) => m[1]);
}

/**
 * An OpenAI-compatible LLM for research: analyses every activity it is shown (the ones in
 * `companyIds` as about the person's company, with `colleague` and `product`), and writes a
 * report that cites real ids, a made-up one (`posts-999`), and a signal resting only on
 * `oldId` — the cases the report must clean up.
 */
export function researchLlm(opts: {
  companyIds: string[];
  colleague: (id: string) => string;
  product: string;
  oldId: string;
}): (req: ChatRequest) => { status?: number; json: unknown } {
  return (req) => {
    const ids = idsIn(req);
    switch (schemaOf(req)) {
      case 'activity_analysis':
        return chatAnswer({
          activities: ids.map((id) => {
            const company = opts.companyIds.includes(id);
            return {
              id,
              detailed_summary: `Detailed summary of ${id}. It has three sentences. Really.`,
              concise_summary: `Concise summary of ${id}.`,
              one_line_summary: `One line about ${id}`,
              category: company ? 'company_news' : 'industry_update',
              category_reason: `Because ${id} reads that way`,
              focus_on_company: company,
              focus_on_company_reason: company ? 'It is about Acme' : 'It is not about Acme',
              main_colleague: company ? opts.colleague(id) : null,
              main_colleague_reason: company ? 'Tagged in it' : null,
              product_associations: company ? [opts.product] : [],
            };
          }),
        });
      case 'lead_research_insights': {
        const [a, b = a, c = b] = ids;
        return chatAnswer({
          personality_traits: {
            description: 'Data-driven and generous with praise.',
            evidence: ['Shares metrics openly', 'Congratulates peers'],
            activity_ids: [a, b, 'posts-999'],
          },
          areas_of_interest: [
            { description: 'Revenue operations', supporting_activities: [a, b] },
            { description: 'Invented interest', supporting_activities: ['posts-999'] },
            { description: 'Hiring', supporting_activities: [c] },
          ],
          recommended_approach: {
            approach: 'Lead with pipeline data',
            key_topics: ['forecasting', 'hiring'],
            conversation_starters: ['Your Q3 post', 'The SKO', 'The new hires'],
            best_channels: ['LinkedIn', 'email'],
            timing_preferences: 'Mornings',
            cautions: ['Avoid hype'],
            activity_ids: [a],
          },
          personalization_signals: [
            {
              description: 'Recent pipeline post',
              reason: 'Fresh',
              outreach_message: 'Saw your post on pipeline',
              activity_ids: [a],
            },
            {
              description: 'Old news',
              reason: 'Stale',
              outreach_message: 'About that old comment',
              activity_ids: [opts.oldId],
            },
          ],
          emails: [
            { email_subject: 'Your Q3 numbers', email_body: `Hi Jane, re ${a}`, activity_ids: [a] },
            {
              email_subject: 'Hiring',
              email_body: `Hi Jane, re ${c}`,
              activity_ids: [c, 'posts-999'],
            },
            { email_subject: 'Uncited', email_body: 'Hi Jane', activity_ids: ['posts-999'] },
            { email_subject: 'Fourth', email_body: `Hi Jane, re ${b}`, activity_ids: [b] },
          ],
        });
      }
      default:
        return { status: 400, json: { error: { message: `unexpected schema ${schemaOf(req)}` } } };
    }
  };
}
