/**
 * The Worker behind `npm run bench:query` (bundled by bench/query.mjs, run in Miniflare with a local
 * D1). It generates synthetic traffic inside workerd (so a million rows never cross HTTP), refreshes
 * the rollups, and runs queries with a chosen plan, reporting D1 rows read.
 */
import { QueryDb } from '../workers/query/db';
import { insertRows } from '../workers/query/fixtures';
import { refreshRollups } from '../workers/query/refresh-rollups';
import { runQuery } from '../workers/query/run-query';
import type { Env } from '../workers/env';

const SITE = 'bench.example';
const TZ = 'Europe/Berlin';
/** 30 days of data end the day before NOW (local), so `30d` covers exactly the data. */
const NOW = Date.parse('2026-10-31T11:00:00Z');
const FIRST_DAY = Date.parse('2026-09-30T22:00:00Z'); // 2026-10-01 00:00 Berlin (CEST)
const DAYS = 30;

const PAGES = Array.from({ length: 300 }, (_, i) => (i === 0 ? '/' : i < 20 ? `/docs/${i}` : `/blog/post-${i}`));
const SOURCES: [string, string, string | null][] = [
  ['Direct / None', 'Direct', null], ['Google', 'Organic Search', 'https://www.google.com/'],
  ['Bing', 'Organic Search', 'https://www.bing.com/'], ['DuckDuckGo', 'Organic Search', 'https://duckduckgo.com/'],
  ['Twitter', 'Organic Social', 'https://t.co/'], ['Reddit', 'Organic Social', 'https://www.reddit.com/'],
  ['Hacker News', 'Referral', 'https://news.ycombinator.com/'], ['GitHub', 'Referral', 'https://github.com/'],
  ['Newsletter', 'Email', null], ['LinkedIn', 'Organic Social', 'https://www.linkedin.com/'],
];
const COUNTRIES: [string, string, string][] = [
  ['US', 'US-CA', 'San Francisco'], ['US', 'US-NY', 'New York'], ['DE', 'DE-BE', 'Berlin'], ['GB', 'GB-ENG', 'London'],
  ['FR', 'FR-IDF', 'Paris'], ['IN', 'IN-KA', 'Bengaluru'], ['BR', 'BR-SP', 'São Paulo'], ['JP', 'JP-13', 'Tokyo'],
  ['CA', 'CA-ON', 'Toronto'], ['NL', 'NL-NH', 'Amsterdam'], ['ES', 'ES-MD', 'Madrid'], ['PL', 'PL-14', 'Warsaw'],
];
const DEVICES: [string, string, string][] = [
  ['Desktop', 'Chrome', 'Windows'], ['Desktop', 'Chrome', 'Mac'], ['Desktop', 'Firefox', 'Windows'],
  ['Desktop', 'Safari', 'Mac'], ['Mobile', 'Safari', 'iOS'], ['Mobile', 'Chrome', 'Android'], ['Tablet', 'Safari', 'iOS'],
];

function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Zipf-ish pick: low indexes are much more likely. */
const skewed = <T>(rnd: () => number, xs: readonly T[]): T => xs[Math.floor(xs.length * rnd() ** 2.5)]!;

type Row = Record<string, string | number | null>;

