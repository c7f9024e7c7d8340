import {
  companySizeFactor,
  enrichmentThreshold,
  matchesPersonaTitles,
  selectForEnrichment,
  SelectionCandidate,
} from '../../src/modules/leads/scoring/enrichment-selection';
import { rulesEvaluation, titleSimilarity } from '../../src/modules/leads/scoring/rules-score';
import { scoreDistribution } from '../../src/modules/leads/scoring/score-distribution';
import { monthsBetween, timeSignals } from '../../src/modules/leads/scoring/time-signals';

const NOW = new Date(Date.UTC(2026, 11, 2)); // 2026-12-02

describe('score_distribution (SEED-CONTRACTS A2.2)', () => {
  it('buckets, ranges, metrics and statistics, rounded to 4 decimals', () => {
    const d = scoreDistribution([85, 72.5, 61, 45, 30, 10], 60);
    expect(d.distribution).toEqual({ excellent: 1, good: 2, moderate: 1, low: 2 });
    expect(d.score_ranges).toEqual({ '80-100': 1, '60-80': 2, '40-60': 1, '0-40': 2 });
    // mean 303.5/6 = 50.5833…; median = sorted[6 // 2] = sorted[3] = 61 (no averaging)
    expect(d.metrics).toEqual({
      average_score: 50.5833,
      median_score: 61,
      qualified_rate: 0.5,
      total_leads: 6,
      qualified_leads: 3,
    });
    expect(d.statistics).toMatchObject({
      min_score: 10,
      max_score: 85,
      score_distribution_skew: 'left_skewed',
    });
    // population variance
    const mean = 303.5 / 6;
    const variance = [85, 72.5, 61, 45, 30, 10].reduce((a, s) => a + (s - mean) ** 2, 0) / 6;
    expect(d.statistics!.score_variance).toBe(Math.round(variance * 10_000) / 10_000);
  });

  it('skew: normal when |mean − median| < 0.1, right_skewed when the mean is above', () => {
    expect(scoreDistribution([50, 50, 50], 60).statistics!.score_distribution_skew).toBe('normal');
    expect(scoreDistribution([10, 20, 90], 60).statistics!.score_distribution_skew).toBe(
      'right_skewed',
    );
  });

  it('boundaries: 80 is excellent, 60 good, 40 moderate, 39.99 low', () => {
    expect(scoreDistribution([80, 60, 40, 39.99], 60).distribution).toEqual({
      excellent: 1,
      good: 1,
      moderate: 1,
      low: 1,
    });
  });

  it('no leads: no statistics, metrics with three keys', () => {
    const d = scoreDistribution([], 60);
    expect(d).not.toHaveProperty('statistics');
    expect(Object.keys(d.metrics)).toHaveLength(3);
    expect(d.distribution).toEqual({ excellent: 0, good: 0, moderate: 0, low: 0 });
  });
});

describe('time signals (A6)', () => {
  const prev = {
    title: 'Engineer',
    organization_name: 'Initech',
    start_date: '2019-01-01',
    end_date: '2026-05-01',
    current: false,
  };

  it('a new employer within 6 months is a new role, worded by months', () => {
    const current = {
      title: 'VP Engineering',
      organization_name: 'Globex',
      start_date: '2026-08-15',
      current: true,
    };
    expect(timeSignals([prev, current], NOW)).toEqual(['New Role: Started 3 months ago']);
    expect(timeSignals([{ ...current, start_date: '2026-11-20' }], NOW)).toEqual([
      'New Role: Started this month',
    ]);
    expect(timeSignals([{ ...current, start_date: '2026-10-20' }], NOW)).toEqual([
      'New Role: Started 1 month ago',
    ]);
  });

  it('a new title at the same employer is a recent promotion', () => {
    const current = {
      title: 'Director',
      organization_name: 'initech ',
      start_date: '2026-07-01',
      current: true,
    };
    expect(timeSignals([current, prev], NOW)).toEqual(['Recent Promotion: 5 months ago']);
  });

  it('nothing for roles older than 6 months, without a start date, or in the future', () => {
    expect(
      timeSignals([{ organization_name: 'A', start_date: '2026-05-01', current: true }], NOW),
    ).toEqual([]);
    expect(timeSignals([{ organization_name: 'A', current: true }], NOW)).toEqual([]);
    expect(
      timeSignals([{ organization_name: 'A', start_date: '2027-02', current: true }], NOW),
    ).toEqual([]);
  });

  it('counts whole months', () => {
    expect(monthsBetween(new Date(Date.UTC(2026, 5, 3)), NOW)).toBe(5);
    expect(monthsBetween(new Date(Date.UTC(2026, 5, 2)), NOW)).toBe(6);
  });
});

