#!/usr/bin/env node
/**
 * `npm run bench:query`: loads synthetic events into a local D1 (`wrangler dev`: workerd and the
 * SQLite D1 runs on; rows written by a bulk loader), builds the rollups through the cron's refresh,
 * then runs the dashboard's standard 30-day view with the planner and with forced raw plans,
 * printing p50/p95 latency and D1 rows_read per query and per view.
 *
 *   npm run bench:query -- [--events 1000000] [--runs 10] [--raw-runs 3]     (10M: --events 10000000)
 *   --state DIR keeps the loaded database in DIR and reuses it on the next run (same --events)
 *   --days D loads the first D of the 30 days only, at the daily rate of --events a month
 *   --window MINUTES the arrivals one incremental run applies (default 5: the cron's interval)
 *   --port P the local server's port (default 8797; another to run beside a bench already running)
 *   --reports-only skips the views and behaviour reports: the vitals and errors reports and the
 *     incremental run only (a by-page raw plan of the standard view can take minutes at 1M events)
 *   --only retention: the retention reports (both plans) and the incremental run only (a loaded machine)
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { build } from 'esbuild';
import { bulkLoad, findD1File } from './bulk-load.mjs';
import { measureIncremental, printIncremental } from './incremental.mjs';
import { startDevServer } from '../test/helpers/dev-server.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const EVENTS = arg('events', 1_000_000);
const RUNS = arg('runs', 10);
const RAW_RUNS = arg('raw-runs', 3);
const WINDOW_MINUTES = arg('window', 5);
const PORT = arg('port', 8797);
const STATE_DIR = process.argv.includes('--state') ? process.argv[process.argv.indexOf('--state') + 1] : null;
const EVENTS_PER_SESSION = 5.0; // about what the generator averages (with web vitals and errors); loading stops at EVENTS
const PER_DAY = Math.ceil(EVENTS / EVENTS_PER_SESSION / 30);
// --days D loads only the first D days at the same daily rate (the incremental measurement needs today's rate, not 30 days)
const DAYS_LOADED = arg('days', 30);
const REPORTS_ONLY = process.argv.includes('--reports-only');
const ONLY = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : null;

const VIEW = {
  aggregate: { metrics: ['visitors', 'visits', 'pageviews', 'views_per_visit', 'bounce_rate', 'visit_duration'], date_range: '30d' },
  timeseries: { metrics: ['visitors', 'pageviews'], dimensions: ['time:day'], date_range: '30d' },
  'top pages': { metrics: ['visitors', 'pageviews', 'bounce_rate'], dimensions: ['event:page'], date_range: '30d', pagination: { limit: 9 } },
  sources: { metrics: ['visitors', 'bounce_rate'], dimensions: ['visit:source'], date_range: '30d', pagination: { limit: 9 } },
  countries: { metrics: ['visitors', 'percentage'], dimensions: ['visit:country'], date_range: '30d', pagination: { limit: 9 } },
  devices: { metrics: ['visitors', 'percentage'], dimensions: ['visit:device'], date_range: '30d' },
  goals: { metrics: ['visitors', 'events', 'conversion_rate'], dimensions: ['event:goal'], date_range: '30d' },
};
// the behaviour reports (workers/reports/): a 4-step funnel, weekly retention, journeys
// 'funnel, 4 steps' is also a stored funnel (bench/query-worker.ts, FUNNEL_STEPS): its planner answers from the funnel's daily rows
const REPORTS = {
  'funnel, 4 steps': { kind: 'funnel', params: { steps: [['is', 'event:page', ['/']], ['is', 'event:page', ['/docs/1']], ['contains', 'event:page', ['/blog/']], 'g1'], date_range: '30d' } },
  'funnel, 4 steps, 7d window': { kind: 'funnel', params: { steps: [['is', 'event:page', ['/']], ['is', 'event:page', ['/docs/1']], ['contains', 'event:page', ['/blog/']], 'g1'], date_range: '30d', window: '7d' } },
  'retention, weeks': { kind: 'retention', params: { interval: 'week', date_range: ['2026-09-28', '2026-10-31'] } },
  'retention, days': { kind: 'retention', params: { interval: 'day', date_range: '30d' } },
  'retention, 12 weeks': { kind: 'retention', params: { interval: 'week' } },
  'retention, 12 weeks, Google': { kind: 'retention', params: { interval: 'week', filters: [['is', 'visit:source', ['Google']]] } },
  'journeys from entry': { kind: 'journeys', params: { date_range: '30d' } },
  'journeys from /docs/1': { kind: 'journeys', params: { date_range: '30d', start: '/docs/1' } },
};
// the same view with one filter (the dashboard after a click on a source)
const FILTERED = Object.fromEntries(Object.entries(VIEW).map(([k, v]) => [`${k} | source=Google`, { ...v, filters: [['is', 'visit:source', ['Google']]] }]));

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'pulse-bench-query-'));
  // outside `dir`: wrangler watches it
  const keep = STATE_DIR !== null;
  const state = keep ? STATE_DIR : mkdtempSync(join(tmpdir(), 'pulse-bench-query-d1-'));
  if (keep) mkdirSync(state, { recursive: true });
  const loaded = keep && existsSync(join(state, 'loaded.json')) ? JSON.parse(readFileSync(join(state, 'loaded.json'), 'utf8')) : null;
  // bundled into the temp dir first: wrangler dev would restart the Worker when sources change
  await build({ entryPoints: ['bench/query-worker.ts'], bundle: true, format: 'esm', outfile: join(dir, 'worker.js'), target: 'es2022', logLevel: 'error' });
  writeFileSync(join(dir, 'wrangler.toml'), readFileSync('bench/query-wrangler.toml', 'utf8').replace('main = "query-worker.ts"', 'main = "worker.js"'));
  // the synthetic site's generator, for the bulk loader in Node
  await build({ entryPoints: ['bench/query-data.ts'], bundle: true, format: 'esm', platform: 'node', outfile: join(dir, 'data.mjs'), target: 'es2022', logLevel: 'error' });
  const { generate, NOW, SITE, TODAY, TODAY_START } = await import(join(dir, 'data.mjs'));
  const start = () => startDevServer({ config: join(dir, 'wrangler.toml'), port: PORT, persistTo: state, extraArgs: ['--no-bundle'] });
  let server = await start();
  const call = async (path, body) => {
    const res = await fetch(`${server.url}${path}`, { method: 'POST', body: JSON.stringify(body ?? {}) });
    const json = await res.json();
    if (res.status !== 200) throw new Error(`${path}: ${json.error}`);
    return json;
  };
  try {
    let events;
    const migrations = readdirSync('migrations').filter((f) => f.endsWith('.sql')).sort();
    const statementsOf = (files) => files.flatMap((f) => readFileSync(join('migrations', f), 'utf8').split('--> statement-breakpoint').map((s) => s.trim()).filter(Boolean));
    if (loaded) {
      events = loaded.events;
      console.log(`reusing ${events.toLocaleString()} events loaded in ${state}`);
      // migrations that landed after the state was loaded (states before this list had 0000–0008)
      const applied = loaded.migrations ?? migrations.filter((f) => f < '0009');
      const missing = migrations.filter((f) => !applied.includes(f));
      if (missing.length) await call('/migrate', { statements: statementsOf(missing) });
      writeFileSync(join(state, 'loaded.json'), JSON.stringify({ events, migrations }));
    } else {
      await call('/migrate', { statements: statementsOf(migrations) });
      await server.stop(); // the loader writes D1's SQLite file directly; nothing else may hold it

      const t = performance.now();
      const r = bulkLoad(findD1File(state), generate, {
        events: Math.ceil((EVENTS * DAYS_LOADED) / 30), perDay: PER_DAY, onProgress: (n) => process.stdout.write(`\rloading: ${n.toLocaleString()} events`),
      });
      events = r.events;
      console.log(` in ${((performance.now() - t) / 1000).toFixed(1)} s by the bulk loader (${r.sessions.toLocaleString()} sessions, 30 days, site tz Europe/Berlin)`);
      if (keep) writeFileSync(join(state, 'loaded.json'), JSON.stringify({ events, migrations }));
      server = await start();
    }

    let t = performance.now();
    let rollups;
    let runs = 0;
    let rebuilt = 0;
    let rowsRead = 0;
    let rowsWritten = 0;
    do {
      rollups = await call('/refresh'); // one cron run (60 s budget); a backlog drains over runs
      runs++;
      rebuilt += rollups.rebuilt;
      rowsRead += rollups.rowsRead;
      rowsWritten += rollups.rowsWritten;
      process.stdout.write(`\rrollups: ${rollups.pending} site-days pending, ${rollups.funnelsBackfilling} funnels backfilling after ${runs} cron runs`);
    } while (rollups.pending > 0 || rollups.funnelsBackfilling > 0);
    const seconds = (performance.now() - t) / 1000;
    console.log(`\rrollups: ${rebuilt} site-days built in ${seconds.toFixed(1)} s over ${runs} cron runs -> ${rollups.daily.toLocaleString()} daily rows, ${rollups.hourly.toLocaleString()} hourly rows`);
    if (rebuilt) {
      // how a day enters the rollups (backfills, imports, the first run): a rebuild from scratch
      const perDay = { s: seconds / rebuilt, read: rowsRead / rebuilt, written: rowsWritten / rebuilt };
      console.log(`rollup rebuild of one day (${Math.round(events / 30).toLocaleString()} events): ${perDay.s.toFixed(1)} s, ${Math.round(perDay.read).toLocaleString()} rows read, ${Math.round(perDay.written).toLocaleString()} rows written (${(perDay.read / (events / 30)).toFixed(0)} rows read per event of the day)`);
    }

    // a state loaded before journey_daily existed: its days through the journeys writer the rebuild runs
    // and the spans of its quiet days (workers/reports/journeys/spans.ts)
    const jb = { days: 0, spans: 0, ms: 0, rowsRead: 0, rowsWritten: 0, rows: 0, spanRows: 0 };
    const spanCost = { ms: 0, rowsRead: 0, rowsWritten: 0 };
    for (let r = { left: 1 }; r.left > 0;) {
      r = await call('/journeys-backfill');
      for (const k of ['days', 'spans', 'ms', 'rowsRead', 'rowsWritten']) jb[k] += r[k];
      if (r.spans) for (const k of ['ms', 'rowsRead', 'rowsWritten']) spanCost[k] += r[k];
      jb.rows = r.rows;
      jb.spanRows = r.spanRows;
      process.stdout.write(`\rjourneys: ${r.left} days and spans left to build`);
    }
    if (jb.days) {
      console.log(`\rjourneys: ${jb.days} days built -> ${jb.rows.toLocaleString()} journey_daily rows; per day ${Math.round((jb.rowsRead - spanCost.rowsRead) / jb.days).toLocaleString()} rows read, ${Math.round((jb.rowsWritten - spanCost.rowsWritten) / jb.days).toLocaleString()} rows written`);
    }
    if (jb.spans) {
      console.log(`journeys' spans: ${jb.spans} built in ${(spanCost.ms / 1000).toFixed(1)} s -> ${jb.spanRows.toLocaleString()} journey_span_rows; ${spanCost.rowsRead.toLocaleString()} rows read, ${spanCost.rowsWritten.toLocaleString()} rows written (${(spanCost.rowsWritten / events).toFixed(3)} per event loaded)`);
    }

    for (const [title, view] of REPORTS_ONLY || ONLY ? [] : [['standard view', VIEW], ['filtered view', FILTERED]]) {
      console.log(`\n${title}, 30 days, ${events.toLocaleString()} events`);
      console.log(`${'query'.padEnd(28)} ${'planner p50/p95 ms'.padStart(20)} ${'rows read'.padStart(10)} ${'plans'.padStart(14)}   ${'raw p50/p95 ms'.padStart(18)} ${'rows read'.padStart(10)}`);
      const totals = { planner: { rows: 0, runs: [] }, raw: { rows: 0, runs: [] } };
      // --raw-runs 0 skips the raw plan (it takes minutes at 10M events)
      const modes = RAW_RUNS > 0 ? ['planner', 'raw'] : ['planner'];
      for (const mode of modes) {
        const runs = mode === 'raw' ? RAW_RUNS : RUNS;
        for (let i = 0; i < runs; i++) totals[mode].runs.push(0);
      }
      const lines = {};
      const measure = async (mode) => {
        for (const [name, body] of Object.entries(view)) {
          const runs = mode === 'raw' ? RAW_RUNS : RUNS;
          const times = [];
          let last;
          for (let i = 0; i < runs; i++) {
            const s = performance.now();
            last = await call('/query', { body, mode: mode === 'raw' ? 'raw' : 'auto' });
            const ms = performance.now() - s;
            times.push(ms);
            totals[mode].runs[i] += ms;
          }
          totals[mode].rows += last.rowsRead;
          (lines[name] ??= {})[mode] = { p50: pct(times, 50), p95: pct(times, 95), rows: last.rowsRead, trace: [...new Set(last.trace)].join('+') };
        }
      };
      // the planner first, alone and as the dashboard sends it (every panel's query at once), then
      // the raw plan: its scans of millions of rows would leave the planner a cold cache
      await measure('planner');
      const parallel = [];
      for (let i = 0; i < RUNS; i++) {
        const s = performance.now();
        await Promise.all(Object.values(view).map((body) => call('/query', { body, mode: 'auto' })));
        parallel.push(performance.now() - s);
      }
      if (RAW_RUNS > 0) await measure('raw');
      for (const name of Object.keys(view)) {
        const p = lines[name].planner;
        const r = lines[name].raw;
        const raw = r ? [`${r.p50.toFixed(0)} / ${r.p95.toFixed(0)}`, String(r.rows)] : ['-', '-'];
        console.log(`${name.padEnd(28)} ${`${p.p50.toFixed(1)} / ${p.p95.toFixed(1)}`.padStart(20)} ${String(p.rows).padStart(10)} ${p.trace.padStart(14)}   ${raw[0].padStart(18)} ${raw[1].padStart(10)}`);
      }
      const pv = totals.planner;
      const rv = totals.raw;
      const rawView = RAW_RUNS > 0 ? [`${pct(rv.runs, 50).toFixed(0)} / ${pct(rv.runs, 95).toFixed(0)}`, String(rv.rows)] : ['-', '-'];
      console.log(`${'VIEW (sum of queries)'.padEnd(28)} ${`${pct(pv.runs, 50).toFixed(1)} / ${pct(pv.runs, 95).toFixed(1)}`.padStart(20)} ${String(pv.rows).padStart(10)} ${''.padStart(14)}   ${rawView[0].padStart(18)} ${rawView[1].padStart(10)}`);
      if (RAW_RUNS > 0) console.log(`speed-up: ${(pct(rv.runs, 50) / pct(pv.runs, 50)).toFixed(0)}x latency, ${(rv.rows / Math.max(1, pv.rows)).toFixed(0)}x fewer rows read`);
      console.log(`VIEW with the planner, queries in parallel as the dashboard sends them: p50 ${pct(parallel, 50).toFixed(1)} ms, p95 ${pct(parallel, 95).toFixed(1)} ms`);
    }

    // Raw plans (bounded in production, workers/reports/README.md) beside the pre-aggregated plan
    // where it is built (retention); a report without one says so rather than a number.
    console.log(`\nbehaviour reports, ${DAYS_LOADED} days loaded, ${events.toLocaleString()} events`);
    console.log(`${'report'.padEnd(28)} ${'raw p50/p95 ms'.padStart(20)} ${'rows read'.padStart(10)}   ${'pre-aggregated p50/p95 ms'.padStart(26)} ${'rows read'.padStart(10)}  same`);
    const timed = async (runs, body) => {
      const times = [];
      let last;
      for (let i = 0; i < runs; i++) {
        const s = performance.now();
        last = await call('/report', body);
        times.push(performance.now() - s);
      }
      return { times, last };
    };
    for (const [name, report] of Object.entries(REPORTS_ONLY ? {} : REPORTS).filter(([, r]) => !ONLY || r.kind === ONLY)) {
      // --raw-runs 0: the pre-aggregated plan only (a raw journeys scan can outlast the client's 5 minutes on a loaded machine)
      const raw = RAW_RUNS > 0 || report.kind !== 'journeys' ? await timed(Math.max(1, RAW_RUNS), { ...report, plan: 'raw' }) : null;
      // the session-window funnel and journeys from the entry page go through their planners
      // (a stored funnel with these steps: query-worker.ts); a start page's journeys stay raw
      const planned = (report.kind === 'funnel' && !report.params.window) || (report.kind === 'journeys' && !report.params.start);
      const pre = report.kind === 'retention' || planned ? await timed(RUNS, { ...report, plan: planned ? undefined : 'pre-aggregated' }) : null;
      const answerOf = (a) => JSON.stringify(report.kind === 'funnel' ? a.steps.map((s) => [s.visitors, s.dropoff])
        : report.kind === 'retention' ? a.cohorts : [a.paths, a.transitions, a.meta.sessions]);
      const medians = planned && report.kind === 'funnel' && raw ? `  medians ${pre.last.answer.steps.map((s) => s.median_seconds).join('/')} vs ${raw.last.answer.steps.map((s) => s.median_seconds).join('/')}` : '';
      const preCols = pre
        ? `${`${pct(pre.times, 50).toFixed(0)} / ${pct(pre.times, 95).toFixed(0)}`.padStart(26)} ${String(pre.last.rowsRead).padStart(10)}  ${!raw ? '-' : answerOf(pre.last.answer) === answerOf(raw.last.answer) ? 'yes' : 'NO'}${medians}${planned ? `, plan ${pre.last.answer.meta.plan}` : ''}`
        : `${'not built'.padStart(26)}`;
      if (!raw && !pre) continue;
      const rawCols = raw ? `${`${pct(raw.times, 50).toFixed(0)} / ${pct(raw.times, 95).toFixed(0)}`.padStart(20)} ${String(raw.last.rowsRead).padStart(10)}` : `${'-'.padStart(20)} ${'-'.padStart(10)}`;
      console.log(`${name.padEnd(28)} ${rawCols}   ${preCols}`);
    }

    // the vitals and errors reports (workers/reports/), 30 days, as their routes run them
    console.log(`\nreports, 30 days, ${events.toLocaleString()} events`);
    console.log(`${'report'.padEnd(34)} ${'p50/p95 ms'.padStart(16)} ${'rows read'.padStart(10)} ${'rows'.padStart(6)}  method`);
    for (const [name, report, query] of ONLY ? [] : [
      ['vitals by page', 'vitals', 'period=30d&dimension=event:page'],
      ['vitals by device + timeseries', 'vitals', 'period=30d&dimension=visit:device&include=timeseries'],
      ['errors (top groups)', 'errors', 'period=30d'],
    ]) {
      const times = [];
      let last;
      for (let i = 0; i < RUNS; i++) {
        const s = performance.now();
        last = await call('/perf-report', { report, query });
        times.push(performance.now() - s);
      }
      console.log(`${name.padEnd(34)} ${`${pct(times, 50).toFixed(1)} / ${pct(times, 95).toFixed(1)}`.padStart(16)} ${String(last.rowsRead).padStart(10)} ${String(last.rows).padStart(6)}  ${last.trace.join('+')}`);
    }

    printIncremental(await measureIncremental({
      file: findD1File(state), stop: () => server.stop(), start: async () => { server = await start(); }, refresh: (body) => call('/refresh', body),
      generate, perDay: PER_DAY, site: SITE, now: NOW, todayStart: TODAY_START, today: TODAY, windowMs: WINDOW_MINUTES * 60_000,
    }));
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
    if (!keep) rmSync(state, { recursive: true, force: true });
  }
}

await main();
