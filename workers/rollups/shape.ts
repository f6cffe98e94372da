/**
 * The shape of the rollup tables: what their writers (this folder) and their reader (the rollup
 * plan, workers/query/rollup-plan.ts) must agree on. The read path imports only this file and
 * stale-days.ts from workers/rollups.
 *
 * Which dimensions the rollups keep. Single dimensions cover every dashboard breakdown; pairs cover
 * "filter by one of PAIR_FILTER_DIMS, break down by another dimension" (DESIGN §8a). Pairs cost a
 * row per value combination per day, so only the filters a dashboard user clicks most get them;
 * any other combination is answered by the raw plan.
 */
export const ROLLUP_DIMS = [
  'event:page', 'event:name', 'visit:entry_page', 'visit:exit_page', 'visit:source', 'visit:referrer',
  'visit:channel', 'visit:utm_source', 'visit:utm_medium', 'visit:utm_campaign', 'visit:utm_content',
  'visit:utm_term', 'visit:device', 'visit:browser', 'visit:browser_version', 'visit:os',
  'visit:os_version', 'visit:country', 'visit:region', 'visit:region_name', 'visit:city',
];

export const PAIR_FILTER_DIMS = ['event:page', 'visit:source', 'visit:country', 'visit:device'];

/** Breakdowns of the dashboard's main panels; long-tailed ones (entry/exit page, city, referrer)
 * would multiply the pair rows by their cardinality and go raw when filtered. */
export const PAIR_BREAKDOWN_DIMS = [
  'event:page', 'event:name', 'visit:source', 'visit:channel', 'visit:utm_source', 'visit:utm_campaign',
  'visit:country', 'visit:device', 'visit:browser', 'visit:os',
];

/** Dimensions whose labels are derived from a stored one (names from codes). */
const ALIASES: Record<string, string> = {
  'visit:country_name': 'visit:country',
  'visit:city_name': 'visit:city',
};

/** The dimension a rollup stores for `dim`, or null when rollups do not keep it. */
export function storedDim(dim: string): string | null {
  const d = ALIASES[dim] ?? dim;
  return ROLLUP_DIMS.includes(d) || d === PAGEVIEW_PAGE ? d : null;
}

/**
 * Internal to the rollups (never a query dimension): the page of a pageview, blank for other
 * events. A page goal counts visitors who *viewed* the page, so under a filter ("source = Google",
 * by goal) its conversions are the (filter, pageview page) pair; without one, the
 * (event:name = pageview, event:page) pair.
 */
export const PAGEVIEW_PAGE = 'event:pageview_page';

const EXTRA_PAIRS: [string, string][] = [
  ['event:name', 'event:page'],
  ...PAIR_FILTER_DIMS.filter((f) => f !== 'event:page').map((f): [string, string] => [f, PAGEVIEW_PAGE]),
];

/** [filter dim, breakdown dim] pairs kept daily. */
export function rollupPairs(): [string, string][] {
  const pairs: [string, string][] = [...EXTRA_PAIRS];
  for (const f of PAIR_FILTER_DIMS) for (const b of PAIR_BREAKDOWN_DIMS) if (f !== b) pairs.push([f, b]);
  return pairs;
}

export function hasPair(filterDim: string, breakdownDim: string): boolean {
  return rollupPairs().some(([f, b]) => f === filterDim && b === breakdownDim);
}

/** Local days within this many days of today also get hourly rollups. */
export const HOURLY_DAYS = 7;

/**
 * A day with more identified visitors than this keeps no id lists (the site total's list would
 * near D1's 2 MB row limit at ~17 bytes an id): its rows hold OVERFLOW_IDS, and range queries
 * count its identified visitors per day (workers/query/rollup-plan.ts).
 */
export const MAX_IDS_PER_DAY = 30_000;
export const OVERFLOW_IDS = '"overflow"';
