/**
 * Moving a site between D1 databases while its events keep arriving through the real collector,
 * SiteDO, Queue and consumer: afterwards every accepted event is in the new database exactly
 * once, none is left in the old one, and the Stats API and the rollups answer the same numbers.
 */
import { env, runDurableObjectAlarm } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { adminToken, call, makeKey, ok, uniqueDomain } from '../../test/helpers/api';
import { siteStub } from '../../test/helpers/fixtures';
import { pageview } from '../../test/helpers/faults';
import { refreshRollups } from '../rollups/refresh';
import { databaseOf, forgetSitePlacement, siteDb } from '../lib/site-db';
import { startMove, stepMove, type MoveOptions, type MoveState } from './move';
import { SITE_DATA_TABLES } from './tables';
import { runQuery } from '../query/run-query';

const FAST: MoveOptions = { settleMs: 0, chunk: 5, chunksPerStep: 3 };

const count = (db: D1Database, table: string, site: string) =>
  db.prepare(`SELECT count(*) AS n FROM ${table} WHERE site_id = ?`).bind(site).first<number>('n').then((n) => n ?? 0);

async function waitFor(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function siteWithTraffic(database: string) {
  const site = uniqueDomain('mover');
  await ok(call('/api/v1/sites', { token: adminToken(), body: { domain: site, database } }), 201);
  const { token } = await makeKey([site], 'events:write');
  let sent = 0;
  /** `n` pageviews from 4 visitors, flushed to the Queue (the consumer writes them when it runs) */
  const send = async (n: number) => {
    const events = Array.from({ length: n }, (_, i) => pageview(site, `/m${(sent + i) % 7}`, { ip: `198.51.100.${(sent + i) % 4}` }));
    sent += n;
    expect((await call('/api/event', { token, body: events })).status).toBe(202);
    await runDurableObjectAlarm(siteStub(site));
  };
  return { site, send, sent: () => sent };
}

const pageviews = async (site: string) =>
  (await ok<{ results: { metrics: number[] }[] }>(call('/api/v2/query', { token: adminToken(), body: { site_id: site, metrics: ['visitors', 'pageviews'], date_range: 'day' } })))
    .results[0]!.metrics;

/** Steps the move to its end, sending `perStep` events before every step. */
async function moveWhileSending(site: string, to: string, send: (n: number) => Promise<void>, perStep: number, options = FAST): Promise<MoveState> {
  let state = await startMove(env, site, to, Date.now(), options);
  const phases = new Set<string>([state.phase]);
  for (let i = 0; state.phase !== 'done'; i++) {
    if (i > 200) throw new Error(`move stuck in ${state.phase}`);
    await send(perStep);
    state = await stepMove(env, site, Date.now(), options);
    phases.add(state.phase);
  }
  expect([...phases]).toEqual(expect.arrayContaining(['copy', 'verify', 'draining', 'done']));
  return state;
}

describe('moving a site between D1 databases', () => {
  it('copies, verifies, switches and cleans up while events keep arriving, losing and doubling none', async () => {
    const { site, send, sent } = await siteWithTraffic('DB');
    await send(40);
    await waitFor(async () => (await count(env.DB, 'events', site)) === 40);
    await refreshRollups(env, Date.now() + 120_000, undefined, undefined, [site]);
    const rollupRows = await count(env.DB, 'rollup_daily', site);
    expect(rollupRows).toBeGreaterThan(0);

    const state = await moveWhileSending(site, 'DB_2', send, 3, { ...FAST, chunk: 10, chunksPerStep: 4 });
    const db2 = env.DB_2!;
    await waitFor(async () => (await count(db2, 'events', site)) === sent());
    // every event once, in the new database only; what the verify pass counted is there
    expect(await db2.prepare('SELECT count(DISTINCT id) AS n FROM events WHERE site_id = ?').bind(site).first('n')).toBe(sent());
    expect(state.tables.events!.rows).toBeGreaterThanOrEqual(40);
    expect(state.tables.events!.checksum).toMatch(/^[0-9a-f]{8}$/);
    for (const table of SITE_DATA_TABLES) expect(await count(env.DB, table, site)).toBe(0);
    expect(await count(db2, 'rollup_daily', site)).toBe(rollupRows);
    forgetSitePlacement(site);
    expect(await siteDb(env, site)).toBe(db2);
    expect(await env.DB.prepare('SELECT 1 FROM sites WHERE id = ?').bind(site).first()).not.toBeNull(); // the site itself stays

    // the read path reads the new database: 4 visitors, every pageview (raw: this test's refresh
    // ran at a future time, so its watermark is ahead of the events sent during the move)
    const raw = await runQuery(await siteDb(env, site), site, { site_id: site, metrics: ['visitors', 'pageviews'], date_range: 'day' }, Date.now(), { mode: 'raw' });
    expect(raw.results[0]!.metrics).toEqual([4, sent()]);
  }, 90_000);

  it('writes what arrives after the verify pass went past it to both databases, so the switch loses none of it', async () => {
    const { site, send, sent } = await siteWithTraffic('DB');
    await send(10);
    await waitFor(async () => (await count(env.DB, 'events', site)) === 10);
    let state = await startMove(env, site, 'DB_2', Date.now(), FAST);
    // step until the verify pass is past events and sessions but the directory has not switched
    while (!(state.phase === 'verify' && state.table > SITE_DATA_TABLES.indexOf('events'))) state = await stepMove(env, site, Date.now(), FAST);
    await send(6);
    await waitFor(async () => (await count(env.DB, 'events', site)) === 16);
    while (state.phase !== 'done') state = await stepMove(env, site, Date.now(), FAST);
    // the old copy is gone: the six late events are in DB_2 only because the consumer wrote them there too
    await waitFor(async () => (await count(env.DB_2!, 'events', site)) === sent());
    expect(await count(env.DB, 'events', site)).toBe(0);
    expect(await pageviews(site)).toEqual([4, 16]);
  }, 60_000);

  it('costs, for a quiet site, one write per row and index entry copied and one per row deleted', async () => {
    const { site, send } = await siteWithTraffic('DB');
    await send(10); // 10 pageviews, 4 visitors: 10 events, 4 sessions, no rollups yet
    await waitFor(async () => (await count(env.DB, 'events', site)) === 10);
    const arrivals = await count(env.DB, 'arrivals', site); // one per minute and side the rows arrived in
    let state = await startMove(env, site, 'DB_3', Date.now(), FAST);
    while (state.phase !== 'done') state = await stepMove(env, site, Date.now(), FAST);
    // an insert writes the row and one entry per index (a text primary key of a rowid table has one
    // too; a WITHOUT ROWID table's key is the row itself); the verify pass writes nothing; a delete
    // is one row each (measured rules, the preamble's list)
    const entries = async (table: string) => {
      const clustered = /WITHOUT ROWID/i.test((await env.DB_3!.prepare('SELECT sql FROM sqlite_master WHERE name = ?').bind(table).first<string>('sql')) ?? '');
      const indexes = await env.DB_3!.prepare('SELECT count(*) AS n FROM pragma_index_list(?) WHERE NOT (?2 AND origin = \'pk\')').bind(table, clustered ? 1 : 0).first<number>('n');
      return 1 + (indexes ?? 0);
    };
    const copied = 10 * (await entries('events')) + 4 * (await entries('sessions')) + arrivals * (await entries('arrivals')) + 1 * (await entries('rollup_runs')); // the move's own run lock
    expect(state.tables.events).toMatchObject({ copied: 10, rows: 10, repaired: 0 });
    expect(state.tables.sessions).toMatchObject({ copied: 4, rows: 4, repaired: 0 });
    expect(state.deleted).toBe(10 + 4 + arrivals + 1);
    expect(state.cost.rowsWritten).toBe(copied + 10 + 4 + arrivals + 1);
  });

  it('moves on from a second database to a third, taking the mirror of the site along', async () => {
    const { site, send, sent } = await siteWithTraffic('DB_2');
    await send(12);
    await waitFor(async () => (await count(env.DB_2!, 'events', site)) === 12);
    await moveWhileSending(site, 'DB_3', send, 2);
    await waitFor(async () => (await count(env.DB_3!, 'events', site)) === sent());
    expect(await count(env.DB_2!, 'events', site)).toBe(0);
    expect(await env.DB_2!.prepare('SELECT 1 FROM sites WHERE id = ?').bind(site).first()).toBeNull();
    expect(await env.DB_3!.prepare('SELECT id FROM sites WHERE id = ?').bind(site).first('id')).toBe(site);
    // the Stats API reads the new database, and the rollups built there count every moved event
    expect(await pageviews(site)).toEqual([4, sent()]);
    await refreshRollups(env, Date.now() + 120_000, undefined, undefined, [site]);
    expect(await count(env.DB_3!, 'rollup_daily', site)).toBeGreaterThan(0);
    const byPage = await ok<{ results: { metrics: number[] }[] }>(
      call('/api/v2/query', { token: adminToken(), body: { site_id: site, metrics: ['pageviews'], date_range: 'day', dimensions: ['event:page'] } }),
    );
    expect(byPage.results.reduce((sum, r) => sum + r.metrics[0]!, 0)).toBe(sent());
    expect(await pageviews(site)).toEqual([4, sent()]);
  }, 60_000);

  it('refuses what would change copied rows while a move runs, and a second move', async () => {
    const { site } = await siteWithTraffic('DB');
    await startMove(env, site, 'DB_3', Date.now(), FAST);
    for (const [path, init] of [
      [`/api/v1/sites/${site}/visitors/alice`, { method: 'DELETE' }],
      [`/api/v1/sites/${site}`, { method: 'DELETE' }],
      [`/api/v1/sites/${site}/goals`, { body: { event_name: 'Signup' } }],
      [`/api/v1/sites/${site}/move`, { body: { to: 'DB_2' } }],
    ] as const) {
      const res = await call(path, { token: adminToken(), ...init });
      expect(res.status, path).toBe(409);
      expect(await res.json()).toMatchObject({ code: 'site_moving' });
    }
    let state = await stepMove(env, site, Date.now(), FAST);
    while (state.phase !== 'done') state = await stepMove(env, site, Date.now(), FAST);
    expect(await siteDb(env, site)).toBe(databaseOf(env, 'DB_3'));
    const late = await call(`/api/v1/sites/${site}/move`, { token: adminToken(), method: 'DELETE' });
    expect(late.status).toBe(409); // nothing to abort after the switch
  });

  it('aborts a move before its switch: writes go home alone, and a later move makes the target equal', async () => {
    const { site, send, sent } = await siteWithTraffic('DB');
    await send(8);
    await waitFor(async () => (await count(env.DB, 'events', site)) === 8);
    let state = await startMove(env, site, 'DB_2', Date.now(), FAST);
    while (state.phase !== 'verify') state = await stepMove(env, site, Date.now(), FAST);
    expect((await ok<{ move: { phase: string } }>(call(`/api/v1/sites/${site}/move`, { token: adminToken(), method: 'DELETE' }))).move.phase).toBe('aborted');
    forgetSitePlacement(site);
    expect(await siteDb(env, site)).toBe(env.DB);
    await send(3);
    await waitFor(async () => (await count(env.DB, 'events', site)) === 11);
    expect(await count(env.DB_2!, 'events', site)).toBe(8); // the aborted copy's leftovers
    // rows that left the home meanwhile (as retention would delete them) must not come back
    const removed = (await env.DB.prepare("DELETE FROM events WHERE site_id = ? AND pathname = '/m0'").bind(site).run()).meta.changes;
    expect(removed).toBe(2);
    const state2 = await moveWhileSending(site, 'DB_2', send, 1);
    await waitFor(async () => (await count(env.DB_2!, 'events', site)) === sent() - removed);
    expect(await count(env.DB_2!, 'events', site)).toBe(sent() - removed);
    expect(state2.tables.events!.copied).toBeGreaterThanOrEqual(removed);
    expect(await count(env.DB, 'events', site)).toBe(0);
  }, 60_000);

  it('is served to the operator only, over the management API', async () => {
    const { site } = await siteWithTraffic('DB');
    const { token } = await makeKey([site], 'sites:admin');
    expect((await call(`/api/v1/sites/${site}/move`, { token, body: { to: 'DB_2' } })).status).toBe(403);
    expect((await call(`/api/v1/sites/${site}/move`, { token: adminToken(), body: { to: 'DB_7' } })).status).toBe(400);
    const started = await ok<{ move: { phase: string; wait_ms: number } }>(call(`/api/v1/sites/${site}/move`, { token: adminToken(), body: { to: 'DB_2' } }), 202);
    expect(started.move).toMatchObject({ phase: 'settling', from: 'DB', to: 'DB_2' });
    expect(started.move.wait_ms).toBeGreaterThan(30_000); // every isolate's cached placement must see the move first
    const status = await ok<{ database: string; moving_to: string }>(call(`/api/v1/sites/${site}/move`, { token: adminToken() }));
    expect(status).toMatchObject({ database: 'DB', moving_to: 'DB_2' });
    const step = await ok<{ move: { phase: string } }>(call(`/api/v1/sites/${site}/move/step`, { token: adminToken(), method: 'POST' }));
    expect(step.move.phase).toBe('settling');
  });
});
