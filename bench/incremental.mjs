/**
 * What the 5-minute cron pays to keep today current, measured on the bench's loaded site: today's
 * traffic up to 5 minutes before NOW arrives and is refreshed (today enters the rollups by a
 * rebuild from scratch — what every run paid before the incremental refresh), then the next 5
 * minutes arrive (new events, new sessions, and the sessions they extend as newer versions) and
 * one refresh applies them incrementally. Rows are written straight into D1's SQLite file, like
 * the bulk loader; today's rows of an earlier measurement are removed first.
 */
import { DatabaseSync } from 'node:sqlite';
import { inserter } from './bulk-load.mjs';


/** What the consumer writes with rows (workers/db/schema.ts, `arrivals`): the refresh finds them through it. */
function insertArrivals(db, site, insertedAt, events, sessions) {
  const insert = db.prepare('INSERT OR IGNORE INTO arrivals (site_id, minute, side, bucket) VALUES (?, ?, ?, ?)');
  for (const [side, times] of [['e', events.map((e) => e.ts)], ['s', sessions.map((s) => s.start)]]) {
    for (const b of new Set(times.map((t) => Math.floor(t / 900_000)))) insert.run(site, Math.floor(insertedAt / 60_000), side, b);
  }
}

function insertAll(db, table, rows) {
  if (rows.length === 0) return;
  const insert = inserter(db, table, rows[0], 'INSERT OR REPLACE');
  db.exec('BEGIN');
  for (const r of rows) insert(r);
  db.exec('COMMIT');
}

/** Today's sessions (started before NOW) as events and session rows. */
function todaysTraffic(generate, perDay, now) {
  const { events, sessions } = generate(0, perDay, perDay, true);
  return { events: events.filter((e) => e.ts <= now), sessions: sessions.filter((s) => s.start <= now) };
}

/**
 * @param {object} o
 * @param {string} o.file D1's SQLite file (no wrangler dev may hold it while this writes)
 * @param {() => Promise<void>} o.stop stops wrangler dev; `o.start` starts it again
 * @param {(body: object) => Promise<object>} o.refresh one cron run at `body.now`
 */
export async function measureIncremental({ file, stop, start, refresh, generate, perDay, site, now, todayStart, today, windowMs = 5 * 60_000 }) {
  await stop();
  const db = new DatabaseSync(file);
  // the run starts from the watermark a freshly loaded state has (its refresh at `now`): a state
  // kept from earlier measurements would otherwise run later each time, until the window's
  // sessions are older than the journeys' settling half hour and every one is written at once
  // (today's rows, which any later watermark could have counted, are removed below)
  db.prepare('UPDATE rollup_state SET watermark = min(watermark, ?2) WHERE site_id = ?1').run(site, now - 60_000);
  const clock = now + 120_000;
  for (const sql of ['DELETE FROM events WHERE site_id = ?1 AND ts >= ?2', 'DELETE FROM sessions WHERE site_id = ?1 AND start >= ?2']) db.prepare(sql).run(site, todayStart);
  for (const t of ['rollup_daily', 'rollup_pairs', 'rollup_hourly', 'rollup_ledger', 'vitals_daily', 'errors_daily', 'journey_daily']) db.prepare(`DELETE FROM ${t} WHERE site_id = ? AND day = ?`).run(site, today);
  db.prepare("UPDATE rollup_state SET ledger_days = (SELECT coalesce(json_group_array(value), '[]') FROM json_each(ledger_days) WHERE value != ?2) WHERE site_id = ?1").run(site, today);

  const traffic = todaysTraffic(generate, perDay, now);
  const cut = now - windowMs;
  const morning = { events: traffic.events.filter((e) => e.ts <= cut), sessions: traffic.sessions.filter((s) => s.start <= cut) };
  insertAll(db, 'events', morning.events.map((e) => ({ ...e, inserted_at: clock })));
  insertAll(db, 'sessions', morning.sessions.map((s) => ({ ...s, inserted_at: clock })));
  insertArrivals(db, site, clock, morning.events, morning.sessions);
  db.close();
  await start();
  // the watermark (the run's time less a minute) lands a minute past the morning's arrivals, as a
  // run minutes after them would: its minute, which a run reads again, holds none of them
  const rebuild = await refresh({ now: clock + 121_000 });

  await stop();
  const db2 = new DatabaseSync(file);
  const arrived = clock + 180_000;
  const windowEvents = traffic.events.filter((e) => e.ts > cut);
  const extended = new Set(windowEvents.map((e) => e.session_id));
  // sessions that began in the window, and the morning's sessions the window's events extend (a newer version)
  const touched = traffic.sessions.filter((s) => s.start > cut || extended.has(s.id)).map((s) => ({ ...s, version: s.start > cut ? 1 : 2, inserted_at: arrived }));
  insertAll(db2, 'events', windowEvents.map((e) => ({ ...e, inserted_at: arrived })));
  insertAll(db2, 'sessions', touched);
  insertArrivals(db2, site, arrived, windowEvents, touched);
  db2.close();
  await start();
  const incremental = await refresh({ now: arrived + 61_000 });
  return {
    todayEvents: morning.events.length,
    windowEvents: windowEvents.length,
    windowReportEvents: windowEvents.filter((e) => e.name === 'web-vital' || e.name === 'error').length,
    touchedSessions: touched.length,
    windowMinutes: windowMs / 60_000,
    rebuild,
    incremental,
  };
}

