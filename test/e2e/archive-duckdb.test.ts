/**
 * The R2 archive as a user reads it: events of several days and visitors go through the real
 * Worker (`wrangler dev`: collector, SiteDO, Queue, consumer), the site's objects are copied out
 * of the local R2 and queried with DuckDB over `read_parquet(…, hive_partitioning = true)`, the
 * query the README gives. Every count must equal D1's, and the numbers sent (hand-computed).
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sleep } from '../../sdk/test/harness';
import { copyArchive, countArchived } from '../helpers/archive-files.mjs';
import { startTestWorker, type TestWorker } from './worker-harness';

const SITE = 'duckdb.example';
const PREFIX = `raw/v1/site=${SITE}/`;
const DAY_MS = 86_400_000;
const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
/** three UTC days before today, at 10:00: day k has 3 + k anonymous visitors and alice (uid) */
const DAYS = [3, 2, 1].map((ago) => today - ago * DAY_MS + 10 * 3_600_000);
const dayOf = (ts: number) => new Date(ts).toISOString().slice(0, 10);

type Event = Record<string, unknown>;

/** What each day sends: 2 pageviews per anonymous visitor, a Signup (plan), two Purchases (EUR, USD), alice's pageview. */
function dayTraffic(k: number): Event[] {
  const t0 = DAYS[k]!;
  const events: Event[] = [];
  const base = (path: string, ts: number, who: { ip?: string; uid?: string }) => ({ name: 'pageview', url: `https://${SITE}${path}`, domain: SITE, ua: UA, ts, ip: who.ip ?? '198.51.100.200', ...(who.uid ? { uid: who.uid } : {}) });
  for (let v = 0; v < 3 + k; v++) {
    const ip = `203.0.113.${10 * k + v}`;
    events.push(base('/', t0 + v * 1000, { ip }), base('/pricing', t0 + v * 1000 + 60_000, { ip }));
    if (v === 0) events.push({ ...base('/signup', t0 + 120_000, { ip }), name: 'Signup', props: { plan: k === 1 ? 'pro' : 'free' } });
    if (v === 1) events.push({ ...base('/checkout', t0 + 121_000, { ip }), name: 'Purchase', revenue: { amount: 10 + k, currency: 'EUR' } });
  }
  events.push(base('/', t0 + 200_000, { uid: 'alice' }), { ...base('/checkout', t0 + 201_000, { uid: 'alice' }), name: 'Purchase', revenue: { amount: 5, currency: 'USD' } });
  return events;
}

const SENT = [0, 1, 2].flatMap(dayTraffic);

let worker: TestWorker;
let dir: string;
let duck: DuckDBConnection;

beforeAll(async () => {
  worker = await startTestWorker();
  dir = mkdtempSync(join(tmpdir(), 'pulse-duckdb-'));
  await worker.admin('POST', '/api/v1/sites', { domain: SITE, timezone: 'UTC' });
  const key = await worker.admin('POST', '/api/v1/keys', { sites: [SITE], scope: 'events:write', expires_in_days: 1 });
  const res = await fetch(`${worker.url}/api/event`, { method: 'POST', headers: { authorization: `Bearer ${key.token}`, 'content-type': 'application/json' }, body: JSON.stringify(SENT) });
  expect(res.status).toBe(202);
  expect(res.headers.get('x-pulse-dropped')).toBeNull();
  // D1 and the archive both catch up (the consumer writes D1 first, then R2)
  for (let i = 0; i < 240; i++) {
    const [{ n }] = await worker.query<{ n: number }>('SELECT count(*) AS n FROM events WHERE site_id = ?', SITE);
    if (n >= SENT.length && (await countArchived(worker.archive, PREFIX)).events >= SENT.length) break;
    await sleep(250);
  }
  await copyArchive(worker.archive, PREFIX, dir);
  duck = await (await DuckDBInstance.create(':memory:')).connect();
}, 180_000);

