import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildRandom, NOW, TZ } from '../../test/helpers/random-site';
import { Fixture } from '../../test/helpers/query-fixtures';
import { refreshRollups } from '../rollups/refresh';
import { forgetVisitorInRollups } from '../rollups/erase';
import { applyRetention } from '../cron/retention';
import { runQuery } from '../query/run-query';
import { QueryDb } from '../query/db';

/**
 * Since migration 0013 events and sessions carry no index on `inserted_at`, `session_id` or
 * `name`, and events none on `(site_id, ts)` besides their key: every statement the raw plan,
 * the rollups (rebuild, delta, erase) and retention run must still reach them by a key or an
 * index. This runs each of them on a small site, records every statement, and asks SQLite for
 * its plan: a full scan of a raw table (`SCAN events`, with or without a covering index) fails.
 */
const SITE = 'plans.db.test';
const RAW_TABLES = ['events', 'sessions', 'arrivals'];

type Recorded = { sql: string; params: unknown[] };

/** env.DB, recording every statement it prepares and binds. */
function recording(log: Recorded[]): D1Database {
  return new Proxy(env.DB, {
    get(target, key) {
      if (key !== 'prepare') return Reflect.get(target, key).bind(target);
      return (sql: string) => {
        const statement = target.prepare(sql);
        return new Proxy(statement, {
          get(st, k) {
            if (k === 'bind') return (...params: unknown[]) => (log.push({ sql, params }), st.bind(...params));
            return Reflect.get(st, k).bind(st);
          },
        });
      };
    },
  });
}

/** The aliases a statement gives the raw tables (`FROM events e`, `JOIN sessions c`, …). */
function rawAliases(sql: string): Set<string> {
  const aliases = new Set<string>();
  for (const m of sql.matchAll(/\b(?:FROM|JOIN|UPDATE|INTO)\s+(events|sessions|arrivals)\b(?:\s+(?:AS\s+)?(?!WHERE|ON|JOIN|SET|GROUP|ORDER|LIMIT|USING|INDEXED|UNION|AND)([a-z]\w*))?/gi)) {
    aliases.add(m[1]!);
    if (m[2]) aliases.add(m[2]);
  }
  return aliases;
}

/**
 * Statements that may walk a site's key, and why: they stop at the first row (an existence test,
 * `min(ts)` is a seek to the key's first entry), or run once per site (a site's first refresh
 * reads where all its rows are, as the rebuild of every day that follows reads them all anyway).
 */
const WALKS_ALLOWED = [
  'SELECT 1 FROM events WHERE site_id = ?1 LIMIT 1',
  'SELECT min(ts) AS t FROM events WHERE site_id = ?1',
  'SELECT DISTINCT ts / ?2 AS b FROM events WHERE site_id = ?1 UNION SELECT start / ?2 FROM sessions WHERE site_id = ?1',
];

async function fullScans(statements: Recorded[]): Promise<string[]> {
  const found: string[] = [];
  for (const { sql, params } of statements) {
    if (WALKS_ALLOWED.includes(sql)) continue;
    const aliases = rawAliases(sql);
    if (![...aliases].some((a) => RAW_TABLES.includes(a))) continue;
    const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`).bind(...params).all<{ detail: string }>();
    // `SCAN e` of a subquery named like a table alias (`FROM (SELECT … FROM events e …) e`) reads the subquery's rows
    const subqueries = new Set(results.flatMap(({ detail }) => /^(?:CO-ROUTINE|MATERIALIZE) (\w+)/.exec(detail)?.[1] ?? []));
    for (const { detail } of results) {
      const scanned = /^SCAN (\w+)/.exec(detail)?.[1];
      // a key used for its first column only (`site_id=?`) walks the site's whole table
      const siteOnly = /^SEARCH (\w+) USING (?:PRIMARY KEY|(?:COVERING )?INDEX \w+) \(site_id=\?\)$/.exec(detail)?.[1];
      if ((scanned && aliases.has(scanned) && !subqueries.has(scanned)) || (siteOnly && aliases.has(siteOnly))) found.push(`${detail}  <-  ${sql.slice(0, 160)}`);
    }
  }
  return found;
}

describe('raw tables are read by key or index (EXPLAIN QUERY PLAN)', () => {
  const log: Recorded[] = [];
  const d1 = recording(log);

  beforeAll(async () => {
    await buildRandom(11, NOW - 86_400_000, SITE).insert(env.DB);
    await refreshRollups({ ...env, DB: d1 }, NOW, undefined, new QueryDb(d1), [SITE]); // first run: rebuilds every day
    // later arrivals for today and yesterday: the next run applies them incrementally
    const later = new Fixture(SITE, TZ);
    later.visit({ visitor: 1, identified: true, at: '2024-04-03T18:00:00Z' }, [{ path: '/pricing' }, { name: 'Signup', path: '/pricing', after: 60 }], NOW + 1_000);
    later.visit({ visitor: 77, at: '2024-04-02T21:30:00Z' }, [{ path: '/docs' }], NOW + 1_000);
    await later.insert(env.DB);
    await refreshRollups({ ...env, DB: d1 }, NOW + 5 * 60_000, undefined, new QueryDb(d1), [SITE]);
  });

  it('in the refresh (rebuild and delta)', async () => {
    // the second run applied a delta: its events side and its raw row count went through arrivals
    expect(log.some((s) => s.sql.includes('e0.visitor_id IN (SELECT n.visitor_id FROM (SELECT DISTINCT bucket FROM arrivals'))).toBe(true);
    expect(await fullScans(log.splice(0))).toEqual([]);
  });

  it('in raw plans, with the filters that reach across events and sessions', async () => {
    const bodies = [
      { metrics: ['visitors', 'visits', 'pageviews', 'bounce_rate', 'visit_duration'], date_range: ['2024-03-30', '2024-04-02'] },
      { metrics: ['visitors', 'events'], dimensions: ['event:page'], date_range: ['2024-03-30', '2024-04-02'], filters: [['is', 'visit:source', ['Google']]] },
      { metrics: ['visitors', 'visits'], dimensions: ['visit:entry_page'], date_range: ['2024-03-30', '2024-04-02'], filters: [['is', 'event:page', ['/pricing']]] },
      { metrics: ['visitors', 'events', 'conversion_rate'], dimensions: ['event:goal'], date_range: ['2024-03-30', '2024-04-02'] },
      { metrics: ['visitors'], dimensions: ['visit:exit_page'], date_range: ['2024-03-30', '2024-04-02'], filters: [['has_done', ['is', 'event:name', ['Signup']]]] },
      { metrics: ['pageviews'], filters: [['is', 'visit:entry_page', ['/docs']]], date_range: ['2024-03-30', '2024-04-02'] },
      { metrics: ['visitors'], date_range: 'all' },
    ];
    for (const body of bodies) await runQuery(d1, SITE, { site_id: SITE, ...body }, NOW, { mode: 'raw' });
    expect(await fullScans(log.splice(0))).toEqual([]);
  });

  it('in an erasure and in retention', async () => {
    await forgetVisitorInRollups(d1, SITE, 1, NOW + 10 * 60_000);
    await applyRetention(d1, env.ARCHIVE, SITE, 3, NOW);
    expect(log.some((s) => s.sql.startsWith('DELETE FROM "events"'))).toBe(true);
    expect(await fullScans(log.splice(0))).toEqual([]);
  });
});