/** The lines `npm run bench:query` prints for it. */
export function printIncremental(r) {
  const line = (label, run) => `${label}: ${(run.ms / 1000).toFixed(2)} s, ${run.rowsRead.toLocaleString()} rows read, ${run.rowsWritten.toLocaleString()} rows written`;
  console.log(`\nkeeping today current (${r.todayEvents.toLocaleString()} events of today so far, then ${r.windowEvents.toLocaleString()} events and ${r.touchedSessions.toLocaleString()} sessions in the next ${r.windowMinutes} minutes)`);
  // the rebuild also writes today's session ledger, which the rebuild-every-run refresh never kept
  const before = { ms: r.rebuild.ms, rowsRead: r.rebuild.rowsRead - r.rebuild.ledgerRead, rowsWritten: r.rebuild.rowsWritten - r.rebuild.ledgerWritten };
  console.log(line('  rebuild of today from scratch, without its ledger (what every 5-minute run paid before)', before));
  console.log(line(`  incremental refresh of the ${String(r.windowMinutes).padEnd(3)} minutes (what a run pays now)                        `, r.incremental));
  console.log(`  per run: ${(before.rowsRead / Math.max(1, r.incremental.rowsRead)).toFixed(0)}x fewer rows read, ${(before.rowsWritten / Math.max(1, r.incremental.rowsWritten)).toFixed(0)}x fewer rows written; `
    + `per event of the window: ${(r.incremental.rowsRead / Math.max(1, r.windowEvents)).toFixed(0)} rows read, ${(r.incremental.rowsWritten / Math.max(1, r.windowEvents)).toFixed(1)} written`);
  const reportEvents = r.windowReportEvents;
  console.log(`  of which the vitals and errors pre-aggregates: ${r.incremental.reportRead.toLocaleString()} rows read, ${r.incremental.reportWritten.toLocaleString()} rows written `
    + `(${(r.incremental.reportWritten / Math.max(1, r.windowEvents)).toFixed(2)} per event of the window, ${(r.incremental.reportWritten / Math.max(1, reportEvents)).toFixed(2)} per web-vital or error event)`);
  console.log(`  of which the retention pre-aggregates (behaviour_visitor_days, _first): ${r.incremental.retentionRead.toLocaleString()} rows read, `
    + `${r.incremental.retentionWritten.toLocaleString()} rows written (${(r.incremental.retentionWritten / Math.max(1, r.windowEvents)).toFixed(3)} per event of the window)`);
  console.log(`  of which the stored funnel's rows (funnel_daily, 1 funnel of 4 steps): ${r.incremental.funnelRead.toLocaleString()} rows read, `
    + `${r.incremental.funnelWritten.toLocaleString()} rows written (${(r.incremental.funnelWritten / Math.max(1, r.windowEvents)).toFixed(4)} per event of the window)`);
  console.log(`  of which the journeys pre-aggregate (journey_daily, recomputed touched days written as a difference): ${r.incremental.journeysRead.toLocaleString()} rows read, `
    + `${r.incremental.journeysWritten.toLocaleString()} rows written (${(r.incremental.journeysWritten / Math.max(1, r.windowEvents)).toFixed(3)} per event of the window)`);
  console.log(`    of it the spans' upkeep (journey_span_rows, for the days that changed): ${r.incremental.spansRead.toLocaleString()} rows read, ${r.incremental.spansWritten.toLocaleString()} rows written`);
  console.log('  costliest statements of the incremental run (rows read / written):');
  for (const c of r.incremental.costliest) console.log(`    ${String(c.rowsRead).padStart(9)} / ${String(c.rowsWritten).padStart(6)}  ${c.sql}`);
}
