import type { ResearchSubject } from './analysis/activity-prompts';
import type { LinkedInResearchInput } from './dto/linkedin-research.input';
import { parseActivities } from './parsing/activity-parser';
import type { ParsedActivity } from './parsing/activity.types';

// What a research task reads of its input: who the person is, and the captures parsed.

export const subjectOf = (i: LinkedInResearchInput): ResearchSubject => ({
  person_name: i.person_name,
  person_role_title: i.person_role_title,
  company_name: i.company_name,
  company_description: i.company_description,
  product: i.input_data?.product_data,
});

export function parsedCaptures(i: LinkedInResearchInput, capturedAt: Date): ParsedActivity[] {
  return parseActivities(
    { posts_html: i.posts_html, comments_html: i.comments_html, reactions_html: i.reactions_html },
    { personLinkedinUrl: i.person_linkedin_url, capturedAt },
  );
}
