import type { ProviderResult } from '../core/enrichment-provider';
import type { PersonEmployment, PersonLocation, PersonProfile } from '../person/person.types';
import { compact, num, SnapshotRecord, snapshotResult, str } from './brightdata.mapper';

/*
 * Pure mapping of Bright Data's LinkedIn people profile records (dataset gd_l1viktl72bvl7bjuj0,
 * VENDORS.md §6) to our PersonProfile. The documented fields are mapped; `experience` and
 * `education` are left out: their shapes are unverified, and LinkedIn has restricted them since
 * 2025-11-13 (about 2 % filled, served from a stale cache).
 */

interface LinkedInPersonRecord extends SnapshotRecord {
  city?: string | null;
  country_code?: string | null;
  /** The line under the name on the profile, e.g. "Chairman and CEO at Microsoft". */
  position?: string | null;
  about?: string | null;
  current_company?: {
    name?: string | null;
    company_id?: string | null;
    link?: string | null;
  } | null;
  followers?: number | null;
  connections?: number | null;
  avatar?: string | null;
  input?: { url?: string | null } | null;
  timestamp?: string | null;
}

function location(r: LinkedInPersonRecord): PersonLocation | undefined {
  const place = str(r.city);
  const country_code = str(r.country_code)?.toUpperCase();
  if (!place && !country_code) return undefined;
  // The record's `city` is a city, or the profile's whole "City, Region, Country" line.
  return compact<PersonLocation>(
    place?.includes(',') ? { formatted: place, country_code } : { city: place, country_code },
  );
}

/** "Chairman and CEO at Microsoft" → "Chairman and CEO", when it names the current company. */
function titleOf(position: string | undefined, company: string | undefined): string | undefined {
  if (!position || !company) return undefined;
  const suffix = ` at ${company}`.toLowerCase();
  return position.toLowerCase().endsWith(suffix)
    ? position.slice(0, -suffix.length).trim() || undefined
    : undefined;
}

/** One LinkedIn people profile record → PersonProfile. */
export function mapPersonRecord(r: LinkedInPersonRecord, inputUrl: string): PersonProfile {
  const company = r.current_company ?? undefined;
  const orgName = str(company?.name);
  const title = titleOf(str(r.position), orgName);
  const current: PersonEmployment | undefined = orgName
    ? compact<PersonEmployment>({
        title,
        organization_name: orgName,
        organization_linkedin_url: str(company?.link),
        current: true,
      })
    : undefined;
  return compact<PersonProfile>({
    vendor_id: str(r.id),
    name: str(r.name),
    title,
    headline: str(r.position),
    about: str(r.about),
    linkedin_url: str(r.url) ?? str(r.input?.url) ?? inputUrl,
    photo_url: str(r.avatar),
    location: location(r),
    organization: orgName
      ? compact({
          name: orgName,
          vendor_id: str(company?.company_id),
          linkedin_url: str(company?.link),
        })
      : undefined,
    employments: current ? [current] : undefined,
    connections: num(r.connections),
    follower_count: num(r.followers),
    refreshed_at: str(r.timestamp),
  });
}

/** A people profile snapshot → result (a dead page is `found: false`). */
export function mapPersonSnapshot(body: unknown, inputUrl: string): ProviderResult<PersonProfile> {
  return snapshotResult<LinkedInPersonRecord, PersonProfile>(body, inputUrl, mapPersonRecord);
}
