/**
 * What the vitals report's writer (refresh.ts) and reader (report.ts) must agree on: the metrics,
 * their web.dev thresholds, and the fixed log-spaced buckets the daily histograms count values in.
 *
 * Percentiles are by nearest rank (the value at rank ceil(0.75 n) of the sorted samples), as the
 * Stats API's `lcp_p75`… (workers/query/raw-plan.ts) and web-vitals reporting compute them.
 * From raw samples the answer is exact. From a histogram the counts are exact, so the rank-k value
 * lies in the bucket where the running count reaches k; the answer is that bucket's geometric
 * midpoint, within ±HISTOGRAM_ERROR (2.5%) of the exact value (bucket k ≥ 1 holds
 * [R^(k-1), R^k) × unit with R = 1.05, and sqrt(1.05) − 1 = 2.47%). Bucket 0 holds [0, unit) and
 * answers 0 (a CLS of 0 stays exactly 0). Threshold shares are counted exactly, not from buckets.
 */

/** Core Web Vitals, then navigation timing (first paint, DOM complete), as `props.metric` names them. */
export const VITALS = ['LCP', 'INP', 'CLS', 'FCP', 'TTFB'] as const;
export const PAGE_LOAD = ['FP', 'DOM'] as const;
export const METRICS = [...VITALS, ...PAGE_LOAD] as const;
export type VitalMetric = (typeof METRICS)[number];

/** web.dev thresholds: good ≤ first, poor > second (DESIGN §4a); navigation timing has none. */
export const THRESHOLDS: Record<(typeof VITALS)[number], readonly [number, number]> = {
  LCP: [2500, 4000],
  INP: [200, 500],
  CLS: [0.1, 0.25],
  FCP: [1800, 3000],
  TTFB: [800, 1800],
};

/** The smallest step a metric is measured in (the SDK sends ms, CLS to 4 decimals). */
export const UNIT: Record<VitalMetric, number> = { LCP: 1, INP: 1, CLS: 0.0001, FCP: 1, TTFB: 1, FP: 1, DOM: 1 };

/** Largest value accepted (an hour in ms, a CLS of 100): beyond is a broken clock, not a page. */
export const MAX_VALUE: Record<VitalMetric, number> = { LCP: 3_600_000, INP: 3_600_000, CLS: 100, FCP: 3_600_000, TTFB: 3_600_000, FP: 3_600_000, DOM: 3_600_000 };

export const BUCKET_RATIO = 1.05;
export const HISTOGRAM_ERROR = Math.sqrt(BUCKET_RATIO) - 1;

/** The rating of a value: `g` good, `n` needs improvement, `p` poor. */
export type Rating = 'g' | 'n' | 'p';

export function rate(metric: VitalMetric, value: number): Rating | null {
  const t = THRESHOLDS[metric as keyof typeof THRESHOLDS];
  if (!t) return null;
  return value <= t[0] ? 'g' : value <= t[1] ? 'n' : 'p';
}

/** The bucket a value falls in (the SQL in refresh.ts computes the same). */
export function bucketOf(metric: VitalMetric, value: number): number {
  const x = value / UNIT[metric];
  return x < 1 ? 0 : 1 + Math.floor(Math.log(x) / Math.log(BUCKET_RATIO));
}

/** The value a bucket answers: its geometric midpoint, rounded to the metric's unit. */
export function bucketValue(metric: VitalMetric, bucket: number): number {
  if (bucket <= 0) return 0;
  const unit = UNIT[metric];
  const mid = BUCKET_RATIO ** (bucket - 0.5) * unit;
  return metric === 'CLS' ? Math.round(mid * 1e4) / 1e4 : Math.round(mid);
}

/** p75 by nearest rank over raw samples; null when there are none. */
export function p75Exact(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil(0.75 * sorted.length) - 1]!;
}

/** p75 by nearest rank over a histogram (index = bucket, value = count); null when empty. */
export function p75FromBuckets(metric: VitalMetric, buckets: readonly (number | undefined)[]): number | null {
  let n = 0;
  for (const c of buckets) n += c ?? 0;
  if (n === 0) return null;
  const rank = Math.ceil(0.75 * n);
  let seen = 0;
  for (let b = 0; b < buckets.length; b++) {
    seen += buckets[b] ?? 0;
    if (seen >= rank) return bucketValue(metric, b);
  }
  return null;
}

/** A share in percent with one decimal (0 when there are no samples). */
export function share(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 1000) / 10;
}
