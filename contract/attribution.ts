/**
 * A visit's attribution, device and geo (DESIGN §5): taken from the visit's first event and copied
 * onto every stored event of the visit and onto its session row. The SiteDO copies these fields,
 * the consumer writes them, and the rollups group by them; this list is the one all three read.
 */
import type { Attribution, Device, Geo } from './events';

export type VisitAttribution = Attribution & Device & Geo;

/** [D1 column, field of {@link VisitAttribution}] for every attribution field, in column order. */
export const ATTRIBUTION_FIELDS = [
  ['referrer', 'referrer'], ['source', 'source'], ['channel', 'channel'],
  ['utm_source', 'utmSource'], ['utm_medium', 'utmMedium'], ['utm_campaign', 'utmCampaign'],
  ['utm_content', 'utmContent'], ['utm_term', 'utmTerm'],
  ['device', 'device'], ['browser', 'browser'], ['browser_version', 'browserVersion'],
  ['os', 'os'], ['os_version', 'osVersion'], ['country', 'country'], ['region', 'region'],
  ['region_name', 'regionName'], ['city', 'city'],
] as const satisfies readonly (readonly [string, keyof VisitAttribution])[];

/** The D1 columns of {@link ATTRIBUTION_FIELDS}. */
export const ATTRIBUTION_COLUMNS: string[] = ATTRIBUTION_FIELDS.map(([column]) => column);

/** Just the attribution fields of an event or session. */
export function pickAttribution(from: VisitAttribution): VisitAttribution {
  const out = {} as Record<string, unknown>;
  for (const [, field] of ATTRIBUTION_FIELDS) out[field] = from[field];
  return out as unknown as VisitAttribution;
}
