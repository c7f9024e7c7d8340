import { searchSitePeople } from '../../../src/providers/builtin-web/people/people-search';
import type { PersonProfile } from '../../../src/providers/person/person.types';
import {
  fixtureReader,
  listTeamSites,
  loadTeamSite,
  scoreSite,
  type SiteScore,
} from './team-sites';

/**
 * people.search from a company's own site, over fixture sites of every kind of markup (JSON-LD,
 * microdata and RDFa, card grids, figures, lists, tables, flat headings, German and French
 * pages, team cards next to customer testimonials, a team page two links deep): the whole
 * search — page discovery within the budget, then extraction — with the reads answered from
 * the fixture files.
 */

const SITES = listTeamSites();

async function search(name: string) {
  const site = loadTeamSite(name);
  const requested: string[] = [];
  const result = await searchSitePeople(
    {
      domain: site.domain,
      ...(site.organization_name ? { organization_name: site.organization_name } : {}),
    },
    {
      readPage: fixtureReader(site, requested),
      signal: new AbortController().signal,
      maxPages: 5,
      timeoutMs: 30_000,
      pageTimeoutMs: 15_000,
    },
  );
  return { site, result, requested, people: result.data?.people ?? [] };
}

const pct = (n: number, d: number) => (d ? `${Math.round((100 * n) / d)} %` : '—');

describe('people.search over fixture company sites', () => {
  const scores: SiteScore[] = [];
  const found = new Map<string, PersonProfile[]>();

  beforeAll(async () => {
    for (const name of SITES) {
      const { site, people } = await search(name);
      found.set(name, people);
      scores.push(scoreSite(site, people));
    }
  });

  it('has at least 8 fixture sites with known people, and sites with nobody to find', () => {
    const withPeople = SITES.filter((name) => loadTeamSite(name).people.length >= 4);
    expect(withPeople.length).toBeGreaterThanOrEqual(8);
    expect(SITES.filter((name) => !loadTeamSite(name).people.length)).not.toEqual([]);
  });

  it('finds ≥ 90 % of the known people overall with ≥ 90 % precision, and no customer or author as staff (score table)', () => {
    const rows = scores.map((s) => [
      s.site.padEnd(22),
      String(s.known).padStart(5),
      String(s.found).padStart(5),
      pct(s.correct, s.known).padStart(7),
      pct(s.correct, s.found).padStart(9),
      pct(s.titles, s.correct).padStart(7),
      `${s.linkedin}/${s.linkedinKnown}`.padStart(8),
      `${s.notStaffTaken.length}`.padStart(9),
      [...s.missed.map((m) => `-${m}`), ...s.extra.map((e) => `+${e}`)].join(' '),
    ]);
    const sum = (k: keyof SiteScore) => scores.reduce((a, s) => a + (s[k] as number), 0);
    const total = {
      known: sum('known'),
      found: sum('found'),
      correct: sum('correct'),
      titles: sum('titles'),
    };
    const header =
      'site                   known found  recall precision  title linkedin non-staff  missed/extra';
    const totalRow = `${'all'.padEnd(22)}${String(total.known).padStart(6)}${String(total.found).padStart(6)}${pct(total.correct, total.known).padStart(8)}${pct(total.correct, total.found).padStart(10)}${pct(total.titles, total.correct).padStart(8)}`;
    console.log([header, ...rows.map((r) => r.join(' ')), totalRow].join('\n'));

    expect(total.correct / total.known).toBeGreaterThanOrEqual(0.9);
    expect(total.correct / total.found).toBeGreaterThanOrEqual(0.9);
    expect(total.titles / total.correct).toBeGreaterThanOrEqual(0.9);
    expect(scores.flatMap((s) => s.notStaffTaken)).toEqual([]);
    // Every LinkedIn profile a card links, and the photos the fixtures mark as obvious.
    expect(sum('linkedin')).toBe(sum('linkedinKnown'));
    expect(sum('photos')).toBe(sum('photosKnown'));
  });

  it('reads each person from the page that shows them, and never as an obfuscated record', () => {
    for (const [name, people] of found) {
      const site = loadTeamSite(name);
      for (const p of people) {
        expect(p.source_url).toMatch(new RegExp(`^https://${site.domain.replace('.', '\\.')}/`));
        expect(p.organization?.domain).toBe(site.domain);
        expect(p.obfuscated).toBeUndefined();
      }
    }
    expect(found.get('orbit-leadership')![0].source_url).toBe(
      'https://orbit.test/about/leadership',
    );
    expect(found.get('brightlane-cards')![0].source_url).toBe(
      'https://brightlane.test/company/team',
    );
  });

  it.each(SITES)('%s: recall and precision of at least 75 % (nobody where nobody is)', (name) => {
    const s = scores.find((x) => x.site === name)!;
    if (!s.known) {
      // Feature, plan and case-study cards, values and offices: no one to take for staff.
      expect(found.get(name)!.map((p) => p.name)).toEqual([]);
      return;
    }
    expect(s.correct / s.known).toBeGreaterThanOrEqual(0.75);
    expect(s.correct / Math.max(1, s.found)).toBeGreaterThanOrEqual(0.75);
    expect(s.notStaffTaken).toEqual([]);
  });
});
