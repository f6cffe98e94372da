/**
 * The MCP tools (DESIGN §4c). Each is one API request made with the caller's own credential
 * (`Authorization` as sent to /mcp), so a tool has exactly the API's keys, scopes, site checks,
 * validation and rate limits, and answers the API's JSON. One entry here adds a tool; only tools
 * whose routes this Worker serves are listed (funnel, retention, journeys, vitals and errors join
 * with their reports).
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
];
