/**
 * `GET /api/v1/sites/:site/prop-keys?date_range=7d`: the custom property keys a site's events
 * carry in a range, most used first, for the dashboard's Properties tab (Plausible lists them
 * from its own suggestions endpoint). Props live only on raw events (no rollup holds keys), so
 * the read is bounded: the newest SCAN_LIMIT events of the range, the top KEYS_LIMIT keys.
 */
import type { IRequest } from 'itty-router';
import { PASSIVE_EVENT_NAMES } from '../../contract/events';
import { requireAuth } from '../auth';
import type { Env } from '../env';
import { HttpError, jsonResponse } from '../lib/http-error';
import { pathParam } from '../lib/path-param';
import { siteDb } from '../lib/site-db';
import { QueryDb } from './db';
import { echoDateRange, resolveDateRange } from './date-range';
import { loadSiteAndStaleDays } from './planner';

/** Rows read at most per request: D1 bills each one, and a month of a big site is millions. */
export const SCAN_LIMIT = 50_000;
export const KEYS_LIMIT = 100;

export async function handlePropKeys(request: IRequest, env: Env): Promise<Response> {
  const siteId = pathParam(request, 'site');
  await requireAuth(request, env, { site: siteId, scope: 'stats:read' });
  const raw = new URL(request.url).searchParams.get('date_range') ?? '30d';
  let input: unknown = raw;
  if (raw.startsWith('[')) {
    try {
      input = JSON.parse(raw);
    } catch {
      throw new HttpError(400, 'invalid_query', '#/date_range: a JSON array of two dates, or 7d, 30d, month…');
    }
  }
  const db = new QueryDb(await siteDb(env, siteId));
  const { site } = await loadSiteAndStaleDays(db, siteId);
  const range = resolveDateRange(input, site, Date.now(), null);
  // json_each over the newest SCAN_LIMIT events only: the inner LIMIT bounds the rows read, so
  // every other condition sits outside it. Passive events' props (a web vital's metric, an
  // error's message) are Pulse's own fields, not the site's custom properties.
  const passive = PASSIVE_EVENT_NAMES.map((_, i) => `?${i + 6}`).join(', ');
  const rows = await db.all<{ key: string; events: number }>(
    `SELECT j.key AS key, count(*) AS events
       FROM (SELECT name, props FROM events WHERE site_id = ?1 AND ts >= ?2 AND ts < ?3 ORDER BY ts DESC LIMIT ?4) e, json_each(e.props) j
      WHERE e.props != '{}' AND e.name NOT IN (${passive})
      GROUP BY j.key ORDER BY events DESC, key ASC LIMIT ?5`,
    [site.id, range.from, range.to, SCAN_LIMIT, KEYS_LIMIT, ...PASSIVE_EVENT_NAMES],
  );
  return jsonResponse({ keys: rows.map((r) => ({ key: r.key, events: r.events })), date_range: echoDateRange(range, site.timezone), scanned_at_most: SCAN_LIMIT });
}
