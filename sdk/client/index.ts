import { PulseApiError } from './errors';
import type { QueryRequest, QueryResponse, RangeParams, RealtimeSnapshot } from '../../contract/api';
import type { ErrorDetailReport, ErrorsReport, VitalsDimension, VitalsReport } from '../../contract/reports';

export { PulseApiError } from './errors';
export type * from '../../contract/api';
export type * from '../../contract/reports';

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
  // Funnels, retention and journeys get methods when their routes are served.
  /** `POST /api/v2/query`. */
  query(body: QueryRequest): Promise<QueryResponse>;
  /** `GET /api/v1/sites/{site}/realtime`. */
  realtime(site: string): Promise<RealtimeSnapshot>;
  /** `GET /api/v1/sites/{site}/export.csv`, as text. */
  exportCsv(site: string, params?: RangeParams): Promise<string>;
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

  return {
    query: async (body) => (await request('POST', '/api/v2/query', undefined, body)).json() as Promise<QueryResponse>,
    realtime: (s) => json(site(s) + '/realtime'),
    exportCsv: async (s, params) => (await request('GET', site(s) + '/export.csv', params)).text(),
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
