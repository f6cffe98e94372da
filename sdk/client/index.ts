import { PulseApiError } from './errors';
import type { Filter, QueryRequest, QueryResponse, RangeParams, RealtimeSnapshot, Segment, SegmentCreate, SegmentUpdate } from '../../contract/api';
import type { ErrorDetailReport, ErrorsReport, FunnelReport, FunnelWindow, JourneysReport, RetentionInterval, RetentionReport, VitalsDimension, VitalsReport } from '../../contract/reports';

export { PulseApiError } from './errors';
export type * from '../../contract/api';
export type * from '../../contract/reports';

/** Date range and visit filters of the behaviour reports (`period=30d` or `date=2026-11-01,2026-11-30`). */
export interface ReportParams {
  period?: string;
  date?: string;
  /** Stats API v2 filters on visit dimensions; sent as JSON */
  filters?: Filter[];
}

/** A funnel step: a goal id, or an event filter such as `['is', 'event:page', ['/pricing']]`. */
export type FunnelStep = string | Filter;

/** Body of `POST /api/v1/sites/{site}/funnels/query`. */
export interface FunnelQuery {
  steps: FunnelStep[];
  date_range?: QueryRequest['date_range'];
  filters?: Filter[];
  window?: FunnelWindow;
  name?: string;
}

/** Settings of {@link createClient}. */
export interface ClientOptions {
  /** Origin of the Pulse API, e.g. `https://pulse.example.com`. */
  baseUrl: string;
  /** An API key (JWT) with scope `stats:read`, sent as `Authorization: Bearer`. */
  key: string;
  /** A fetch implementation (defaults to the global one), e.g. a service binding's `fetch`. */
  fetch?: typeof fetch;
}

/** A typed client of the Pulse Stats API; see {@link createClient}. */
export interface PulseClient {
  /** `POST /api/v2/query`. */
  query(body: QueryRequest): Promise<QueryResponse>;
  /** `GET /api/v1/sites/{site}/realtime`. */
  realtime(site: string): Promise<RealtimeSnapshot>;
  /** `GET /api/v1/sites/{site}/export.csv`, as text. */
  exportCsv(site: string, params?: RangeParams): Promise<string>;
  /**
   * `GET /api/v1/sites/{site}/segments`: the site's segments and the key's personal ones.
   *
   * @example
   * const [first] = await pulse.segments('example.com');
   * await pulse.query({ site_id: 'example.com', metrics: ['visitors'], date_range: '7d', filters: [['is', 'segment', [first.id]]] });
   */
  segments(site: string): Promise<Segment[]>;
  /**
   * `POST /api/v1/sites/{site}/segments` (personal by default; `scope: 'site'` needs sites:admin).
   *
   * @example
   * const seg = await pulse.createSegment('example.com', { name: 'From Google', filters: [['is', 'visit:source', ['Google']]] });
   */
  createSegment(site: string, segment: SegmentCreate): Promise<Segment>;
  /**
   * `PATCH /api/v1/sites/{site}/segments/{id}`.
   *
   * @example
   * await pulse.updateSegment('example.com', seg.id, { name: 'Google visitors' });
   */
  updateSegment(site: string, id: number, changes: SegmentUpdate): Promise<Segment>;
  /**
   * `DELETE /api/v1/sites/{site}/segments/{id}`.
   *
   * @example
   * await pulse.deleteSegment('example.com', seg.id);
   */
  deleteSegment(site: string, id: number): Promise<void>;
  /**
   * `GET /api/v1/sites/{site}/funnels/{id}`: a stored funnel over a range.
   * @example
   * const { steps } = await pulse.funnel('example.com', 'fnl_123', { period: '30d', window: '7d' });
   * console.log(steps.map((s) => `${s.name}: ${s.visitors} (${s.conversion_rate} %)`));
   */
  funnel(site: string, id: string, params?: ReportParams & { window?: FunnelWindow }): Promise<FunnelReport>;
  /**
   * `POST /api/v1/sites/{site}/funnels/query`: an ad-hoc funnel of 2–8 steps.
   * @example
   * await pulse.funnelQuery('example.com', { steps: [['is', 'event:page', ['/pricing']], ['is', 'event:name', ['Signup']]], date_range: '7d' });
   */
  funnelQuery(site: string, body: FunnelQuery): Promise<FunnelReport>;
  /**
   * `GET /api/v1/sites/{site}/retention`: cohorts of identified visitors.
   * @example
   * const { cohorts } = await pulse.retention('example.com', { interval: 'week' });
   */
  retention(site: string, params?: ReportParams & { interval?: RetentionInterval }): Promise<RetentionReport>;
  /**
   * `GET /api/v1/sites/{site}/journeys`: top page paths and transitions.
   * @example
   * const { paths } = await pulse.journeys('example.com', { start: '/pricing', steps: 4, limit: 10 });
   */
  journeys(site: string, params?: ReportParams & { start?: string; steps?: number; limit?: number }): Promise<JourneysReport>;
  /**
   * `GET /api/v1/sites/{site}/vitals`: p75 and threshold shares per metric, by a dimension.
   * @example
   * const { results } = await pulse.vitals('example.com', { period: '30d', dimension: 'event:page' });
   */
  vitals(site: string, params?: RangeParams & { dimension?: VitalsDimension; include?: 'timeseries'; filters?: string; limit?: number }): Promise<VitalsReport>;
  /**
   * `GET /api/v1/sites/{site}/errors`: JavaScript errors grouped by fingerprint.
   * @example
   * const { results } = await pulse.errors('example.com', { period: '7d' });
   */
  errors(site: string, params?: RangeParams & { limit?: number }): Promise<ErrorsReport>;
  /**
   * `GET /api/v1/sites/{site}/errors/{fingerprint}`: one group with daily counts and sample stacks.
   * @example
   * const { result } = await pulse.errorGroup('example.com', results[0].fingerprint, { period: '7d' });
   */
  errorGroup(site: string, fingerprint: string, params?: RangeParams): Promise<ErrorDetailReport>;
}

