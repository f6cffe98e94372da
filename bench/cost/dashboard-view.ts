/**
 * One dashboard view, as the dashboard's overview page asks for it (its default period and its own
 * card definitions, imported so the bench follows the page): top stats with the previous period,
 * the main chart, the first tab of every breakdown card (top 9 rows with the total), and the
 * realtime snapshot behind "current visitors".
 */
import { SELF } from 'cloudflare:test';
import { CARDS } from '../../dashboard/src/components/breakdown/cards';
import { topMetrics } from '../../dashboard/src/lib/top-metrics';
import { DEFAULT_PERIOD, intervalsFor } from '../../dashboard/src/lib/view';

const ORIGIN = 'https://pulse.bench';
const TOP_ROWS = 9; // dashboard/src/components/breakdown/breakdown.tsx (a Qwik module the bench cannot load)

export function dashboardQueries(site: string): Record<string, unknown>[] {
  const date_range = DEFAULT_PERIOD;
  return [
    { site_id: site, metrics: topMetrics([]).map((m) => m.metric), date_range, include: { comparisons: { mode: 'previous_period' } } },
    { site_id: site, metrics: ['visitors'], date_range, dimensions: [`time:${intervalsFor(DEFAULT_PERIOD)[0]}`], include: { time_labels: true } },
    ...CARDS.map((card) => {
      const tab = card.tabs[0]!;
      return { site_id: site, metrics: tab.metrics, date_range, dimensions: [tab.dimension], filters: tab.only ?? [], include: { total_rows: true }, pagination: { limit: TOP_ROWS } };
    }),
  ];
}

/** Sends the view's requests; returns how many Worker requests it took. */
export async function dashboardView(site: string, token: string): Promise<{ requests: number }> {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const queries = dashboardQueries(site);
  const answers = await Promise.all([
    ...queries.map((q) => SELF.fetch(`${ORIGIN}/api/v2/query`, { method: 'POST', headers, body: JSON.stringify(q) })),
    SELF.fetch(`${ORIGIN}/api/v1/sites/${encodeURIComponent(site)}/realtime`, { headers }),
  ]);
  for (const res of answers) {
    const text = await res.text();
    if (!res.ok) throw new Error(`dashboard request failed: ${res.status} ${text}`);
  }
  return { requests: answers.length };
}
