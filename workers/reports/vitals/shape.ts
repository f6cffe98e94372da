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

  /**
   * A histogram row as stored: the JSON text of `json_group_object(key, count)`, read without
   * JSON.parse. Parsing builds an object of a hundred-odd keys per row and `for … in` walks it
   * again; a report by page merges hundreds of rows (about a megabyte), so the text is scanned
   * once, key by key, into the buckets. Anything but the flat `{"KEY":int,…}` shape SQLite writes
   * falls back to JSON.parse, so the answer never depends on the shortcut.
   */
  addHistogramText(text: string): void {
    const n = text.length;
    if (n < 2 || text.charCodeAt(0) !== 123 /* { */) return this.addHistogram(JSON.parse(text) as Record<string, number>);
    let i = 1;
    let name = '';
    let a: MetricAcc | undefined;
    while (i < n && text.charCodeAt(i) !== 125 /* } */) {
      if (text.charCodeAt(i) !== 34 /* " */) return this.fallback(text, i);
      const colon = text.indexOf(':', i + 1);
      const close = text.indexOf('"', i + 1);
      if (colon < 0 || close < 0 || colon > close) return this.fallback(text, i);
      for (let k = i + 1; k < close; k++) if (text.charCodeAt(k) === 92 /* \ */) return this.fallback(text, i);
      const metric = text.slice(i + 1, colon);
      if (metric !== name) {
        name = metric;
        a = IS_METRIC.has(metric) ? this.acc(metric as VitalMetric) : undefined;
      }
      // the value: digits after `":`
      let j = close + 1;
      if (text.charCodeAt(j) !== 58 /* : */) return this.fallback(text, i);
      j++;
      let count = 0;
      const start = j;
      for (let c = text.charCodeAt(j); c >= 48 && c <= 57; c = text.charCodeAt(++j)) count = count * 10 + (c - 48);
      if (j === start) return this.fallback(text, i);
      if (a) {
        const code = text.charCodeAt(colon + 1);
        if (code >= 48 && code <= 57) {
          let bucket = 0;
          for (let k = colon + 1; k < close; k++) bucket = bucket * 10 + (text.charCodeAt(k) - 48);
          if (bucket < 1000) a.buckets[bucket] = (a.buckets[bucket] ?? 0) + count;
        } else if (close === colon + 2) {
          const part = text[colon + 1] as Rating;
          if (part in a.ratings) a.ratings[part] += count;
        }
      }
      i = j;
      if (text.charCodeAt(i) === 44 /* , */) i++;
    }
  }

  /** The rest of a row the scanner did not expect (from key offset `at`), parsed as JSON. */
  private fallback(text: string, at: number): void {
    this.addHistogram(JSON.parse(`{${text.slice(at)}`) as Record<string, number>);
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
