/**
 * The MCP tools (DESIGN §4c). Each is one API request made with the caller's own credential
 * (`Authorization` as sent to /mcp), so a tool has exactly the API's keys, scopes, site checks,
 * validation and rate limits, and answers the API's JSON. One entry here adds a tool; only tools
 * whose routes this Worker serves are listed.
 */
import * as z from 'zod';

export interface ApiCall {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
}

export interface ToolSpec {
  name: string;
  title: string;
  description: string;
  input: z.ZodRawShape;
  call: (args: Record<string, unknown>) => ApiCall;
}

const site = z.string().min(1).max(253).describe('The site id: its domain, as list_sites returns it, e.g. "example.com"');
const enc = (value: unknown) => encodeURIComponent(String(value));
const period = z.string().max(20).optional().describe('A Stats API date range: "7d", "28d", "30d" (the default), "91d", "month", "6mo", "12mo", "year"');
const date = z.string().max(30).optional().describe('Instead of period, two local dates "YYYY-MM-DD,YYYY-MM-DD"');
const visitFilters = z.array(z.unknown()).optional().describe('Stats API v2 filters on visit dimensions, e.g. [["is", "visit:country", ["DE"]], ["is", "visit:device", ["Mobile"]]]');

/** `?period=…&date=…&filters=…&<extra>` from the arguments that were given. */
function reportQuery(a: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  const params = new URLSearchParams();
  if (a.period !== undefined) params.set('period', String(a.period));
  if (a.date !== undefined) params.set('date', String(a.date));
  if (a.filters !== undefined) params.set('filters', JSON.stringify(a.filters));
  for (const [key, value] of Object.entries(extra)) if (value !== undefined) params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}

