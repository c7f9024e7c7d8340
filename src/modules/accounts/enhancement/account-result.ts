import type { MergedProfile } from '../extraction';
import type { AccountRawData, StageOutput } from './enhancement.types';

/** raw_data of a completed account: the seed's keys, then the company-data vendors. */
export function rawData(siteText: string, raw: NonNullable<StageOutput['raw']>): AccountRawData {
  const llmKeys = ['gemini_structured', 'gemini_analysis', 'openai_intelligence'];
  const providers: Record<string, string> = { jina_response: 'builtin_web' };
  const vendors: AccountRawData['vendors'] = {};
  for (const [k, v] of Object.entries(raw)) {
    providers[k] = v.provider;
    if (!llmKeys.includes(k)) vendors[k] = v;
  }
  return {
    jina_response: siteText || null,
    gemini_structured: raw.gemini_structured?.data ?? null,
    gemini_analysis: (raw.gemini_analysis?.data as string | undefined) ?? null,
    openai_intelligence: raw.openai_intelligence?.data ?? null,
    vendors,
    providers,
  };
}

/** Per profile field, the distinct sources of its values (provider ids or page URLs). */
export function fieldSources(profile: MergedProfile): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [field, entry] of Object.entries(profile.fields)) {
    const chosen = entry.kind === 'single' ? (entry.value ? [entry.value] : []) : entry.values;
    out[field] = [...new Set(chosen.flatMap((c) => [c.source, ...(c.evidence ?? [])]))];
  }
  return out;
}
