/**
 * The top stats: live visitors, then visitors, visits, pageviews, views per visit, bounce rate and
 * visit duration for the range with their change against the chosen comparison (the previous
 * period when none is chosen). Each stat is a
 * link that switches the main chart's metric. `data-value` holds the raw API number (tests).
 */
import { component$, Resource, useResource$, useSignal, useVisibleTask$ } from '@builder.io/qwik';
import { Link, useLocation } from '@builder.io/qwik-city';
import { formatMetric, LOWER_IS_BETTER } from '../../lib/format';
import { currentVisitors, queryStats } from '../../lib/stats';
import { topMetrics } from '../../lib/top-metrics';
import { listSegments } from '../../lib/segments';
import { withSegmentFilters } from '../../lib/segment-filters';
import { apiComparison, apiFilters, COMPARE_MODES, dateRange, hrefWith, readView, SEGMENT } from '../../lib/view';
import type { ScopeProps } from '../breakdown/breakdown';

export const TopStats = component$<ScopeProps & { live: number | null }>(({ site, share, live }) => {
  const loc = useLocation();
  const liveNow = useSignal(live);
  const stats = useResource$(async ({ track }) => {
    const view = readView(track(() => loc.url));
    // a saved segment's own filters decide the metrics too (segment-filters.ts): listed only then
    const segmented = view.filters.some((f) => f.dimension === SEGMENT);
    const list = segmented ? await listSegments(site, share) : null;
    const shown = topMetrics(list?.ok ? withSegmentFilters(view.filters, list.data) : view.filters);
    const res = await queryStats(
      {
        site_id: site,
        metrics: shown.map((m) => m.metric),
        date_range: dateRange(view),
        filters: apiFilters(view.filters),
        include: { comparisons: apiComparison(view.compare) },
      },
      share,
    );
    return { res, shown };
  });

  // The live number refreshes every 30 s while the tab is visible; the realtime page streams it.
  useVisibleTask$(({ cleanup }) => {
    const timer = setInterval(async () => {
      if (document.visibilityState === 'visible') liveNow.value = await currentVisitors(site, share);
    }, 30_000);
    cleanup(() => clearInterval(timer));
  });

  const view = readView(loc.url);
  const against = (view.compare ? COMPARE_MODES.find((c) => c.id === view.compare!.mode)!.series : 'previous period').toLowerCase();
  return (
    <section class="card top-stats" aria-label="Top stats" data-testid="top-stats">
      <div class="stat" data-metric="live" data-value={liveNow.value ?? ''}>
        <span class="label">
          <span class="live-dot" aria-hidden="true" />
          Current visitors
        </span>
        <span class="value">{liveNow.value ?? '—'}</span>
      </div>
      <Resource
        value={stats}
        onPending={() => (
          <>
            {topMetrics(readView(loc.url).filters).map(({ metric: m, label }) => (
              <div key={m} class="stat" aria-busy="true">
                <span class="label">{label}</span>
                <span class="value skeleton" />
              </div>
            ))}
          </>
        )}
        onResolved={({ res: r, shown }) => {
          if (!r.ok)
            return (
              <p class="error stat" role="alert">
                Could not load the totals: {r.error}
              </p>
            );
          const row = r.data.results[0];
          return (
            <>
              {shown.map(({ metric: m, label }, i) => {
                const value = row?.metrics[i] ?? null;
                const change = row?.comparison?.change[i] ?? null;
                const prev = row?.comparison?.metrics[i] ?? null;
                const dir = change === null || change === 0 ? '' : change > 0 ? 'up' : 'down';
                return (
                  <Link
                    prefetch={false}
                    key={m}
                    class="stat"
                    href={hrefWith(loc.url, { metric: m === 'visitors' ? null : m })}
                    aria-current={view.metric === m ? 'true' : 'false'}
                    data-metric={m}
                    data-value={value ?? ''}
                    style="text-decoration:none;color:inherit"
                  >
                    <span class="label">{label}</span>
                    <span class="value">{formatMetric(m, value)}</span>
                    {change !== null && (
                      <span class={`change ${dir} ${LOWER_IS_BETTER.has(m) ? 'bad' : ''}`} title={`Change against the ${against}`}>
                        {dir === 'up' ? '↑' : dir === 'down' ? '↓' : '→'} {Math.abs(change)}%<span class="visually-hidden"> {dir === 'up' ? 'up' : dir === 'down' ? 'down' : 'unchanged'} from the {against}</span>
                      </span>
                    )}
                    {view.compare && <span class="prev">was {formatMetric(m, prev)}</span>}
                  </Link>
                );
              })}
            </>
          );
        }}
      />
    </section>
  );
});