/**
 * Creates a client of the Pulse Stats API. Every call sends the key as a Bearer token and
 * throws a {@link PulseApiError} for a non-2xx response.
 *
 * @example
 * import { createClient } from '@pulse/sdk/client';
 * const pulse = createClient({ baseUrl: 'https://pulse.example.com', key: process.env.PULSE_KEY! });
 * const { results } = await pulse.query({ site_id: 'example.com', metrics: ['visitors'], date_range: '7d' });
 * const live = await pulse.realtime('example.com');
 */
export function createClient(options: ClientOptions): PulseClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch || ((input, init) => fetch(input, init));

  const request = async (method: string, path: string, params?: RangeParams, body?: unknown): Promise<Response> => {
    const search = new URLSearchParams();
    for (const [k, v] of Object.entries(params || {})) if (v !== undefined) search.set(k, String(v));
    const url = base + path + (search.size ? '?' + search : '');
    const headers: Record<string, string> = { authorization: 'Bearer ' + options.key };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await doFetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (e) {
      throw new PulseApiError(0, 'network error: ' + (e instanceof Error ? e.message : String(e)));
    }
    if (!res.ok) throw new PulseApiError(res.status, await readError(res));
    return res;
  };
  const json = async <T>(path: string, params?: RangeParams): Promise<T> => (await request('GET', path, params)).json() as Promise<T>;
  const site = (s: string) => '/api/v1/sites/' + encodeURIComponent(s);
  // filters travel as one JSON parameter, as the routes read them
  const report = <T, P extends ReportParams = ReportParams>(path: string, params?: P): Promise<T> => {
    const { filters, ...rest } = (params || {}) as P;
    return json<T>(path, { ...(rest as RangeParams), filters: filters === undefined ? undefined : JSON.stringify(filters) });
  };

  return {
    query: async (body) => (await request('POST', '/api/v2/query', undefined, body)).json() as Promise<QueryResponse>,
    realtime: (s) => json(site(s) + '/realtime'),
    exportCsv: async (s, params) => (await request('GET', site(s) + '/export.csv', params)).text(),
    segments: async (s) => ((await json<{ segments: Segment[] }>(site(s) + '/segments')).segments),
    createSegment: async (s, body) => (await request('POST', site(s) + '/segments', undefined, body)).json() as Promise<Segment>,
    updateSegment: async (s, id, body) => (await request('PATCH', site(s) + '/segments/' + id, undefined, body)).json() as Promise<Segment>,
    deleteSegment: async (s, id) => {
      await request('DELETE', site(s) + '/segments/' + id);
    },
    funnel: (s, id, params) => report(site(s) + '/funnels/' + encodeURIComponent(id), params),
    funnelQuery: async (s, body) => (await request('POST', site(s) + '/funnels/query', undefined, body)).json() as Promise<FunnelReport>,
    retention: (s, params) => report(site(s) + '/retention', params),
    journeys: (s, params) => report(site(s) + '/journeys', params),
    vitals: (s, params) => json(site(s) + '/vitals', params),
    errors: (s, params) => json(site(s) + '/errors', params),
    errorGroup: (s, fingerprint, params) => json(site(s) + '/errors/' + encodeURIComponent(fingerprint), params),
  };
}

// The API answers errors as `{ "error": "..." }` (DESIGN §4); anything else is reported as text.
async function readError(res: Response): Promise<string> {
  const text = await res.text().catch(() => '');
  try {
    const parsed = JSON.parse(text) as { error?: unknown };
    if (typeof parsed.error === 'string') return parsed.error;
  } catch {
    // not JSON: fall through to the raw text
  }
  return text || res.statusText || 'HTTP ' + res.status;
}
