import type { PersonProfile } from '../../../providers/person/person.types';
import type { FieldProvenance } from '../../leads/storage/lead.entity';
import type { ContactInput } from '../contact-keys';

/*
 * A contact in ZapAI's output shape (SEED-CONTRACTS part B, "Output contact"): source, confidence,
 * enriched_at (epoch seconds), email, name, job_title, company, industry, company_website,
 * phone_numbers, social_profiles {linkedin, twitter}, location {city, state, country} — every key
 * always present (null when unknown) — plus external_id, status, reason and per-field provenance.
 */

/** What a vendor's match says of a contact: all a result needs, kept small in checkpoints. */
export interface VendorContact {
  email?: string;
  /** 0–1, from the vendor's email status (verified, extrapolated with its confidence, …). */
  email_confidence?: number;
  name?: string;
  job_title?: string;
  company?: string;
  industry?: string;
  company_website?: string;
  phone_numbers?: string[];
  linkedin?: string;
  twitter?: string;
  city?: string;
  state?: string;
  country?: string;
}

/** How sure an email is, by the vendor's status of it. */
const EMAIL_STATUS_CONFIDENCE: Record<string, number> = {
  verified: 0.95,
  extrapolated: 0.6,
  unverified: 0.5,
  guessed: 0.4,
  unavailable: 0.2,
  bounced: 0.05,
};

function emailConfidence(p: PersonProfile): number | undefined {
  const own = p.extrapolated_email_confidence;
  if (typeof own === 'number' && own >= 0 && own <= 100) return own > 1 ? own / 100 : own;
  return p.email_status ? EMAIL_STATUS_CONFIDENCE[p.email_status] : undefined;
}

const drop = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** A vendor's person → the contact fields it fills. */
export function vendorContact(p: PersonProfile): VendorContact {
  const current = p.employments?.find((e) => e.current);
  const name = p.name ?? ([p.first_name, p.last_name].filter(Boolean).join(' ') || undefined);
  const phones = (p.phone_numbers ?? []).map((ph) => ph.number).filter(Boolean);
  return drop<VendorContact>({
    email: p.email,
    email_confidence: p.email ? emailConfidence(p) : undefined,
    name,
    job_title: p.title ?? current?.title,
    company: p.organization?.name ?? current?.organization_name,
    industry: p.organization?.industry,
    company_website: p.organization?.website ?? p.organization?.domain,
    phone_numbers: phones.length ? phones : undefined,
    linkedin: p.linkedin_url,
    twitter: p.twitter_url,
    city: p.location?.city,
    state: p.location?.state,
    country: p.location?.country,
  });
}

export type ContactStatus = 'enriched' | 'unenriched';

export interface OutputContact {
  external_id: string | null;
  status: ContactStatus;
  /** Why a contact is unenriched: no_match, invalid_input: …, vendor_error: CODE: …, not_attempted. */
  reason?: string;
  /** The input index of the earlier contact this one repeats (it was looked up once). */
  duplicate_of?: number;
  /** The provider asked (null: none was). */
  source: string | null;
  /** 0–1: 0.9 for a match by email or LinkedIn URL, 0.7 by name and employer; 0 unenriched. */
  confidence: number;
  /** Epoch seconds (ZapAI's float) of the vendor's answer; null unenriched. */
  enriched_at: number | null;
  email: string | null;
  name: string | null;
  job_title: string | null;
  company: string | null;
  industry: string | null;
  company_website: string | null;
  phone_numbers: string[];
  social_profiles: { linkedin: string | null; twitter: string | null };
  location: { city: string | null; state: string | null; country: string | null };
  /** Per field the vendor filled, where it came from; fields without one are the input's. */
  provenance: Record<string, FieldProvenance>;
}

/** How one contact ended, and from what. */
export interface ContactOutcome {
  status: ContactStatus;
  reason?: string;
  provider: string | null;
  match?: VendorContact;
  /** ISO time of the vendor's answer. */
  at?: string;
  confidence: number;
  costUsd: number;
  taskId: string | null;
  duplicateOf?: number;
}

const or = <T>(v: T | undefined): T | null => (v === undefined ? null : v);
const given = (v: string | null | undefined) => (v?.trim() ? v.trim() : undefined);

/** The output contact: the vendor's values where it matched, the input's otherwise. */
export function toOutputContact(input: ContactInput, o: ContactOutcome): OutputContact {
  const m = o.match ?? {};
  const inputName =
    given(input.name) ??
    ([given(input.first_name), given(input.last_name)].filter(Boolean).join(' ') || undefined);
  const out: OutputContact = {
    external_id: given(input.external_id) ?? null,
    status: o.status,
    ...(o.reason ? { reason: o.reason } : {}),
    ...(o.duplicateOf !== undefined ? { duplicate_of: o.duplicateOf } : {}),
    source: o.provider,
    confidence: o.status === 'enriched' ? o.confidence : 0,
    enriched_at: o.status === 'enriched' && o.at ? Date.parse(o.at) / 1000 : null,
    email: or(m.email ?? given(input.email)),
    name: or(m.name ?? inputName),
    job_title: or(m.job_title),
    company: or(m.company ?? given(input.company)),
    industry: or(m.industry),
    company_website: or(m.company_website),
    phone_numbers: m.phone_numbers ?? [],
    social_profiles: {
      linkedin: or(m.linkedin ?? given(input.linkedin_url)),
      twitter: or(m.twitter),
    },
    location: { city: or(m.city), state: or(m.state), country: or(m.country) },
    provenance: {},
  };
  if (o.status === 'enriched' && o.provider) out.provenance = provenanceOf(m, o);
  return out;
}

/** Output fields each vendor field fills. */
const FIELD_OF: Record<keyof VendorContact, keyof OutputContact | null> = {
  email: 'email',
  email_confidence: null,
  name: 'name',
  job_title: 'job_title',
  company: 'company',
  industry: 'industry',
  company_website: 'company_website',
  phone_numbers: 'phone_numbers',
  linkedin: 'social_profiles',
  twitter: 'social_profiles',
  city: 'location',
  state: 'location',
  country: 'location',
};

/** Provenance of the output fields the vendor filled; the contact's cost is spread over them. */
function provenanceOf(m: VendorContact, o: ContactOutcome): Record<string, FieldProvenance> {
  const fields = [
    ...new Set(
      (Object.keys(m) as Array<keyof VendorContact>).map((k) => FIELD_OF[k]).filter(Boolean),
    ),
  ] as string[];
  const share = fields.length ? o.costUsd / fields.length : 0;
  return Object.fromEntries(
    fields.map((f) => [
      f,
      {
        source: o.provider!,
        method: 'api' as const,
        retrieved_at: o.at ?? new Date().toISOString(),
        confidence: f === 'email' ? (m.email_confidence ?? o.confidence) : o.confidence,
        cost_usd: Math.round(share * 1e8) / 1e8,
        task_id: o.taskId,
      },
    ]),
  );
}
