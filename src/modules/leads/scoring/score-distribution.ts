/**
 * `processed_data.score_distribution` of a lead generation result, computed as the seed did
 * (SEED-CONTRACTS A2.2): buckets, ranges, metrics and statistics of the final fit scores (0–100),
 * every number rounded to 4 decimals. With no leads, `statistics` is absent and `metrics` has
 * three keys (docs/seed-compatibility.md records the choice of the three).
 */
export interface ScoreDistribution {
  distribution: { excellent: number; good: number; moderate: number; low: number };
  score_ranges: { '80-100': number; '60-80': number; '40-60': number; '0-40': number };
  metrics:
    | {
        average_score: number;
        median_score: number;
        qualified_rate: number;
        total_leads: number;
        qualified_leads: number;
      }
    | { average_score: number; total_leads: number; qualified_leads: number };
  statistics?: {
    min_score: number;
    max_score: number;
    score_variance: number;
    score_distribution_skew: 'normal' | 'right_skewed' | 'left_skewed' | 'no_data';
  };
}

export const round4 = (n: number): number => Math.round(n * 10_000) / 10_000;

/** The bucket of a fit score: excellent ≥ 80, good ≥ 60, moderate ≥ 40, low below. */
export function scoreBucket(score: number): keyof ScoreDistribution['distribution'] {
  if (score >= 80) return 'excellent';
  if (score >= 60) return 'good';
  if (score >= 40) return 'moderate';
  return 'low';
}

const RANGE_OF = {
  excellent: '80-100',
  good: '60-80',
  moderate: '40-60',
  low: '0-40',
} as const;

/**
 * @param scores final fit scores, 0–100
 * @param qualifiedMin a lead is qualified when its fit score is at least this
 */
export function scoreDistribution(scores: number[], qualifiedMin: number): ScoreDistribution {
  const distribution = { excellent: 0, good: 0, moderate: 0, low: 0 };
  const score_ranges = { '80-100': 0, '60-80': 0, '40-60': 0, '0-40': 0 };
  for (const s of scores) {
    const bucket = scoreBucket(s);
    distribution[bucket] += 1;
    score_ranges[RANGE_OF[bucket]] += 1;
  }
  const qualified = scores.filter((s) => s >= qualifiedMin).length;
  if (scores.length === 0) {
    return {
      distribution,
      score_ranges,
      metrics: { average_score: 0, total_leads: 0, qualified_leads: 0 },
    };
  }
  const n = scores.length;
  const mean = scores.reduce((a, b) => a + b, 0) / n;
  const sorted = [...scores].sort((a, b) => a - b);
  // The seed's median: the element at index n // 2 of the sorted scores (no averaging).
  const median = sorted[Math.floor(n / 2)];
  // Population variance (numpy's default), as the seed computed it.
  const variance = scores.reduce((a, s) => a + (s - mean) ** 2, 0) / n;
  const skew =
    Math.abs(mean - median) < 0.1 ? 'normal' : mean > median ? 'right_skewed' : 'left_skewed';
  return {
    distribution,
    score_ranges,
    metrics: {
      average_score: round4(mean),
      median_score: round4(median),
      qualified_rate: round4(qualified / n),
      total_leads: n,
      qualified_leads: qualified,
    },
    statistics: {
      min_score: round4(sorted[0]),
      max_score: round4(sorted[n - 1]),
      score_variance: round4(variance),
      score_distribution_skew: skew,
    },
  };
}
