import type { Geo } from '../../contract/events';

// Cloudflare's own codes that are not countries: XX = unknown, T1 = Tor exit node.
const NOT_COUNTRIES = new Set(['XX', 'T1']);

// Everything is checked for shape because `request.cf` is missing in some test paths, and a local
// or proxied request may carry empty strings or placeholders instead of real values.
export function geoFromCf(cf: IncomingRequestCfProperties | Record<string, unknown> | undefined | null): Geo {
  const props = (cf ?? {}) as Record<string, unknown>;
  const country = text(props.country)?.toUpperCase() ?? null;
  if (!country || !/^[A-Z]{2}$/.test(country) || NOT_COUNTRIES.has(country)) {
    // Without a country, a region or city would be an orphan no report can place.
    return { country: null, region: null, regionName: null, city: null };
  }

  const regionCode = text(props.regionCode)?.toUpperCase() ?? null;
  // ISO 3166-2 subdivision codes are 1–3 letters or digits after the country (US-CA, GB-ENG, FR-75).
  const region = regionCode && /^[A-Z0-9]{1,3}$/.test(regionCode) ? `${country}-${regionCode}` : null;

  // cf.region is Cloudflare's English name of the subdivision (California), kept as it is given.
  return { country, region, regionName: text(props.region), city: text(props.city) };
}

function text(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}
