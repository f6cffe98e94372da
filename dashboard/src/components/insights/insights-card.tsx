/**
 * The insights card of the overview: the sentences of `GET /api/v1/sites/{site}/insights` for the
 * period in the URL — totals against the previous period, the top movers by source, page,
 * country, device and goal (each says whether it is beyond normal variation), and alert firings.
 * Insights cover 7 to 91 days (the API's periods); shorter and longer views show the nearest
 * one, and the card's heading names the days it covers.
 */
import { component$, Resource, useResource$ } from '@builder.io/qwik';
import { server$, useLocation } from '@builder.io/qwik-city';
import { api, messageOf } from '../../lib/api';
import type { Result } from '../../lib/stats';
import { readView, type View } from '../../lib/view';

interface Sentence {
  sentence: string;
}

export interface Insights {
  period: { from: string; to: string };
  summary: Sentence;
  movers: (Sentence & { dimension: string; value: string; significant: boolean })[];
  anomalies: (Sentence & { alert_id: string; at: string })[];
}

/** shown in the card; the API ranks up to 10 */
const MOVER_ROWS = 5;

/** The insights query for a dashboard view (the API takes 7d, 28d, 30d, 91d, month or two days). */
export function insightsSearch(view: View): string {
  if (view.period === 'custom' && view.from && view.to) return `date=${view.from},${view.to}`;
  if (view.period === '7d' || view.period === '30d' || view.period === 'month') return `period=${view.period}`;
  if (view.period === 'day' || view.period === '24h') return 'period=7d';
  return 'period=91d';
}

export const fetchInsights = server$(async function (site: string, search: string, share: string | null): Promise<Result<Insights>> {
  try {
    return { ok: true, data: await api<Insights>(this, `/api/v1/sites/${encodeURIComponent(site)}/insights?${search}`, { share }) };
  } catch (e) {
    return { ok: false, error: messageOf(e) };
  }
});

export const InsightsCard = component$<{ site: string; share: string | null }>(({ site, share }) => {
  const loc = useLocation();
  const insights = useResource$(async ({ track }) => {
    const url = track(() => loc.url);
    return fetchInsights(site, insightsSearch(readView(url)), share);
  });
  return (
    <section class="card stack" data-card-insights aria-labelledby="title-insights" style="margin:1rem 0">
      <Resource
        value={insights}
        onPending={() => (
          <>
            <h2 id="title-insights">Insights</h2>
            <p class="muted">Loading…</p>
          </>
        )}
        onResolved={(res) =>
          !res.ok ? (
            <>
              <h2 id="title-insights">Insights</h2>
              <p class="error" role="alert">
                {res.error}
              </p>
            </>
          ) : (
            <>
              <h2 id="title-insights">
                Insights <span class="muted" style="font-weight:400">{res.data.period.from} to {res.data.period.to}</span>
              </h2>
              <p data-insight="summary" style="margin:0">
                {res.data.summary.sentence}
              </p>
              {res.data.anomalies.length > 0 && (
                <ul style="margin:0;padding-left:1.2rem" data-testid="insight-anomalies">
                  {res.data.anomalies.map((a) => (
                    <li key={`${a.alert_id}.${a.at}`} class="error" data-insight="anomaly">
                      {a.sentence}
                    </li>
                  ))}
                </ul>
              )}
              {res.data.movers.length === 0 ? (
                <p class="muted" style="margin:0">
                  No source, page, country, device or goal moved by more than a handful of visitors.
                </p>
              ) : (
                <ul style="margin:0;padding-left:1.2rem;overflow-wrap:anywhere" data-testid="insight-movers">
                  {res.data.movers.slice(0, MOVER_ROWS).map((m) => (
                    <li key={`${m.dimension}.${m.value}`} data-insight="mover" data-significant={m.significant ? 'true' : 'false'}>
                      {m.significant ? <strong>{m.sentence}</strong> : m.sentence}
                    </li>
                  ))}
                </ul>
              )}
            </>
          )
        }
      />
    </section>
  );
});
