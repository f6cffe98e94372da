#!/usr/bin/env node
// @ts-check
/**
 * `npm run bench:cost`: what one event costs, counted through the real pipeline in workerd. For
 * each rate (events a month, one site, one shard) a fresh workerd runs bench/cost/simulate.ts
 * (through bench/cost/vitest.config.ts): realistic traffic (the demo model) for a virtual window,
 * every alarm and cron at its virtual time, then a dashboard view and a retention pass. The usage
 * meters (workers/lib/usage-meter.ts) count every billed operation by stage; this file prices them
 * (bench/cost/pricing.mjs), prints the table and writes bench/results/cost.json for bench:scale.
 *
 * Windows are short so the whole bench stays within ~5 minutes on a 2-core machine: the count per
 * event does not need a month, only enough flushes, messages and cron runs at the rate's spacing.
 * The 100M window is shorter than one rollup period: its rollup cost comes from the catch-up run
 * after the window, which carries all of the window's events (a real run carries ~11,600), so its
 * per-run part is overstated there.
 *
 *   npm run bench:cost -- [--rates 1e6,1e7,1e8] [--windows 45m,6m,30s] [--views-per-day 20]
 *
 * Worker CPU is not observable in workerd, so it is bounded from above: the in-isolate wall time
 * of each collect round trip (the Worker, the SiteDO's work and its SQLite, on this machine under
 * whatever load it carries) less that of a CORS preflight (the harness's own cost per request),
 * charged to every collect request and every consumer call, plus the wall time of each cron run. DO duration is that same time per DO request at 128 MB.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { billOf, cpuMsPerRequest, marginalPerMillion, monthOf, PRICES } from './cost/pricing.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const duration = (text) => {
  const m = /^(\d+(?:\.\d+)?)(s|m|h)$/.exec(text);
  if (!m) throw new Error(`bad window ${text}: say 30s, 6m or 2h`);
  return Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000 }[m[2]];
};
const RATES = arg('rates', '1e6,1e7,1e8').split(',').map(Number);
const WINDOWS = arg('windows', '45m,6m,30s').split(',').map(duration);
const VIEWS_PER_DAY = Number(arg('views-per-day', '20'));

/** One rate in a fresh workerd; resolves with the simulation's JSON. */
function simulate(eventsPerMonth, windowMs) {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['vitest', 'run', '--config', 'bench/cost/vitest.config.ts'], {
      cwd: ROOT,
      env: { ...process.env, BENCH_EVENTS_PER_MONTH: String(eventsPerMonth), BENCH_WINDOW_MS: String(windowMs), FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.includes('PULSE_COST_RESULT '));
      if (code !== 0 || !line) return reject(new Error(`simulation at ${eventsPerMonth}/month failed (exit ${code}):\n${out.slice(-4000)}`));
      resolve(JSON.parse(line.slice(line.indexOf('PULSE_COST_RESULT ') + 'PULSE_COST_RESULT '.length)));
    });
  });
}

const M = (n) => (n >= 1e6 ? `${n / 1e6}M` : `${n / 1e3}k`);
const f = (n, d = 2) => (Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }) : String(n));
const usd = (n) => `$${f(n, 2)}`;
const human = (ms) => (ms >= 3_600_000 ? `${f(ms / 3_600_000, 1)} h` : ms >= 60_000 ? `${f(ms / 60_000, 1)} min` : `${f(ms / 1000, 0)} s`);