/** Sessions [from, from + count): deterministic, ~3.2 events each. */
function generate(from: number, count: number, sessionsPerDay: number): { events: Row[]; sessions: Row[] } {
  const events: Row[] = [];
  const sessions: Row[] = [];
  for (let k = from; k < from + count; k++) {
    const rnd = prng(k * 2654435761);
    const day = Math.floor(k / sessionsPerDay) % DAYS;
    const hourShape = (rnd() + rnd() + rnd()) / 3; // bell-shaped over the day
    const start = FIRST_DAY + day * 86_400_000 + Math.floor(hourShape * 86_400_000);
    const identified = rnd() < 0.1 ? 1 : 0;
    const visitor = identified ? 1 + Math.floor(rnd() * 3000) : day * 1_000_000 + Math.floor(rnd() * sessionsPerDay * 0.7);
    const [source, channel, referrer] = skewed(rnd, SOURCES);
    const [country, region, city] = skewed(rnd, COUNTRIES);
    const [device, browser, os] = skewed(rnd, DEVICES);
    const attribution = {
      referrer, source, channel, utm_source: source === 'Newsletter' ? 'newsletter' : null, utm_medium: source === 'Newsletter' ? 'email' : null,
      utm_campaign: source === 'Newsletter' ? `issue-${day % 4}` : null, utm_content: null, utm_term: null,
      device, browser, browser_version: '120', os, os_version: '14', country, region, city,
    };
    const id = `bs${k}`;
    let ts = start;
    const pageviews = 1 + Math.floor(-Math.log(1 - rnd() * 0.999) * 1.3);
    const paths: string[] = [];
    let n = 0;
    let interactive = 0;
    const push = (name: string, path: string, extra: Row = {}) => {
      events.push({
        id: `${id}-${n++}`, site_id: SITE, ts, visitor_id: visitor, session_id: id, identified, name, hostname: SITE, pathname: path,
        props: '{}', revenue_amount: null, revenue_currency: null, interactive: 1, scroll_depth: null, engaged_ms: null,
        ...attribution, inserted_at: 1, ...extra,
      });
    };
    for (let p = 0; p < pageviews; p++) {
      if (p) ts += Math.floor(rnd() * 240_000);
      const path = skewed(rnd, PAGES);
      paths.push(path);
      push('pageview', path);
      if (rnd() < 0.35) push('engagement', path, { scroll_depth: Math.floor(rnd() * 100), engaged_ms: Math.floor(rnd() * 60_000) });
    }
    const end = ts;
    if (rnd() < 0.04) {
      ts += 5000;
      push('Signup', paths.at(-1)!, { props: JSON.stringify({ plan: rnd() < 0.3 ? 'pro' : 'free' }) });
      interactive++;
    }
    const counted = n - events.slice(-n).filter((e) => e.name === 'engagement').length;
    sessions.push({
      id, site_id: SITE, visitor_id: visitor, identified, version: 1, start, end: ts, duration: Math.round((Math.max(end, ts) - start) / 1000),
      pageviews, events: counted, interactive_events: interactive, is_bounce: pageviews < 2 && interactive === 0 ? 1 : 0,
      entry_page: paths[0]!, exit_page: paths.at(-1)!, hostname: SITE, ...attribution, inserted_at: 1,
    });
  }
  return { events, sessions };
}

async function json(request: Request): Promise<Record<string, unknown>> {
  return (await request.json()) as Record<string, unknown>;
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    try {
      if (url.pathname === '/migrate') {
        for (const sql of (await json(request)).statements as string[]) await env.DB.prepare(sql).run();
        await env.DB.prepare("INSERT OR REPLACE INTO sites (id, timezone, settings, uid_secret, created_at) VALUES (?1, ?2, '{}', 'x', ?3)").bind(SITE, TZ, FIRST_DAY).run();
        await env.DB.prepare("INSERT OR REPLACE INTO goals (id, site_id, kind, event_name, page_path, display_name, created_at) VALUES ('g1', ?1, 'event', 'Signup', NULL, 'Signup', 0), ('g2', ?1, 'page', NULL, '/pricing', 'Visit /pricing', 0)").bind(SITE).run();
        return Response.json({ ok: true });
      }
      if (url.pathname === '/load') {
        const { from, count, perDay } = (await json(request)) as { from: number; count: number; perDay: number };
        const { events, sessions } = generate(from, count, perDay);
        for (let i = 0; i < events.length; i += 5000) await insertRows(env.DB, 'events', events.slice(i, i + 5000));
        for (let i = 0; i < sessions.length; i += 5000) await insertRows(env.DB, 'sessions', sessions.slice(i, i + 5000));
        return Response.json({ events: events.length, sessions: sessions.length });
      }
      if (url.pathname === '/refresh') {
        // the cron's own budget per run; the bench calls again while days are pending
        const run = await refreshRollups(env, NOW, 60_000);
        const r = await env.DB.prepare('SELECT (SELECT count(*) FROM rollup_daily) AS daily, (SELECT count(*) FROM rollup_hourly) AS hourly').first();
        return Response.json({ ...run, ...r });
      }
      if (url.pathname === '/query') {
        const { body, mode } = (await json(request)) as { body: Record<string, unknown>; mode: 'auto' | 'raw' };
        const db = new QueryDb(env.DB);
        const trace: ('rollup' | 'raw')[] = [];
        const res = await runQuery(env.DB, SITE, { site_id: SITE, ...body }, NOW, { mode, maxRawRows: Infinity, trace }, db);
        return Response.json({ rowsRead: db.rowsRead, statements: db.statements, trace, rows: res.results.length, first: res.results[0] });
      }
      return new Response('not found', { status: 404 });
    } catch (e) {
      return Response.json({ error: (e as Error).stack ?? String(e) }, { status: 500 });
    }
  },
};
