/**
 * The conformance suite's harness (workers/query/conformance/): Plausible's published Stats API v2
 * scenarios replayed through Pulse's real write and read paths. Events go in through
 * `POST /api/event` with an `events:write` key (`ts` for Plausible's timestamps, `uid` for its
 * `user_id`, a unique IP per anonymous event as Plausible's factory gives each a fresh user),
 * through the SiteDO, the Queue and the consumer into D1; answers come from `POST /api/v2/query`
 * with a `stats:read` key. Nothing is written or read around the product.
 */
import { SELF } from 'cloudflare:test';
import { expect, it } from 'vitest';
import { adminToken, call, makeKey, ok, ORIGIN, uniqueDomain } from './api';
import { drainToD1 } from './drain';

/** The desktop Chrome the house tests use (browser Chrome, Desktop). */
export const CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
export const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';
export const SAFARI = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15';
export const WINDOWS_CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
export const WINDOWS_FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0';
export const MAC_CHROME = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
export const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';

/** One of Plausible's `build(:pageview | :event, …)`, in Pulse's Events API terms. */
export interface Ev {
  /** `YYYY-MM-DD HH:MM:SS` in UTC, as Plausible's `~N[…]` timestamps */
  at: string;
  name?: string;
  /** Plausible's `user_id`: the same number is the same (identified) visitor */
  user?: number;
  path?: string;
  hostname?: string;
  referrer?: string;
  props?: Record<string, string>;
  revenue?: { amount: number; currency: string };
  country?: string;
  ua?: string;
  /** engagement fields */
  sd?: number;
  e?: number;
  interactive?: boolean;
}

export interface ConformanceSite {
  domain: string;
  /** answers POST /api/v2/query: status and JSON */
  query(body: Record<string, unknown>): Promise<{ status: number; json: Record<string, any> }>;
  /** results of a query that must succeed */
  results(body: Record<string, unknown>): Promise<{ dimensions: unknown[]; metrics: unknown[]; comparison?: unknown }[]>;
  populate(events: Ev[]): Promise<void>;
  goal(goal: { event_name?: string; page_path?: string; display_name?: string }): Promise<void>;
}

let ipCounter = 0;
/** A fresh documentation-range IPv6 address: a visitor no other event shares. */
const freshIp = () => `2001:db8::${(++ipCounter).toString(16)}:${Date.now().toString(16).slice(-4)}`;

/**
 * A site for one scenario (ten years' retention, so Plausible's 2021 dates are in range) with
 * its keys; `timezone` as the scenario's site.
 */
export async function conformanceSite(timezone = 'UTC'): Promise<ConformanceSite> {
  const domain = uniqueDomain('conf');
  await ok(call('/api/v1/sites', { token: adminToken(), body: { domain, timezone, retention_days: 3650 } }), 201);
  const [write, read] = await Promise.all([makeKey([domain], 'events:write'), makeKey([domain], 'stats:read')]);
  let written = 0;
  const query = async (body: Record<string, unknown>) => {
    const res = await call('/api/v2/query', { token: read.token, body: { site_id: domain, ...body } });
    return { status: res.status, json: (await res.json()) as Record<string, any> };
  };
  return {
    domain,
    query,
    async results(body) {
      const { status, json } = await query(body);
      if (status !== 200) throw new Error(`expected 200, got ${status}: ${JSON.stringify(json)}`);
      return json.results;
    },
    async goal(goal) {
      await ok(call(`/api/v1/sites/${domain}/goals`, { token: adminToken(), body: goal }), 201);
    },
    async populate(events) {
      const sorted = [...events].sort((a, b) => a.at.localeCompare(b.at));
      // the request's `cf.country` places a visit: one request per run of events of one country
      const runs: Ev[][] = [];
      for (const e of sorted) {
        const last = runs.at(-1);
        if (last && last.length < 50 && last[0]!.country === e.country) last.push(e);
        else runs.push([e]);
      }
      for (const run of runs) {
        const body = run.map((e) => ({
          name: e.name ?? 'pageview',
          url: `https://${e.hostname ?? domain}${e.path ?? '/'}`,
          domain,
          ts: `${e.at.replace(' ', 'T')}Z`,
          ip: e.user === undefined ? freshIp() : `2001:db8:1::${e.user.toString(16)}`,
          ua: e.ua ?? CHROME,
          ...(e.user !== undefined ? { uid: `user-${e.user}` } : {}),
          ...(e.referrer ? { referrer: e.referrer } : {}),
          ...(e.props ? { props: e.props } : {}),
          ...(e.revenue ? { revenue: e.revenue } : {}),
          ...(e.sd !== undefined ? { sd: e.sd } : {}),
          ...(e.e !== undefined ? { e: e.e } : {}),
          ...(e.interactive === false ? { interactive: false } : {}),
        }));
        const res = await SELF.fetch(`${ORIGIN}/api/event`, {
          method: 'POST',
          headers: { authorization: `Bearer ${write.token}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
          ...(run[0]!.country ? { cf: { country: run[0]!.country } } : {}),
        } as RequestInit);
        const text = await res.text();
        if (res.status !== 202) throw new Error(`events: ${res.status} ${text}`);
        const dropped = Number(res.headers.get('x-pulse-dropped') ?? 0);
        written += run.length - dropped;
      }
      const landed = await drainToD1(domain, domain, written);
      if (landed < written) throw new Error(`only ${landed} of ${written} events reached D1`);
    },
  };
}

/** A ported Plausible case: its events (`populate_stats`), goals, the query and the expected `results` (or a `check` on the whole answer). */
export interface Case {
  name: string;
  events: Ev[];
  goals?: { event_name?: string; page_path?: string; display_name?: string }[];
  timezone?: string;
  query: Record<string, unknown>;
  results?: unknown[];
  /** for answers compared beyond `results` (meta, errors) */
  check?: (answer: { status: number; json: Record<string, any> }, site: ConformanceSite) => void | Promise<void>;
}

/** Plausible's default timestamp for events built without one: any fixed instant in range of `all`. */
export const T0 = '2021-01-01 00:00:00';

/** Events without `at` get T0. */
export const evs = (list: (Omit<Ev, 'at'> & { at?: string })[]): Ev[] => list.map((e) => ({ at: T0, ...e }));

export function runCases(cases: Case[]): void {
  for (const c of cases) {
    it(c.name, async () => {
      const site = await conformanceSite(c.timezone);
      for (const g of c.goals ?? []) await site.goal(g);
      if (c.events.length) await site.populate(c.events);
      const answer = await site.query(c.query);
      if (c.results) {
        expect(answer.status, JSON.stringify(answer.json)).toBe(200);
        expect(answer.json.results).toEqual(c.results);
      }
      await c.check?.(answer, site);
    });
  }
}
