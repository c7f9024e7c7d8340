import { createHash } from 'node:crypto';
import type { ProvenanceMethod } from '../../../providers/core/provenance';
import type { PersonProfile } from '../../../providers/person/person.types';
import type { FieldProvenance } from '../storage/lead.entity';
import { fullName, linkedinKey, nameKey } from '../storage/lead-keys';

/** A person found for the account, on its way through the stages. */
export interface Candidate {
  /** The lead's `id` in results and callbacks: the vendor's person id, else a stable hash. */
  id: string;
  person: PersonProfile;
  /** The provider (or `site`, `llm_search`) the person was found by. */
  vendor: string | null;
  /** Per top-level field of `person`, where its value came from. */
  provenance: Record<string, FieldProvenance>;
}

export interface ProvenanceSource {
  source: string;
  method: ProvenanceMethod;
  confidence: number;
  costUsd: number;
  taskId: string | null;
  evidence?: string[];
  at?: string;
}

/** Provenance of every field `person` has, from one source (its cost spread over the fields). */
export function provenanceOf(
  person: PersonProfile,
  src: ProvenanceSource,
): Record<string, FieldProvenance> {
  const fields = Object.keys(person).filter(
    (k) => person[k as keyof PersonProfile] !== undefined && k !== 'obfuscated',
  );
  const at = src.at ?? new Date().toISOString();
  return Object.fromEntries(
    fields.map((f) => [
      f,
      {
        source: src.source,
        method: src.method,
        retrieved_at: at,
        confidence: src.confidence,
        cost_usd: fields.length ? src.costUsd / fields.length : 0,
        task_id: src.taskId,
        ...(src.evidence?.length ? { evidence: src.evidence } : {}),
      },
    ]),
  );
}

/** The id of a person without a vendor id: a hash of its LinkedIn URL or name (stable across retries). */
export function candidateId(person: PersonProfile, vendor: string | null): string {
  if (person.vendor_id && vendor) return person.vendor_id;
  const basis =
    linkedinKey(person.linkedin_url) ??
    nameKey(fullName(person)) ??
    `${nameKey(person.first_name) ?? ''}|${nameKey(person.title) ?? ''}`;
  return `lead_${createHash('sha256')
    .update(`${vendor ?? ''}|${basis}`)
    .digest('hex')
    .slice(0, 20)}`;
}

/** Keys that identify one person: vendor id, LinkedIn URL, full name. */
function identities(c: Candidate): string[] {
  const keys: string[] = [];
  if (c.person.vendor_id && c.vendor) keys.push(`v:${c.vendor}:${c.person.vendor_id}`);
  const li = linkedinKey(c.person.linkedin_url);
  if (li) keys.push(`l:${li}`);
  const name = nameKey(fullName(c.person));
  if (name) keys.push(`n:${name}`);
  return keys;
}

/** Merges a second record of a person into the first: fields it lacks, with their provenance. */
export function mergeCandidate(into: Candidate, other: Candidate): Candidate {
  const person = { ...into.person } as Record<string, unknown>;
  const provenance = { ...into.provenance };
  for (const [k, v] of Object.entries(other.person)) {
    if (v === undefined || v === null || person[k] !== undefined) continue;
    person[k] = v;
    if (other.provenance[k]) provenance[k] = other.provenance[k];
  }
  return { ...into, person: person as PersonProfile, provenance };
}

/** One candidate per person (first seen wins, later records fill its gaps); input order kept. */
export function dedupeCandidates(list: Candidate[]): Candidate[] {
  const out: Candidate[] = [];
  const index = new Map<string, number>();
  for (const c of list) {
    const keys = identities(c);
    const at = keys.map((k) => index.get(k)).find((i) => i !== undefined);
    if (at === undefined) {
      out.push(c);
      keys.forEach((k) => index.set(k, out.length - 1));
    } else {
      out[at] = mergeCandidate(out[at], c);
      identities(out[at]).forEach((k) => index.set(k, at));
    }
  }
  return out;
}

/**
 * An enrichment of a candidate: the enriched record's fields win (they are fuller and newer),
 * the search record keeps what the enrichment lacks; `obfuscated` goes once a full name is known.
 */
export function applyEnrichment(
  c: Candidate,
  enriched: PersonProfile,
  src: ProvenanceSource,
): Candidate {
  const defined = Object.fromEntries(
    Object.entries(enriched).filter(([, v]) => v !== undefined && v !== null && v !== ''),
  ) as PersonProfile;
  const person: PersonProfile = { ...c.person, ...defined };
  if (!enriched.obfuscated && (enriched.last_name || enriched.name)) delete person.obfuscated;
  if (c.person.vendor_id) person.vendor_id = c.person.vendor_id;
  return {
    ...c,
    person,
    provenance: { ...c.provenance, ...provenanceOf(defined, src) },
  };
}
