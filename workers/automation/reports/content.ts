/**
 * A digest's numbers, each one a Stats API v2 query (`runQuery`), so the digest says exactly what
 * the dashboard and the API say for the same period: top stats with the change against the
 * previous period (Plausible's `change`), top sources, pages and goals, visitors per day for
 * the sparkline, and each stored funnel's conversion as the funnels report computes it
 * (`runFunnel`, as `GET funnels/{id}` answers for the same dates).
 */
import type { Env } from '../../env';
import { siteDb } from '../../lib/site-db';
import type { SiteConfig } from '../../lib/site-config';
import { runQuery, type QueryResult } from '../../query/run-query';
import type { DigestPeriod } from './periods';
import { QueryDb } from '../../query/db';
import { HttpError } from '../../lib/http-error';
import { runFunnel } from '../../reports/funnels/run-funnel';
import { parseSteps } from '../../reports/funnels/steps';

export const TOP_STATS = ['visitors', 'visits', 'pageviews', 'bounce_rate', 'visit_duration'] as const;
export const TOP_ROWS = 5;
/** Funnels a digest shows, oldest first (a site may store many; the digest stays short). */
export const DIGEST_FUNNELS = 5;

export interface DigestFunnel {
  id: string;
  name: string;
  /** visitors who completed the last step, in % of those who reached the first (1 decimal) */
  conversion_rate: number;
  steps: { name: string; visitors: number; conversion_rate: number }[];
}

export interface DigestContent {
  site: string;
  period: { from: string; to: string };
  stats: Record<(typeof TOP_STATS)[number], { value: number; change: number | null }>;
  top: {
    sources: { name: string; visitors: number }[];
    pages: { name: string; visitors: number }[];
    goals: { name: string; visitors: number; events: number }[];
  };
  daily: { date: string; visitors: number }[];
  funnels: DigestFunnel[];
}

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v ?? 0));

export async function digestContent(env: Env, site: SiteConfig, period: DigestPeriod, now: number): Promise<DigestContent> {
  const db = await siteDb(env, site.id);
  const range = [period.from, period.to];
  const q = (body: Record<string, unknown>): Promise<QueryResult> => runQuery(db, site.id, { site_id: site.id, date_range: range, ...body }, now);
  const breakdown = (dimension: string, metrics = ['visitors']) => q({ metrics, dimensions: [dimension], order_by: [[metrics[0], 'desc'], [dimension, 'asc']], pagination: { limit: TOP_ROWS } });
  const hasGoals = (await db.prepare('SELECT 1 FROM goals WHERE site_id = ? LIMIT 1').bind(site.id).first()) !== null;
  const [totals, sources, pages, goals, daily] = await Promise.all([
    q({ metrics: [...TOP_STATS], include: { comparisons: { mode: 'previous_period' } } }),
    breakdown('visit:source'),
    breakdown('event:page'),
    hasGoals ? breakdown('event:goal', ['visitors', 'events']) : null,
    q({ metrics: ['visitors'], dimensions: ['time:day'], include: { time_labels: true } }),
  ]);
  const funnels = await digestFunnels(db, site.id, range, now);
  const row = totals.results[0];
  const stats = Object.fromEntries(TOP_STATS.map((m, i) => [m, { value: num(row?.metrics[i]), change: row?.comparison?.change[i] ?? null }])) as DigestContent['stats'];
  const perDay = new Map(daily.results.map((r) => [String(r.dimensions[0]), num(r.metrics[0])]));
  const labels = (daily.meta.time_labels as string[] | undefined) ?? [...perDay.keys()];
  return {
    site: site.id,
    period: { from: period.from, to: period.to },
    stats,
    top: {
      sources: sources.results.map((r) => ({ name: String(r.dimensions[0]), visitors: num(r.metrics[0]) })),
      pages: pages.results.map((r) => ({ name: String(r.dimensions[0]), visitors: num(r.metrics[0]) })),
      goals: (goals?.results ?? []).map((r) => ({ name: String(r.dimensions[0]), visitors: num(r.metrics[0]), events: num(r.metrics[1]) })),
    },
    daily: labels.map((date) => ({ date, visitors: perDay.get(date) ?? 0 })),
    funnels,
  };
}

/** The site's stored funnels over the digest's dates; one too large to read exactly is left out, not the digest. */
async function digestFunnels(db: D1Database, site: string, range: string[], now: number): Promise<DigestFunnel[]> {
  const { results } = await db.prepare('SELECT id, name, steps FROM funnels WHERE site_id = ? ORDER BY created_at LIMIT ?').bind(site, DIGEST_FUNNELS).all<{ id: string; name: string; steps: string }>();
  const out: DigestFunnel[] = [];
  for (const f of results) {
    try {
      const rawSteps: unknown = JSON.parse(f.steps);
      const answer = await runFunnel(new QueryDb(db), site, { funnel: { id: f.id, name: f.name }, steps: parseSteps(rawSteps), rawSteps, dateRange: range, filters: undefined, window: 'session' }, now);
      const steps = answer.steps.map((s) => ({ name: s.name, visitors: s.visitors, conversion_rate: s.conversion_rate }));
      out.push({ id: f.id, name: f.name, conversion_rate: steps.at(-1)?.conversion_rate ?? 0, steps });
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      console.warn(`digest: funnel ${f.id} of ${site} left out: ${err.message}`);
    }
  }
  return out;
}
