import type { StubRequest } from '../support/vendor-stub';

/** Titles cycled through the generated people, each scored by the LLM stub as listed. */
export const TITLES: Array<[string, number]> = [
  ['VP of Sales', 91],
  ['Account Executive', 66],
  ['Sales Operations Manager', 72],
  ['Office Manager', 15],
  ['Chief Revenue Officer', 84],
];
export const scoreOfTitle = (title: string | undefined): number =>
  TITLES.find(([t]) => t === title)?.[1] ?? 0;

/** An Apollo api_search record (search tier: obfuscated, VENDORS.md §1). */
function searchRecord(org: string, i: number) {
  return {
    id: `${org}-p${String(i).padStart(3, '0')}`,
    first_name: `Person${i}`,
    last_name_obfuscated: 'Sm***h',
    title: TITLES[i % TITLES.length][0],
    last_refreshed_at: '2026-10-01T00:00:00.000+00:00',
    has_email: true,
    has_city: true,
    has_state: false,
    has_country: true,
    has_direct_phone: 'Maybe: please request direct dial via people/bulk_match',
    organization: { name: 'Globex', has_industry: true, has_employee_count: true },
  };
}

/** A people/match person (VENDORS.md §1). */
function fullPerson(id: string, title: string) {
  const [org, n] = id.split('-p');
  return {
    id,
    first_name: `Person${Number(n)}`,
    last_name: 'Smith',
    name: `Person${Number(n)} Smith`,
    linkedin_url: `http://www.linkedin.com/in/${org}-person-${n}`,
    title,
    headline: `${title} at Globex`,
    email: `person${Number(n)}@${org.replace(/^org-/, '')}`,
    email_status: 'verified',
    organization_id: org,
    employment_history: [
      {
        current: true,
        organization_name: 'Globex',
        organization_id: org,
        start_date: '2026-09-01',
        end_date: null,
        title,
      },
      {
        current: false,
        organization_name: 'Initech',
        start_date: '2019-01-01',
        end_date: '2026-08-01',
        title: 'Sales Manager',
      },
    ],
    city: 'Austin',
    state: 'Texas',
    country: 'United States',
    organization: { id: org, name: 'Globex', primary_domain: org.replace(/^org-/, '') },
    departments: ['master_sales'],
    subdepartments: ['sales'],
    functions: ['sales'],
    seniority: 'vp',
  };
}

/**
 * A stand-in for Apollo (documented shapes) with `count()` people at each organization: its
 * organizations/enrich (the organization of a domain is `org-<domain>`), mixed_people/api_search
 * (paged; person ids `org-<domain>-pNNN`) and people/bulk_match (positional).
 */
export function apolloBehaviour(count: () => number) {
  return (req: StubRequest) => {
    if (req.path.startsWith('/api/v1/organizations/enrich')) {
      const domain = new URL(req.path, 'http://x').searchParams.get('domain') ?? req.body?.domain;
      return {
        json: {
          organization: {
            id: `org-${domain}`,
            name: 'Globex',
            primary_domain: domain,
            estimated_num_employees: 250,
          },
        },
      };
    }
    if (req.path.startsWith('/api/v1/mixed_people/api_search')) {
      const page = Number(req.body?.page ?? 1);
      const per = Number(req.body?.per_page ?? 100);
      const org = String(req.body?.organization_ids?.[0] ?? 'org-unknown');
      const all = Array.from({ length: count() }, (_, i) => searchRecord(org, i));
      return {
        json: { total_entries: all.length, people: all.slice((page - 1) * per, page * per) },
      };
    }
    if (req.path.startsWith('/api/v1/people/bulk_match')) {
      const details = (req.body?.details ?? []) as Array<{ id?: string }>;
      const matches = details.map((d) => {
        const i = Number(d.id?.split('-p')[1] ?? -1);
        return i >= 0 ? fullPerson(d.id!, TITLES[i % TITLES.length][0]) : null;
      });
      return {
        json: {
          status: 'success',
          error_code: null,
          error_message: null,
          total_requested_enrichments: details.length,
          unique_enriched_records: matches.filter(Boolean).length,
          missing_records: matches.filter((m) => !m).length,
          credits_consumed: matches.filter(Boolean).length,
          matches,
        },
      };
    }
    return { status: 599, json: { error: `unexpected ${req.method} ${req.path}` } };
  };
}
