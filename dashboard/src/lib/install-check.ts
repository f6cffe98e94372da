/**
 * The settings page's install check: when the site's latest pageview arrived and from which
 * hostname, from two Stats API queries (the last day with pageviews over all time, then that
 * day's last minute), so "we saw a pageview from your site at …" states what the API counts.
 */
import { server$ } from '@builder.io/qwik-city';
import type { Filter, QueryResponse } from '../../../contract/api';
import { api, messageOf } from './api';
import type { Result } from './stats';

export interface LastPageview {
  /** site-local `YYYY-MM-DD HH:MM` */
  at: string;
  hostname: string;
}

const PAGEVIEWS: Filter[] = [['is', 'event:name', ['pageview']]];

export const lastPageview = server$(async function (site: string): Promise<Result<LastPageview | null>> {
  try {
    const ask = (body: Record<string, unknown>) => api<QueryResponse>(this, '/api/v2/query', { body: { site_id: site, metrics: ['pageviews'], filters: PAGEVIEWS, pagination: { limit: 1 }, ...body } });
    const day = await ask({ date_range: 'all', dimensions: ['time:day'], order_by: [['time:day', 'desc']] });
    const d = day.results[0]?.dimensions[0];
    if (!d) return { ok: true, data: null };
    const date = d.slice(0, 10);
    const minute = await ask({ date_range: [date, date], dimensions: ['time:minute', 'event:hostname'], order_by: [['time:minute', 'desc']] });
    const row = minute.results[0];
    return { ok: true, data: row ? { at: String(row.dimensions[0]).slice(0, 16), hostname: String(row.dimensions[1]) } : null };
  } catch (e) {
    return { ok: false, error: messageOf(e) };
  }
});