export const TOOLS: ToolSpec[] = [
  {
    name: 'list_sites',
    title: 'List sites',
    description: 'Lists the sites this key may read, with their time zones. Call this first to learn the site ids the other tools take.',
    input: {},
    call: () => ({ method: 'GET', path: '/api/v1/sites' }),
  },
  {
    name: 'query',
    title: 'Query analytics (Stats API v2)',
    description:
      'Runs a Plausible-compatible Stats API v2 query and returns its rows. `query` is the JSON body: {"site_id", "metrics": ["visitors", "visits", "pageviews", "views_per_visit", "bounce_rate", "visit_duration", "events", "conversion_rate"], "date_range": "7d" | "28d" | "30d" | "month" | "day" | ["2026-11-01", "2026-11-30"], "dimensions"?: ["visit:source", "event:page", "visit:country", "visit:device", "event:goal", "time:day", …], "filters"?: [["is", "visit:country", ["DE"]]], "order_by"?: [["visitors", "desc"]], "include"?: {"comparisons": {"mode": "previous_period"}}, "pagination"?: {"limit": 10}}. Visitors are unique per day and summed over days, as Plausible counts them. Errors name the bad part of the query.',
    input: { query: z.record(z.string(), z.unknown()).describe('The Stats API v2 query body, including site_id') },
    call: (a) => ({ method: 'POST', path: '/api/v2/query', body: a.query }),
  },
  {
    name: 'realtime',
    title: 'Realtime visitors',
    description: 'Visitors on the site right now (last 5 minutes) and in the last 30 minutes, with top pages, sources, countries and goal conversions of those 30 minutes.',
    input: { site },
    call: (a) => ({ method: 'GET', path: `/api/v1/sites/${enc(a.site)}/realtime` }),
  },
  {
    name: 'insights',
    title: 'What changed',
    description:
      'What changed most against the previous period of the same length: the sources, pages, countries, devices and goals whose visitors moved most, each with the numbers, the percentage change, a z score and whether it is beyond normal variation (|z| ≥ 3), plus anomalies the alert engine found. Use it to answer "why did traffic or signups drop?".',
    input: { site, period: z.enum(['7d', '28d', '30d', '91d', 'month']).optional().describe('Default 7d (the last 7 complete days)') },
    call: (a) => ({ method: 'GET', path: `/api/v1/sites/${enc(a.site)}/insights${a.period ? `?period=${enc(a.period)}` : ''}` }),
  },
  {
    name: 'funnel',
    title: 'Conversion funnel',
    description:
      'How many visitors went through ordered steps, and where they dropped off. Either `funnel_id` (a funnel saved in the site settings) or `steps`: 2–8 steps, each a goal id of the site or an event filter such as ["is", "event:page", ["/pricing"]] or ["is", "event:name", ["Signup"]]. Steps must happen in order within one visit (window "session", the default); "24h" or "7d" also follow identified visitors across visits. Answers per step: visitors, conversion_rate (% of step 1), step_conversion_rate (% of the previous step), dropoff and median_seconds from the previous step.',
    input: {
      site,
      funnel_id: z.string().max(100).optional().describe('A stored funnel id; leave out when giving steps'),
      steps: z.array(z.unknown()).min(2).max(8).optional().describe('Ad-hoc steps when no funnel_id is given'),
      window: z.enum(['session', '24h', '7d']).optional(),
      date_range: z.unknown().optional().describe('For ad-hoc steps: a Stats API date_range such as "30d" or ["2026-11-01", "2026-11-30"]'),
      period,
      date,
      filters: visitFilters,
    },
    call: (a) =>
      a.funnel_id !== undefined
        ? { method: 'GET', path: `/api/v1/sites/${enc(a.site)}/funnels/${enc(a.funnel_id)}${reportQuery(a, { window: a.window })}` }
        : { method: 'POST', path: `/api/v1/sites/${enc(a.site)}/funnels/query`, body: { steps: a.steps, window: a.window, date_range: a.date_range ?? a.period, filters: a.filters } },
  },
  {
    name: 'retention',
    title: 'Retention cohorts',
    description:
      'Cohorts of identified visitors (sites that send a user id, or visitors who consented to a persistent id) by the day, week (Monday) or month they were first seen, and how many of each cohort came back in each later interval (retained[k], percent[k]). Anonymous visitors cannot be followed across days by design, so they are not in the cohorts.',
    input: { site, interval: z.enum(['day', 'week', 'month']).optional().describe('Default week'), period, date, filters: visitFilters },
    call: (a) => ({ method: 'GET', path: `/api/v1/sites/${enc(a.site)}/retention${reportQuery(a, { interval: a.interval })}` }),
  },
  {
    name: 'journeys',
    title: 'User journeys',
    description:
      'The most common page paths through visits, from the entry page or from the first view of `start` (e.g. "/pricing"), with consecutive repeats collapsed and "(exit)" where the visit ended, plus step-by-step transitions (from → to, sessions). Use it to answer "where do people go after the pricing page?".',
    input: {
      site,
      start: z.string().max(2000).optional().describe('A page path to start from; default the entry page'),
      steps: z.number().int().min(2).max(10).optional().describe('Pages per path, default 5'),
      limit: z.number().int().min(1).max(100).optional().describe('Paths to return, default 20'),
      period,
      date,
      filters: visitFilters,
    },
    call: (a) => ({ method: 'GET', path: `/api/v1/sites/${enc(a.site)}/journeys${reportQuery(a, { start: a.start, steps: a.steps, limit: a.limit })}` }),
  },
  {
    name: 'vitals',
    title: 'Core Web Vitals',
    description:
      'Page performance as real visitors felt it: p75 of LCP, INP, CLS, FCP and TTFB with the shares rated good / needs improvement / poor (web.dev thresholds), and page load timing, for the whole site or by page, device, browser or country. Use it to answer "which pages are slow on phones?".',
    input: {
      site,
      dimension: z.enum(['event:page', 'visit:device', 'visit:browser', 'visit:country']).optional().describe('Break down by this; leave out for site totals'),
      period,
      date,
      filters: visitFilters,
    },
    call: (a) => ({ method: 'GET', path: `/api/v1/sites/${enc(a.site)}/vitals${reportQuery(a, { dimension: a.dimension })}` }),
  },
  {
    name: 'errors',
    title: 'JavaScript errors',
    description:
      'JavaScript errors grouped by fingerprint (message with ids and numbers ignored, plus the top stack frame): events, affected visitors, first and last seen, top pages and browsers. Give `fingerprint` for one group with daily counts and sample stacks.',
    input: { site, fingerprint: z.string().max(64).optional().describe('One group, as listed by a call without it'), period, date },
    call: (a) => ({
      method: 'GET',
      path: `/api/v1/sites/${enc(a.site)}/errors${a.fingerprint !== undefined ? `/${enc(a.fingerprint)}` : ''}${reportQuery({ period: a.period, date: a.date })}`,
    }),
  },
];
