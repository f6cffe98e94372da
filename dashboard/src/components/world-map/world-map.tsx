/**
 * The Locations card's Map tab: countries shaded by visitors on an inline SVG world (a static
 * asset, world-paths.ts, fetched by a dynamic import when the tab opens, so it adds nothing to the
 * JS before interaction). Each country with visitors is a link that filters by it, reachable with
 * Tab and named with its number for screen readers; every country has a <title> for the pointer.
 * Countries too small for the 1:110m map are listed under it, so no visitor goes missing.
 */
import { component$, noSerialize, useSignal, useStyles$, useVisibleTask$, type NoSerialize } from '@builder.io/qwik';
import { useLocation, useNavigate } from '@builder.io/qwik-city';
import { countryName, formatMetric } from '../../lib/format';
import { shade } from '../../lib/map-shade';
import { hrefWithFilter, isFilter } from '../../lib/view';
import styles from './world-map.css?inline';

export interface CountryRow {
  code: string;
  visitors: number;
}

interface World {
  viewBox: string;
  countries: [code: string, name: string, d: string][];
}

const exact = new Intl.NumberFormat('en');
/** "Germany: 1,204 visitors": the exact number, as a screen reader should read it. */
const label = (name: string, visitors: number) => `${name}: ${exact.format(visitors)} ${visitors === 1 ? 'visitor' : 'visitors'}`;
/** The name the Countries tab shows (Intl), the map file's own where Intl has none. */
const nameOf = (code: string, fallback: string) => {
  const n = countryName(code);
  return n === code ? fallback : n;
};

export const WorldMap = component$<{ rows: CountryRow[] }>(({ rows }) => {
  useStyles$(styles);
  const loc = useLocation();
  const nav = useNavigate();
  const world = useSignal<NoSerialize<World>>();
  useVisibleTask$(async () => {
    const m = await import('./world-paths');
    world.value = noSerialize({ viewBox: m.VIEW_BOX, countries: m.WORLD });
  });
  const w = world.value;
  if (!w) return <div class="skeleton world-map-loading" aria-busy="true" aria-label="Loading the map" />;
  const counts = new Map(rows.map((r) => [r.code, r.visitors]));
  const max = Math.max(0, ...rows.map((r) => r.visitors));
  const drawn = new Set(w.countries.map(([code]) => code));
  const unplaced = rows.filter((r) => !drawn.has(r.code) && r.visitors > 0);
  return (
    <figure class="world-map" data-testid="world-map" data-rows="visit:country">
      <svg viewBox={w.viewBox} role="group" aria-label="Visitors by country (map)">
        {w.countries.map(([code, fileName, d]) => {
          const name = nameOf(code, fileName);
          const v = counts.get(code) ?? 0;
          if (v === 0)
            return (
              <path key={code} d={d} class="land" data-country={code} aria-hidden="true">
                <title>{label(name, 0)}</title>
              </path>
            );
          const href = hrefWithFilter(loc.url, isFilter('visit:country', code));
          return (
            <a key={code} href={href} aria-label={label(name, v)} data-country={code} data-visitors={v} preventdefault:click onClick$={() => nav(href)}>
              <path d={d} class="land visited" style={`fill-opacity:${shade(v, max)}`}>
                <title>{label(name, v)}</title>
              </path>
            </a>
          );
        })}
      </svg>
      <figcaption>
        <span class="legend" aria-hidden="true">
          <span>0</span>
          <span class="ramp" />
          <span>{formatMetric('visitors', max)}</span>
        </span>
        {unplaced.length > 0 && (
          <span data-unplaced>
            Too small for the map:{' '}
            {unplaced.map((r, i) => (
              <span key={r.code}>
                {i > 0 && ', '}
                <a href={hrefWithFilter(loc.url, isFilter('visit:country', r.code))}>{countryName(r.code)}</a> {formatMetric('visitors', r.visitors)}
              </span>
            ))}
          </span>
        )}
      </figcaption>
    </figure>
  );
});