describe('enrichment selection (A6)', () => {
  const lead = (over: Partial<SelectionCandidate>): SelectionCandidate => ({
    id: 'x',
    initial_score: 60,
    enrichment_recommended: false,
    confidence: 80,
    ...over,
  });

  it('threshold from seniority × company size × boosts', () => {
    const titles = ['VP of Sales'];
    expect(enrichmentThreshold(lead({ seniority: 'vp' }), {}, titles, NOW)).toBe(55);
    expect(enrichmentThreshold(lead({ seniority: 'unknown' }), {}, titles, NOW)).toBe(65);
    expect(
      enrichmentThreshold(lead({ seniority: 'vp' }), { employee_count: 5000 }, titles, NOW),
    ).toBeCloseTo(49.5);
    expect(
      enrichmentThreshold(lead({ seniority: 'vp' }), { employee_count: 50 }, titles, NOW),
    ).toBeCloseTo(60.5);
    expect(
      enrichmentThreshold(
        lead({
          seniority: 'director',
          departments: ['master_sales'],
          functions: ['sales'],
          current_role_start: '2026-09-01',
          years_of_relevant_experience: 8,
          industry_alignment: 'High',
        }),
        {},
        titles,
        NOW,
      ),
    ).toBeCloseTo(65 * 0.85 * 0.9 * 0.9 * 0.9);
  });

  it('department and function boosts work with string persona titles', () => {
    expect(
      matchesPersonaTitles(['master_engineering_technical'], ['CTO', 'Head of Platform']),
    ).toBe(true);
    expect(matchesPersonaTitles(['master_sales'], ['VP Revenue'])).toBe(true);
    expect(matchesPersonaTitles(['master_marketing'], ['Chief Financial Officer'])).toBe(false);
    expect(matchesPersonaTitles(['c_suite'], ['CEO'])).toBe(false);
  });

  it('company size: revenue over $100M is enterprise; unknown is mid-market', () => {
    expect(companySizeFactor({ annual_revenue_usd: 2e8 })).toBe(0.9);
    expect(companySizeFactor({})).toBe(1);
  });

  it('drops scores under 50, enriches recommended or qualifying leads, keeps at most 20 by score', () => {
    const leads = [
      lead({ id: 'low-but-recommended', initial_score: 45, enrichment_recommended: true }),
      lead({ id: 'recommended', initial_score: 52, enrichment_recommended: true }),
      lead({ id: 'c-suite', initial_score: 51, seniority: 'c_suite' }),
      lead({ id: 'unsure', initial_score: 90, seniority: 'c_suite', confidence: 40 }),
      lead({ id: 'senior', initial_score: 75, seniority: 'senior' }),
    ];
    expect(selectForEnrichment(leads, {}, [], NOW)).toEqual(['recommended', 'c-suite']);
    const many = Array.from({ length: 30 }, (_, i) =>
      lead({ id: `l${i}`, initial_score: 50 + i, enrichment_recommended: true }),
    );
    const chosen = selectForEnrichment(many, {}, [], NOW);
    expect(chosen).toHaveLength(20);
    expect(chosen[0]).toBe('l29');
  });
});

describe('rule-based evaluation (no LLM)', () => {
  const personas = {
    buyers: ['VP of Sales', 'Chief Revenue Officer'],
    influencers: ['Sales Operations Manager'],
    end_users: ['Account Executive'],
  };

  it('matches abbreviations and word forms', () => {
    expect(titleSimilarity('CRO', 'Chief Revenue Officer')).toBe(1);
    expect(titleSimilarity('Senior Engineers', 'Senior Engineering')).toBe(1);
  });

  it('scores title match and seniority, names the persona and says why', () => {
    const vp = rulesEvaluation({ title: 'VP Sales', seniority: 'vp' }, personas);
    expect(vp).toMatchObject({ persona_match: 'buyer', method: 'rules' });
    expect(vp.fit_score).toBe(60 + 27 + 10);
    expect(vp.rationale).toContain('VP of Sales');
    const ae = rulesEvaluation(
      { title: 'Enterprise Account Executive', seniority: 'senior' },
      personas,
    );
    expect(ae.persona_match).toBe('end_user');
    const none = rulesEvaluation({ title: 'Office Assistant', seniority: 'entry' }, personas);
    expect(none).toMatchObject({ persona_match: null, fit_score: 5, matching_signals: [] });
    expect(none.rationale).toContain('No Signals found');
  });
});
