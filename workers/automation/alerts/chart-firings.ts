/**
 * `GET /api/v1/sites/{site}/alerts/firings?from=&to=`: the firings the main chart marks (issue 19:
 * "every firing is stored and listed, and the chart marks it"). Readable by whoever may read the
 * chart, as annotations are: a firing says only which metric left its normal range, on which day,
 * and the number the chart already shows; the rules themselves (thresholds, channels) stay admin.
 */
import type { IRequest } from 'itty-router';
import * as v from 'valibot';
import type { Env } from '../../env';
import { HttpError, jsonResponse } from '../../lib/http-error';
import { parse } from '../../api/validate';
import { DAY_MS, dayStart, localDay } from '../../lib/timezone';
import { openSiteResource } from '../site-resource';

const MAX_FIRINGS = 500;
const DAY = v.pipe(v.string(), v.regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD'), v.check((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), 'must be a real calendar date'));
const RANGE = v.object({ from: DAY, to: DAY });

interface Row {
  id: string;
  alert_id: string;
  metric: string;
  period: string;
  observed: number;
  at: number;
}

/**
 * The site-local day a firing belongs to. Hour and day periods are labelled in the site's zone
 * (`2026-11-30 12:00:00`, `2026-11-30`), the charts' own labels; a current-visitors slot is a UTC
 * minute, so its day is the local day of the moment it was judged.
 */
function firingDay(period: string, at: number, tz: string): string {
  return /^\d{4}-\d{2}-\d{2}( \d{2}:00:00)?$/.test(period) ? period.slice(0, 10) : localDay(at, tz);
}

export async function listChartFirings(request: IRequest, env: Env): Promise<Response> {
  const { site, db } = await openSiteResource(request, env, 'viewer', false);
  const query = new URL(request.url).searchParams;
  const range = parse(RANGE, { from: query.get('from') ?? undefined, to: query.get('to') ?? undefined });
  if (range.from > range.to) throw new HttpError(400, 'invalid_request', 'from: must not be after to');
  const tz = (await db.prepare('SELECT timezone FROM sites WHERE id = ?').bind(site).first<{ timezone: string }>())?.timezone ?? 'UTC';
  // a firing is stored when its period is judged, up to a day after the period's day (a daily rule
  // judges yesterday): read that much past the range, then keep the firings of the range's days
  const { results } = await db.prepare(
    `SELECT f.id, f.alert_id, a.metric, f.period, f.observed, f.at FROM alert_firings f JOIN alerts a ON a.id = f.alert_id
     WHERE f.site_id = ? AND f.kind = 'fire' AND f.at >= ? AND f.at < ? ORDER BY f.at LIMIT ?`,
  ).bind(site, dayStart(range.from, tz), dayStart(range.to, tz) + 2 * DAY_MS, MAX_FIRINGS).all<Row>();
  const firings = results
    .map((f) => ({ id: f.id, alert_id: f.alert_id, metric: f.metric, date: firingDay(f.period, f.at, tz), period: f.period, observed: f.observed, at: new Date(f.at).toISOString() }))
    .filter((f) => f.date >= range.from && f.date <= range.to);
  return jsonResponse({ firings });
}
