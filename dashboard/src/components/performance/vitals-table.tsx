/**
 * The vitals by page, device, browser or country: p75 of each metric per row (coloured by its
 * web.dev rating share), each row a link to the overview filtered by that value.
 */
import { component$ } from '@builder.io/qwik';
import { Link, useLocation } from '@builder.io/qwik-city';
import type { VitalsRow } from '../../../../contract/reports';
import { countryName, formatNumber } from '../../lib/format';
import { hrefWith, hrefWithFilter, isFilter } from '../../lib/view';
import { formatVital, VITALS, VITALS_BY, type VitalsBy } from './report-params';

/** The rating a row's p75 falls in, from the shares: p75 is good when ≥ 75 % are good, etc. */
function ratingOf(m: VitalsRow['LCP']): string {
  if (m.p75 === null) return '';
  if (m.good >= 75) return 'good';
  if (m.good + m.needs_improvement >= 75) return 'needs_improvement';
  return 'poor';
}

export const VitalsTable = component$<{ rows: VitalsRow[]; by: VitalsBy; site: string }>(({ rows, by, site }) => {
  const loc = useLocation();
  const dim = VITALS_BY[by].dimension;
  const overview = `/sites/${encodeURIComponent(site)}/`;
  return (
    <section class="card vitals-table" aria-labelledby="vitals-by-title">
      <div class="vitals-table-head">
        <h2 id="vitals-by-title">By {VITALS_BY[by].label.toLowerCase()}</h2>
        <nav class="tabs-nav" aria-label="Break down by">
          {(Object.keys(VITALS_BY) as VitalsBy[]).map((b) => (
            <Link prefetch={false} key={b} href={hrefWith(loc.url, { by: b === 'page' ? null : b })} aria-current={b === by ? 'true' : undefined} data-by={b}>
              {VITALS_BY[b].label}
            </Link>
          ))}
        </nav>
      </div>
      {rows.length === 0 ? (
        <p class="empty" data-empty>No web vitals were measured in this range.</p>
      ) : (
        <div class="table-scroll">
          <table data-rows>
            <thead>
              <tr>
                <th scope="col">{VITALS_BY[by].label}</th>
                {VITALS.map((m) => (
                  <th key={m} scope="col" class="num">{m}</th>
                ))}
                <th scope="col" class="num">Samples</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.dimension} data-row={r.dimension}>
                  <th scope="row" class="dim">
                    <Link prefetch={false} href={hrefWithFilter(loc.url, isFilter(dim, r.dimension ?? ''), overview).replace(/([?&])by=[^&]*&?/, '$1').replace(/[?&]$/, '')}>
                      {by === 'country' && r.dimension ? countryName(r.dimension) : r.dimension}
                    </Link>
                  </th>
                  {VITALS.map((m) => (
                    <td key={m} class={`num rated-${ratingOf(r[m])}`} data-metric={m} data-value={r[m].p75 ?? ''}>
                      {formatVital(m, r[m].p75)}
                    </td>
                  ))}
                  <td class="num" data-samples={r.samples}>{formatNumber(r.samples)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
});
