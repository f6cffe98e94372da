#!/usr/bin/env node
// @ts-check
/**
 * `npm run bench:scale`: how Pulse scales from 100 to 100,000 events per second, on paper, fed by
 * what `npm run bench:cost` counted per event (bench/results/cost.json; run that first). For
 * each rate: SiteDO shards, Queue messages, queues and consumer concurrency, D1 databases (by write
 * rate and by size over the raw window), Worker CPU, which Cloudflare limit is hit first, and the
 * monthly bill at list prices.
 *
 * What is counted comes from the bench's highest rate (the most events per flush). What depends on
 * batching is recomputed for the rate: a shard flushes at most once a second, so at scale its
 * flushes are full (96 KB messages) and alarms, messages, archive objects and Queue operations per
 * event fall; everything else (rows written per event, per request) is taken as measured.
 *
 *   npm run bench:scale -- [--raw-days 395] [--d1-rows-per-s 20000] [--keyed-share 0.1]
 *
 * Knobs the model does not measure, stated as assumptions (change them with the flags):
 * - a DO takes ~1,000 requests/s, a queue ~5,000 messages/s with up to 250 concurrent consumer
 *   calls, one D1 database holds 10 GB (Cloudflare's documented limits);
 * - one D1 database sustains `--d1-rows-per-s` rows written per second (a single SQLite writer;
 *   D1 publishes no number: 20,000 is an assumption, not a measurement);
 * - the events of one site (the worst case: one site takes the whole rate; many sites only spread
 *   it thinner); 10 % of events come keyed (server-side, `uid`) through one key.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HOURLY_RUNS_PER_MONTH, MONTH_MS, PLAN_USD, PRICES, ROLLUP_RUNS_PER_MONTH } from './cost/pricing.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return Number(i > 0 ? process.argv[i + 1] : fallback);
};
const RAW_DAYS = arg('raw-days', 395);
const D1_ROWS_PER_S = arg('d1-rows-per-s', 20_000);
const KEYED_SHARE = arg('keyed-share', 0.1);
const RATES = [100, 1_000, 10_000, 100_000];
/** one visit in ten of bench:cost's traffic is identified, so sent with a key (bench/cost/traffic.ts) */
const MEASURED_KEYED_SHARE = 0.1;

const LIMITS = { doRequestsPerS: 1_000, queueMessagesPerS: 5_000, consumerConcurrency: 250, d1Bytes: 10e9 };
const MESSAGE_BYTES = 96_000; // the outbox packs messages up to this (durable-objects/site-do/outbox.ts)
const FLUSH_EVERY_S = 1;
const CONSUMER_BATCH = 50;
/** a consumer call writes its messages one D1 transaction each; taken as ~1 s per call of 50 */
const CONSUMER_CALL_S = 1;

let cost;
try {
  cost = JSON.parse(readFileSync(join(ROOT, 'bench', 'results', 'cost.json'), 'utf8'));
} catch {
  console.error('bench/results/cost.json is missing: run `npm run bench:cost` first');
  process.exit(1);
}
const base = cost.rates.at(-1);
const per = base.perEvent;
const run = base.run;
const sitePerEvent = (stage, pick) => (run.usage[stage] ? pick(run.usage[stage]) : 0) / run.counts.accepted;
const siteDoCallsPerEvent = sitePerEvent('collect', (u) => u.doRequests.SITE_DO ?? 0);
const limiterCallsPerEvent = sitePerEvent('collect', (u) => u.doRequests.RATE_LIMITER ?? 0);
const measuredAlarmsPerEvent = run.counts.alarms / run.counts.accepted;
const measuredMessagesPerEvent = 1 / base.eventsPerMessage;

const f = (n, d = 0) => n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const usd = (n) => `$${f(n, 0)}`;