afterAll(async () => {
  duck?.closeSync();
  await worker?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** DuckDB over the copied archive, as the README's query: `events` is the whole site's history. */
async function duckdb<T>(select: string): Promise<T[]> {
  const sql = `WITH events AS (SELECT * FROM read_parquet('${dir}/raw/v1/**/*.parquet', hive_partitioning = true)) ${select}`;
  return (await duck.runAndReadAll(sql)).getRowObjectsJson() as T[];
}

const d1 = <T>(sql: string) => worker.query<T>(sql, SITE);
const D1_DAY = "strftime('%Y-%m-%d', ts / 1000, 'unixepoch')";

it('reads the archive in DuckDB with the counts D1 has, and the ones sent', async () => {
  const [total] = await duckdb<{ n: number; sites: string; files: number }>(
    `SELECT count(*)::INT AS n, string_agg(DISTINCT site) AS sites, count(DISTINCT filename)::INT AS files
       FROM read_parquet('${dir}/raw/v1/**/*.parquet', hive_partitioning = true, filename = true)`,
  );
  const [d1Total] = await d1<{ n: number }>('SELECT count(*) AS n FROM events WHERE site_id = ?');
  expect(total).toMatchObject({ n: SENT.length, sites: SITE });
  expect(d1Total!.n).toBe(SENT.length);
  expect(SENT.length).toBe(10 + 12 + 14);
  // one object per consumer call and day, never one per event
  expect(total!.files).toBeLessThan(SENT.length / 4);

  const perDay = await duckdb<{ day: string; pageviews: number; visitors: number; events: number }>(
    "SELECT dt::VARCHAR AS day, count(*) FILTER (name = 'pageview')::INT AS pageviews, count(DISTINCT visitor_id)::INT AS visitors, count(*)::INT AS events FROM events GROUP BY dt ORDER BY dt",
  );
  const d1PerDay = await d1(
    `SELECT ${D1_DAY} AS day, count(*) FILTER (WHERE name = 'pageview') AS pageviews, count(DISTINCT visitor_id) AS visitors, count(*) AS events FROM events WHERE site_id = ? GROUP BY day ORDER BY day`,
  );
  expect(perDay).toEqual(d1PerDay);
  // hand-computed: 2 pageviews per anonymous visitor + alice's; 3 + k anonymous visitors + alice
  expect(perDay).toEqual([
    { day: dayOf(DAYS[0]!), pageviews: 7, visitors: 4, events: 10 },
    { day: dayOf(DAYS[1]!), pageviews: 9, visitors: 5, events: 12 },
    { day: dayOf(DAYS[2]!), pageviews: 11, visitors: 6, events: 14 },
  ]);
  // the partition day is the event's UTC day
  expect(await duckdb("SELECT count(*)::INT AS n FROM events WHERE dt <> ts::DATE")).toEqual([{ n: 0 }]);
});

it('has the props and revenue columns D1 has', async () => {
  const plans = await duckdb("SELECT props->>'plan' AS plan, count(*)::INT AS n FROM events WHERE name = 'Signup' GROUP BY plan ORDER BY plan");
  const d1Plans = await d1("SELECT json_extract(props, '$.plan') AS plan, count(*) AS n FROM events WHERE site_id = ? AND name = 'Signup' GROUP BY plan ORDER BY plan");
  expect(plans).toEqual(d1Plans);
  expect(plans).toEqual([{ plan: 'free', n: 2 }, { plan: 'pro', n: 1 }]);

  const revenue = await duckdb('SELECT revenue_currency AS currency, sum(revenue_amount)::DOUBLE AS total, count(*)::INT AS n FROM events WHERE revenue_amount IS NOT NULL GROUP BY 1 ORDER BY 1');
  const d1Revenue = await d1('SELECT revenue_currency AS currency, sum(revenue_amount) AS total, count(*) AS n FROM events WHERE site_id = ? AND revenue_amount IS NOT NULL GROUP BY 1 ORDER BY 1');
  expect(revenue).toEqual(d1Revenue);
  expect(revenue).toEqual([{ currency: 'EUR', total: 33, n: 3 }, { currency: 'USD', total: 15, n: 3 }]);

  // alice is identified (her uid's keyed hash) on all three days; nothing else identifies anyone
  expect(await duckdb('SELECT count(DISTINCT visitor_id)::INT AS n, count(*)::INT AS events FROM events WHERE identified')).toEqual([{ n: 1, events: 6 }]);
  const columns = (await duckdb<{ column_name: string }>('SELECT column_name FROM (DESCRIBE SELECT * FROM events)')).map((c) => c.column_name);
  expect(columns.filter((c) => /ip|ua|uid|user_agent/.test(c))).toEqual([]);
  expect(columns).toEqual(expect.arrayContaining(['id', 'ts', 'visitor_id', 'session_id', 'props', 'revenue_amount', 'revenue_currency', 'site', 'dt']));
});
