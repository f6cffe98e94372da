/**
 * One vitals row as the report answers it (DESIGN §4a), from either source: raw samples (exact
 * p75) or merged daily histograms (p75 within HISTOGRAM_ERROR); threshold shares are exact in both.
 */
import type { VitalMetricAnswer as MetricAnswer, VitalsRow } from '../../../contract/reports';
import { METRICS, p75Exact, p75FromBuckets, rate, share, VITALS, type Rating, type VitalMetric } from './histogram';

const IS_METRIC: ReadonlySet<string> = new Set(METRICS);

interface MetricAcc {
  values: number[] | null;
  /** index = bucket (at most ~320: an hour in ms, a CLS of 100 in 0.0001 units) */
  buckets: number[];
  ratings: Record<Rating, number>;
}

export type { MetricAnswer, VitalsRow };

/** What one row has gathered, metric by metric. */
export class RowAcc {
  private readonly metrics = new Map<VitalMetric, MetricAcc>();

  private acc(metric: VitalMetric): MetricAcc {
    let a = this.metrics.get(metric);
    if (!a) this.metrics.set(metric, (a = { values: null, buckets: [], ratings: { g: 0, n: 0, p: 0 } }));
    return a;
  }

  /** A raw sample (its rating from the thresholds, not the one the browser sent). */
  addValue(metric: VitalMetric, value: number): void {
    const a = this.acc(metric);
    (a.values ??= []).push(value);
    const r = rate(metric, value);
    if (r) a.ratings[r] += 1;
  }

  /**
   * A histogram row's JSON: `"LCP:12": count` buckets and `"LCP:g": count` ratings. The hot loop
   * of a report (tens of thousands of keys per request): no per-key arrays or lookups in lists.
   */
  addHistogram(hist: Record<string, number>): void {
    let name = '';
    let a: MetricAcc | undefined;
    for (const key in hist) {
      const colon = key.indexOf(':');
      const metric = key.slice(0, colon);
      if (metric !== name) {
        name = metric;
        a = IS_METRIC.has(metric) ? this.acc(metric as VitalMetric) : undefined;
      }
      if (!a) continue;
      const count = hist[key]!;
      const code = key.charCodeAt(colon + 1);
      if (code >= 48 && code <= 57) {
        const bucket = +key.slice(colon + 1);
        if (bucket < 1000) a.buckets[bucket] = (a.buckets[bucket] ?? 0) + count;
      } else {
        const part = key[colon + 1] as Rating;
        if (part in a.ratings) a.ratings[part] += count;
      }
    }
  }

  p75(metric: VitalMetric): number | null {
    const a = this.metrics.get(metric);
    if (!a) return null;
    return a.values ? p75Exact(a.values) : p75FromBuckets(metric, a.buckets);
  }

  samples(metric: VitalMetric): number {
    const a = this.metrics.get(metric);
    if (!a) return 0;
    if (a.values) return a.values.length;
    let n = 0;
    for (const c of a.buckets) n += c ?? 0;
    return n;
  }

  /** every metric's samples: the order of a breakdown (the histograms' `samples` column) */
  measurements(): number {
    return METRICS.reduce((n, m) => n + this.samples(m), 0);
  }

  answer(dimension?: string): VitalsRow {
    const metric = (m: VitalMetric): MetricAnswer => {
      const r = this.metrics.get(m)?.ratings ?? { g: 0, n: 0, p: 0 };
      const rated = r.g + r.n + r.p;
      return { p75: this.p75(m), samples: this.samples(m), good: share(r.g, rated), needs_improvement: share(r.n, rated), poor: share(r.p, rated) };
    };
    const [LCP, INP, CLS, FCP, TTFB] = VITALS.map(metric) as [MetricAnswer, MetricAnswer, MetricAnswer, MetricAnswer, MetricAnswer];
    const samples = Math.max(0, ...METRICS.map((m) => this.samples(m)));
    return {
      ...(dimension === undefined ? {} : { dimension }),
      samples, LCP, INP, CLS, FCP, TTFB,
      page_load: { ttfb: TTFB.p75, first_paint: this.p75('FP'), dom_complete: this.p75('DOM') },
    };
  }
}