function model(rate) {
  const eventsPerMonth = rate * (MONTH_MS / 1000);
  const shards = Math.max(1, Math.ceil((rate * siteDoCallsPerEvent) / LIMITS.doRequestsPerS));
  const perShard = rate / shards;
  const eventsPerFlush = perShard * FLUSH_EVERY_S;
  const alarmsPerEvent = Math.min(measuredAlarmsPerEvent, 1 / eventsPerFlush);
  const messagesPerEvent = Math.min(measuredMessagesPerEvent, Math.max(base.messageBytes / base.eventsPerMessage / MESSAGE_BYTES, 1 / eventsPerFlush));
  const messagesPerS = rate * messagesPerEvent;
  const messageBytes = (base.messageBytes / base.eventsPerMessage) / messagesPerEvent;
  const queueOpsPerEvent = messagesPerEvent * 3 * Math.ceil(messageBytes / 65_536);
  const queues = Math.max(1, Math.ceil(messagesPerS / LIMITS.queueMessagesPerS));
  const consumerCallsPerS = messagesPerS / Math.min(CONSUMER_BATCH, Math.max(1, messagesPerS / queues));
  const concurrency = consumerCallsPerS * CONSUMER_CALL_S;
  const d1RowsPerS = rate * per.d1RowsWritten;
  const d1ByWrites = Math.ceil(d1RowsPerS / D1_ROWS_PER_S);
  const d1BySize = Math.ceil((base.d1BytesPerEvent * rate * RAW_DAYS * 86_400) / LIMITS.d1Bytes);
  const limiterPerS = rate * (limiterCallsPerEvent / MEASURED_KEYED_SHARE) * KEYED_SHARE;
  const d1By30Days = Math.ceil((base.d1BytesPerEvent * rate * 30 * 86_400) / LIMITS.d1Bytes);
  const cpuMsPerS = rate * per.workerCpuMs;

  // the month at this rate: counted per event, batching recomputed, plus the fixed cron and views
  const units = {};
  for (const unit of Object.keys(PRICES)) units[unit] = per[unit] * eventsPerMonth + base.fixedPerMonth[unit];
  units.doRequests = eventsPerMonth * (siteDoCallsPerEvent + limiterCallsPerEvent + alarmsPerEvent) + base.fixedPerMonth.doRequests;
  units.workerRequests = eventsPerMonth * (run.counts.requests / run.counts.accepted) + consumerCallsPerS * (MONTH_MS / 1000) + ROLLUP_RUNS_PER_MONTH + HOURLY_RUNS_PER_MONTH;
  units.queueOps = eventsPerMonth * queueOpsPerEvent;
  units.r2ClassA = eventsPerMonth * messagesPerEvent; // one archive object per message
  units.d1StorageGb = (base.d1BytesPerEvent * eventsPerMonth * (RAW_DAYS / 30)) / 1e9;
  units.r2StorageGb = (base.r2BytesPerEvent * eventsPerMonth * (RAW_DAYS / 30)) / 1e9;
  let bill = PLAN_USD;
  const lines = {};
  for (const [unit, [price, included]] of Object.entries(PRICES)) {
    lines[unit] = Math.max(0, units[unit] - included) * price;
    bill += lines[unit];
  }

  // how many times over its limit each one thing would be (one database, one object, one queue)
  const pressure = [
    ['D1 10 GB', (base.d1BytesPerEvent * rate * RAW_DAYS * 86_400) / LIMITS.d1Bytes],
    ['D1 write rate', d1RowsPerS / D1_ROWS_PER_S],
    ['DO 1k req/s (SiteDO)', (rate * siteDoCallsPerEvent) / LIMITS.doRequestsPerS],
    ['DO 1k req/s (key limiter)', limiterPerS / LIMITS.doRequestsPerS],
    ['Queue 5k msg/s', messagesPerS / LIMITS.queueMessagesPerS],
    ['Queue 250 consumers', concurrency / LIMITS.consumerConcurrency],
  ].sort((a, b) => b[1] - a[1]);
  return { rate, eventsPerMonth, shards, eventsPerFlush, messagesPerS, queues, concurrency, d1RowsPerS, d1ByWrites, d1BySize, d1By30Days, limiterPerS, cpuMsPerS, bill, lines, pressure };
}

const rows = RATES.map(model);
const header = ['', ...rows.map((r) => `${f(r.rate)} ev/s`)];
const body = [
  ['events a month', ...rows.map((r) => `${f(r.eventsPerMonth / 1e9, 2)} B`)],
  ['SiteDO shards (settings.shards)', ...rows.map((r) => f(r.shards))],
  ['events per flush (per shard, 1/s)', ...rows.map((r) => f(Math.min(r.eventsPerFlush, 1e9)))],
  ['Queue messages/s', ...rows.map((r) => f(r.messagesPerS))],
  ['queues (5,000 msg/s each)', ...rows.map((r) => f(r.queues))],
  ['consumer calls in flight', ...rows.map((r) => f(r.concurrency, 1))],
  ['D1 rows written/s', ...rows.map((r) => f(r.d1RowsPerS))],
  [`D1 databases by write rate (${f(D1_ROWS_PER_S)} rows/s each)`, ...rows.map((r) => f(r.d1ByWrites))],
  [`D1 databases by size (${RAW_DAYS} days of raw events)`, ...rows.map((r) => f(r.d1BySize))],
  ['D1 databases by size (30 days of raw events)', ...rows.map((r) => f(r.d1By30Days))],
  ['rate limiter DO of the server key, req/s', ...rows.map((r) => f(r.limiterPerS))],
  ['Worker CPU (cores busy, upper bound)', ...rows.map((r) => f(r.cpuMsPerS / 1000, 1))],
  ['limit hit first (× over it, unscaled)', ...rows.map((r) => `${r.pressure[0][0]} ×${f(r.pressure[0][1], 1)}`)],
  ['next', ...rows.map((r) => `${r.pressure[1][0]} ×${f(r.pressure[1][1], 2)}`)],
  ['monthly bill (list prices)', ...rows.map((r) => usd(r.bill))],
  ['  of which DO + D1 rows written', ...rows.map((r) => usd(r.lines.doRowsWritten + r.lines.d1RowsWritten))],
  ['  of which D1 storage', ...rows.map((r) => usd(r.lines.d1StorageGb))],
];
const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => String(b[i]).length)));
const line = (r) => r.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
console.log(`Pulse bench:scale — per-event counts from bench:cost (${cost.measuredAt.slice(0, 10)}, ${f(base.eventsPerMonth / 1e6)}M/month run), one site`);
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const b of body) console.log(line(b));
console.log(`\nper event as counted: ${f(per.doRowsWritten, 2)} DO rows + ${f(per.d1RowsWritten, 2)} D1 rows written, ${f(siteDoCallsPerEvent, 2)} SiteDO calls, ${f(base.d1BytesPerEvent)} B of D1`);
