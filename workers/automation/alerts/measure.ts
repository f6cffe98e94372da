/**
 * What an alert rule observes, read the way the Stats API reads it (`runQuery`, so an alert's
 * numbers are the dashboard's numbers) or, for `current_visitors`, from the SiteDO's realtime
 * snapshot. Periods are the site's local hours and days, as the charts label them.
 */
import { mergeSnapshots } from '../../../contract/realtime-merge';
import { shardNames } from '../../../contract/shards';
import type { Env } from '../../env';
import { siteDb } from '../../lib/site-db';
import { addDays, tzOffset } from '../../lib/timezone';
import type { SiteConfig } from '../../lib/site-config';
import { runQuery } from '../../query/run-query';
import { MAX_WEEKS } from './anomaly';

export type Metric = 'visitors' | 'pageviews' | 'current_visitors' | 'errors' | `goal:${string}` | `vital:${string}`;

/** A local hour or day: its chart label and its first and last local second. */
export interface Period {
  label: string;
  start: string;
  end: string;
}

const HOUR_MS = 3_600_000;

/** The last complete local hour before `now`: label `2026-11-30 13:00:00`. */
export function lastHour(now: number, tz: string): Period {
  const local = new Date(Math.floor((now + tzOffset(now, tz)) / HOUR_MS) * HOUR_MS - HOUR_MS).toISOString().slice(0, 13);
  return { label: `${local.replace('T', ' ')}:00:00`, start: `${local}:00:00`, end: `${local}:59:59` };
}

/** The last complete local day before `now`. */
export function lastDay(now: number, tz: string): Period {
  const day = addDays(new Date(now + tzOffset(now, tz)).toISOString().slice(0, 10), -1);
  return { label: day, start: `${day}T00:00:00`, end: `${day}T23:59:59` };
}

/** The 5-minute slot `now` falls in (for current visitors, checked as the cron runs). */
export const fiveMinuteSlot = (now: number): string => new Date(Math.floor(now / 300_000) * 300_000).toISOString().slice(0, 16);

function queryMetric(metric: Metric): { metrics: string[]; filters?: unknown[] } {
  if (metric.startsWith('goal:')) return { metrics: ['events'], filters: [['is', 'event:goal', [metric.slice(5)]]] };
  // the Stats API's `lcp_p75`…: the vitals report's own p75 (nearest rank)
  if (metric.startsWith('vital:')) return { metrics: [`${metric.slice(6).toLowerCase()}_p75`] };
  return { metrics: [metric] };
}

/**
 * The metric over a period: a count's total (a goal's conversions are its events, as Plausible
 * counts them; errors are `error` events), or a vital's p75, null when no page load reported it.
 */
export async function measurePeriod(env: Env, site: SiteConfig, metric: Metric, period: Period, now: number): Promise<number | null> {
  const body = { site_id: site.id, ...queryMetric(metric), date_range: [period.start, period.end] };
  const result = await runQuery(await siteDb(env, site.id), site.id, body, now);
  const value = result.results[0]?.metrics[0];
  if (metric.startsWith('vital:')) return value === null || value === undefined ? null : Number(value);
  return Number(value ?? 0);
}

/**
 * The hour's count and the same local hour of the week in each of the MAX_WEEKS weeks before,
 * oldest first, from one hourly query. A week without data counts 0 only once the site existed.
 */
export async function measureHourOfWeek(env: Env, site: SiteConfig, metric: Metric, hour: Period, now: number): Promise<{ observed: number; history: number[] }> {
  const day = hour.label.slice(0, 10);
  const time = hour.label.slice(11);
  const first = addDays(day, -7 * MAX_WEEKS);
  const body = { site_id: site.id, ...queryMetric(metric), date_range: [`${first}T00:00:00`, hour.end], dimensions: ['time:hour'] };
  const result = await runQuery(await siteDb(env, site.id), site.id, body, now, { paginate: false });
  const byLabel = new Map(result.results.map((r) => [String(r.dimensions[0]), Number(r.metrics[0] ?? 0)]));
  const history: number[] = [];
  for (let w = MAX_WEEKS; w >= 1; w--) {
    const label = `${addDays(day, -7 * w)} ${time}`;
    // an hour before the site existed is unknown, not zero (±14 h covers every zone's offset)
    if (Date.parse(`${addDays(day, -7 * w)}T${time}Z`) + 14 * HOUR_MS < site.createdAt) continue;
    history.push(byLabel.get(label) ?? 0);
  }
  return { observed: byLabel.get(hour.label) ?? 0, history };
}

/** Visitors of the last 5 minutes, summed over the site's SiteDO shards (DESIGN §4: current visitors). */
export async function currentVisitors(env: Env, site: SiteConfig, now: number): Promise<number> {
  const parts = await Promise.all(shardNames(site.id, site.shards).map((name) => env.SITE_DO.get(env.SITE_DO.idFromName(name)).snapshot({ goals: [], limit: 1, now })));
  return mergeSnapshots(site.id, parts, 1).visitors;
}
