/**
 * Three sites, one in each of the three local D1 databases (DB, DB_2, DB_3), through the real
 * collector, SiteDO, Queue and consumer: each site's rows land in its own database only, and the
 * Stats API, the rollups, erasure and delete each work on the right one, side by side.
 */
import { env, runDurableObjectAlarm } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { adminToken, call, makeKey, ok, uniqueDomain } from '../../test/helpers/api';
import { siteStub } from '../../test/helpers/fixtures';
import { pageview } from '../../test/helpers/faults';
import { refreshRollups } from '../rollups/refresh';
import { runErasureJobs } from '../cron/erasures';
import { ERASURE_GRACE_MS } from '../api/erase';
import { dataBindings, databaseOf, forgetSitePlacement, siteDb, sitePlacement } from './site-db';
import { writeMirror } from './site-mirror';
import { writeMessage } from '../consumer/handle-queue';
import { collected } from '../../test/helpers/fixtures';
import { queueMessage, sessionWith, storedEvent } from '../../test/helpers/write-path';

const BINDINGS = ['DB', 'DB_2', 'DB_3'] as const;

const count = (db: D1Database, table: string, site: string) =>
  db.prepare(`SELECT count(*) AS n FROM ${table} WHERE site_id = ?`).bind(site).first<number>('n').then((n) => n ?? 0);

async function createOn(binding: string, label: string): Promise<{ site: string; token: string }> {
  const site = uniqueDomain(label);
  await ok(call('/api/v1/sites', { token: adminToken(), body: { domain: site, database: binding } }), 201);
  const { token } = await makeKey([site], 'events:write');
  return { site, token };
}