function table(title, header, rows) {
  const widths = header.map((h, i) => Math.max(String(h).length, ...rows.map((r) => String(r[i]).length)));
  const line = (r) => r.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
  console.log(`\n${title}\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const r of rows) console.log(line(r));
}

async function main() {
  const started = Date.now();
  const runs = [];
  for (const [i, rate] of RATES.entries()) {
    const windowMs = WINDOWS[i] ?? WINDOWS.at(-1);
    process.stderr.write(`simulating ${M(rate)} events/month for a virtual ${human(windowMs)}… `);
    const t0 = Date.now();
    const run = await simulate(rate, windowMs);
    process.stderr.write(`${run.counts.accepted} events in ${f((Date.now() - t0) / 1000, 0)} s\n`);
    const month = monthOf(run, rate, { viewsPerDay: VIEWS_PER_DAY });
    runs.push({ rate, run, month, bill: billOf(month), marginal: marginalPerMillion(month, rate) });
  }

  const head = ['', ...runs.map((r) => `${M(r.rate)}/month`)];
  const per = (r, unit) => r.month.units[unit].perEvent / r.rate;
  const stageRow = (label, pickStage) => [label, ...runs.map((r) => f(pickStage(r), 2))];
  const perEventStage = (r, stage, pick) => {
    const src = stage === 'retention' ? r.run.retention : r.run.usage;
    return src[stage] ? (pick(src[stage]) * r.month.k) / r.rate : 0;
  };
  const doCalls = (u) => Object.values(u.doRequests).reduce((a, b) => a + b, 0);

  table('Pulse bench:cost — the real pipeline in workerd, one site, one shard; counted by the usage meters', head, [
    ['virtual window', ...runs.map((r) => human(r.run.virtualMs))],
    ['events accepted', ...runs.map((r) => r.run.counts.accepted)],
    ['events per flush (alarm)', ...runs.map((r) => f(r.run.counts.accepted / r.run.counts.alarms, 1))],
    ['events per Queue message', ...runs.map((r) => f(r.run.counts.accepted / (r.run.usage['site-do']?.queue.messages ?? 1), 1))],
    ['events per rollup run', ...runs.map((r) => f(r.run.counts.accepted / r.run.counts.rollupRuns, 0))],
    ['lost (accepted − in D1)', ...runs.map((r) => r.run.lost)],
    ['missing from R2 archive', ...runs.map((r) => r.run.archiveMissing)],
    ['left in D1 after retention', ...runs.map((r) => r.run.leftAfterRetention)],
  ]);

  table('per event, by stage', head, [
    ['Worker requests (collect + consumer calls)', ...runs.map((r) => f(per(r, 'workerRequests'), 3))],
    ['Worker CPU-ms (upper bound)', ...runs.map((r) => f(per(r, 'workerCpuMs'), 2))],
    ['DO requests: collect → SiteDO', ...runs.map((r) => f(perEventStage(r, 'collect', (u) => u.doRequests.SITE_DO ?? 0), 3))],
    ['DO requests: collect → rate limiter (keyed)', ...runs.map((r) => f(perEventStage(r, 'collect', (u) => u.doRequests.RATE_LIMITER ?? 0), 3))],
    ['DO requests: alarms', ...runs.map((r) => f(r.run.counts.alarms / r.run.counts.accepted, 3))],
    stageRow('DO rows written: SiteDO (setAlarm = 1)', (r) => perEventStage(r, 'site-do', (u) => u.doSql.rowsWritten)),
    stageRow('DO rows read: SiteDO', (r) => perEventStage(r, 'site-do', (u) => u.doSql.rowsRead)),
    stageRow('D1 rows written: consumer', (r) => perEventStage(r, 'consumer', (u) => u.d1.rowsWritten)),
    stageRow('D1 rows written: rollup refresh', (r) => perEventStage(r, 'rollups', (u) => u.d1.rowsWritten)),
    stageRow('D1 rows written: retention delete', (r) => perEventStage(r, 'retention', (u) => u.d1.rowsWritten)),
    stageRow('D1 rows read: collect (site lookups)', (r) => perEventStage(r, 'collect', (u) => u.d1.rowsRead)),
    stageRow('D1 rows read: consumer', (r) => perEventStage(r, 'consumer', (u) => u.d1.rowsRead)),
    stageRow('D1 rows read: rollup refresh', (r) => perEventStage(r, 'rollups', (u) => u.d1.rowsRead)),
    ['billed rows written (DO + D1)', ...runs.map((r) => f(per(r, 'doRowsWritten') + per(r, 'd1RowsWritten'), 2))],
    ['Queue operations (3 per 64 KB message)', ...runs.map((r) => f(per(r, 'queueOps'), 3))],
    ['Queue bytes', ...runs.map((r) => f((r.run.usage['site-do']?.queue.bytes ?? 0) / r.run.counts.accepted, 0))],
    ['R2 Class A (archive puts)', ...runs.map((r) => f(per(r, 'r2ClassA'), 3))],
    ['R2 Class B', ...runs.map((r) => f(per(r, 'r2ClassB'), 3))],
    ['D1 bytes (file growth)', ...runs.map((r) => f(r.month.d1BytesPerEvent, 0))],
    ['R2 bytes (archive objects)', ...runs.map((r) => f(r.run.storage.r2Bytes / r.run.counts.accepted, 0))],
    ['SiteDO database (bytes, whole)', ...runs.map((r) => r.run.storage.doBytes)],
  ]);

  const view = runs[0].run.view;
  const viewUsage = Object.values(view.usage);
  console.log(
    `\ndashboard view (${VIEWS_PER_DAY}/day priced): ${view.requests} Worker requests, ` +
      `${viewUsage.reduce((n, u) => n + u.d1.statements, 0)} D1 statements, ${viewUsage.reduce((n, u) => n + u.d1.rowsRead, 0)} D1 rows read, ` +
      `${viewUsage.reduce((n, u) => n + doCalls(u), 0)} DO requests (1M-rate data; rows read grow with the range held)`,
  );

  table('$ per million events, marginal (list prices, no plan, no included usage; storage apart)', head, [
    ...Object.keys(PRICES)
      .filter((u) => !u.endsWith('StorageGb'))
      .map((unit) => [unit, ...runs.map((r) => f(r.marginal.byUnit[unit], 3))]),
    ['total', ...runs.map((r) => usd(r.marginal.usd))],
  ]);

  table('monthly bill ($5 Workers Paid plan, its included usage, then list prices)', head, [
    ...Object.keys(PRICES).map((unit) => [unit, ...runs.map((r) => `${f(r.bill.lines[unit].used, unit.endsWith('Gb') ? 2 : 0)} → ${usd(r.bill.lines[unit].usd)}`)]),
    ['total', ...runs.map((r) => usd(r.bill.total))],
    [`months of events in one 10 GB D1 database`, ...runs.map((r) => f(r.month.monthsPerD1, 1))],
    [`retention (days, the site's)`, ...runs.map((r) => r.run.retentionDays)],
  ]);

  const results = join(ROOT, 'bench', 'results');
  mkdirSync(results, { recursive: true });
  const json = {
    measuredAt: new Date().toISOString(),
    viewsPerDay: VIEWS_PER_DAY,
    rates: runs.map((r) => ({
      eventsPerMonth: r.rate,
      perEvent: Object.fromEntries(Object.keys(PRICES).map((u) => [u, r.month.units[u].perEvent / r.rate])),
      fixedPerMonth: Object.fromEntries(Object.keys(PRICES).map((u) => [u, r.month.units[u].fixed])),
      eventsPerMessage: r.run.counts.accepted / (r.run.usage['site-do']?.queue.messages ?? 1),
      messageBytes: (r.run.usage['site-do']?.queue.bytes ?? 0) / (r.run.usage['site-do']?.queue.messages ?? 1),
      d1BytesPerEvent: r.month.d1BytesPerEvent,
      r2BytesPerEvent: r.run.storage.r2Bytes / r.run.counts.accepted,
      cpuMsPerRequest: cpuMsPerRequest(r.run),
      marginalPerMillion: r.marginal.usd,
      monthlyBill: r.bill.total,
      lost: r.run.lost,
      run: r.run,
    })),
  };
  writeFileSync(join(results, 'cost.json'), JSON.stringify(json, null, 2));
  console.log(`\nlost: ${runs.reduce((n, r) => n + r.run.lost + r.run.archiveMissing, 0)}   (bench/results/cost.json written; ${f((Date.now() - started) / 1000, 0)} s)`);
  if (runs.some((r) => r.run.lost !== 0 || r.run.archiveMissing !== 0)) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