/** Sends `n` pageviews by `visitors` visitors, then flushes the SiteDO and waits for the consumer. */
async function ingest(site: string, token: string, n: number, visitors: number, uid?: string): Promise<void> {
  const events = Array.from({ length: n }, (_, i) => pageview(site, `/p${i % 3}`, { ip: `198.51.100.${i % visitors}`, ...(uid ? { uid } : {}) }));
  const res = await call('/api/event', { token, body: events });
  expect(res.status).toBe(202);
  await runDurableObjectAlarm(siteStub(site));
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

const aggregate = (site: string, extra: Record<string, unknown> = {}) =>
  ok<{ results: { metrics: number[] }[] }>(call('/api/v2/query', { token: adminToken(), body: { site_id: site, metrics: ['visitors', 'pageviews'], date_range: 'day', ...extra } }));

describe('sites spread across three D1 databases', () => {
  it('finds the data bindings by prefix, DB first', () => {
    expect(dataBindings(env)).toEqual(BINDINGS);
    expect(() => databaseOf(env, 'DB_9')).toThrow('no D1 database bound as DB_9');
  });

  it('ingests, queries, rolls up, erases and deletes each site in its own database', async () => {
    const sites = await Promise.all(BINDINGS.map((b, i) => createOn(b, `spread${i + 1}`)));
    // site i gets (i+1)*2 pageviews from i+1 visitors
    await Promise.all(sites.map(({ site, token }, i) => ingest(site, token, (i + 1) * 2, i + 1)));
    for (const [i, { site }] of sites.entries()) {
      const home = databaseOf(env, BINDINGS[i]!);
      await waitFor(async () => (await count(home, 'events', site)) === (i + 1) * 2);
      expect(await siteDb(env, site)).toBe(home);
      for (const other of BINDINGS.filter((b) => b !== BINDINGS[i])) expect(await count(databaseOf(env, other), 'events', site)).toBe(0);
    }
    // the primary keeps the site itself and the directory; the site's database a mirror of its row
    const directory = await env.DB.prepare('SELECT site_id, binding FROM site_databases WHERE site_id IN (?, ?, ?) ORDER BY binding')
      .bind(...sites.map((s) => s.site))
      .all<{ site_id: string; binding: string }>();
    expect(directory.results).toEqual([{ site_id: sites[1]!.site, binding: 'DB_2' }, { site_id: sites[2]!.site, binding: 'DB_3' }]);
    expect(await env.DB_2!.prepare('SELECT id FROM sites WHERE id = ?').bind(sites[1]!.site).first('id')).toBe(sites[1]!.site);

    // the Stats API answers each site's own numbers: raw first, then from the rollups
    for (const [i, { site }] of sites.entries()) expect((await aggregate(site)).results[0]!.metrics).toEqual([i + 1, (i + 1) * 2]);
    await refreshRollups(env, Date.now() + 120_000, undefined, undefined, sites.map((s) => s.site));
    for (const [i, { site }] of sites.entries()) {
      expect(await count(databaseOf(env, BINDINGS[i]!), 'rollup_daily', site)).toBeGreaterThan(0);
      if (i > 0) expect(await count(env.DB, 'rollup_daily', site)).toBe(0);
      expect((await aggregate(site, { dimensions: ['event:page'] })).results.map((r) => r.metrics[1]).reduce((a, b) => a + b, 0)).toBe((i + 1) * 2);
    }

    // erasure on DB_2: the rows and the tombstone are in DB_2, the archive job finds it there
    const erased = sites[1]!;
    await ingest(erased.site, erased.token, 3, 1, 'alice');
    const db2 = env.DB_2!;
    await waitFor(async () => (await count(db2, 'events', erased.site)) === 7);
    const job = await ok<{ id: string; events_deleted: number }>(call(`/api/v1/sites/${erased.site}/visitors/alice`, { method: 'DELETE', token: adminToken() }), 202);
    expect(job.events_deleted).toBe(3);
    expect(await count(db2, 'events', erased.site)).toBe(4);
    expect(await count(db2, 'erasures', erased.site)).toBe(1);
    expect(await count(env.DB, 'erasures', erased.site)).toBe(0);
    const status = () => ok<{ status: string }>(call(`/api/v1/sites/${erased.site}/erasures/${job.id}`, { token: adminToken() }));
    for (let i = 0; i < 50 && (await status()).status !== 'done'; i++) await runErasureJobs(env, Date.now() + ERASURE_GRACE_MS + 1_000);
    expect((await status()).status).toBe('done');
    expect((await aggregate(erased.site)).results[0]!.metrics).toEqual([2, 4]);

    // deleting the DB_3 site empties DB_3 of it (mirror included) and leaves the others alone
    const gone = sites[2]!;
    const res = await ok<{ rows_deleted: Record<string, number> }>(call(`/api/v1/sites/${gone.site}`, { method: 'DELETE', token: adminToken() }));
    expect(res.rows_deleted).toMatchObject({ events: 6, site_databases: 1 });
    for (const table of ['events', 'sessions', 'rollup_daily', 'rollup_state']) expect(await count(env.DB_3!, table, gone.site)).toBe(0);
    expect(await env.DB_3!.prepare('SELECT 1 FROM sites WHERE id = ?').bind(gone.site).first()).toBeNull();
    forgetSitePlacement(gone.site);
    expect(await siteDb(env, gone.site)).toBe(env.DB);
    expect((await aggregate(sites[0]!.site)).results[0]!.metrics).toEqual([1, 2]);
    expect((await aggregate(erased.site)).results[0]!.metrics).toEqual([2, 4]);
  }, 60_000);

  it('writes where the directory says even from an isolate whose cached placement is stale', async () => {
    const message = (site: string, n: number) => {
      const event = collected(site, { ts: Date.now() });
      const session = sessionWith(null, event, { sessionId: `s-${site}-${n}`, site, visitorId: 1000 + n, identified: false })!;
      return queueMessage(site, `b-${site}-${n}`, [storedEvent(event, session, `e-${site}-${n}`)], [session]);
    };
    // cached: the site in DB; then another isolate re-places it in DB_2 (directory row and mirror)
    const site = uniqueDomain('stale');
    await ok(call('/api/v1/sites', { token: adminToken(), body: { domain: site } }), 201);
    forgetSitePlacement(site);
    expect((await sitePlacement(env, site)).binding).toBe('DB');
    await writeMirror(env.DB_2!, (await env.DB.prepare('SELECT * FROM sites WHERE id = ?').bind(site).first())!);
    await env.DB.prepare("INSERT INTO site_databases (site_id, binding, updated_at) VALUES (?, 'DB_2', ?)").bind(site, Date.now()).run();
    await writeMessage(env, message(site, 1), Date.now());
    expect([await count(env.DB, 'events', site), await count(env.DB_2!, 'events', site)]).toEqual([0, 1]);
    // and back: cached DB_2, but the site is in DB again and DB_2's mirror is gone
    await env.DB.prepare('DELETE FROM site_databases WHERE site_id = ?').bind(site).run();
    await env.DB_2!.prepare('DELETE FROM sites WHERE id = ?').bind(site).run();
    await writeMessage(env, message(site, 2), Date.now());
    expect([await count(env.DB, 'events', site), await count(env.DB_2!, 'events', site)]).toEqual([1, 1]);
  });

  it('lets only the operator choose a database, and only a bound one', async () => {
    const bad = await call('/api/v1/sites', { token: adminToken(), body: { domain: uniqueDomain('nodb'), database: 'DB_9' } });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'invalid_database' });
    const junk = await call('/api/v1/sites', { token: adminToken(), body: { domain: uniqueDomain('nodb'), database: 'main; drop' } });
    expect(junk.status).toBe(400);
  });
});
