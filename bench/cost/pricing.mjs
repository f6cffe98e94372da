// @ts-check
/**
 * Cloudflare list prices and the Workers Paid plan's included usage (DESIGN §8b), and the month a
 * bench run implies. Read from the pricing pages on 2026-12-02:
 *   https://developers.cloudflare.com/workers/platform/pricing/      (Workers, $5 plan: 10M requests, 30M CPU-ms)
 *   https://developers.cloudflare.com/durable-objects/platform/pricing/ (requests incl. RPC calls and
 *     alarm invocations, 1M incl.; duration 400k GB-s incl., $12.50/M GB-s; SQLite rows 50M written,
 *     25B read, 5 GB incl.)
 *   https://developers.cloudflare.com/d1/platform/pricing/           (50M written, 25B read, 5 GB incl., $0.75/GB-month)
 *   https://developers.cloudflare.com/queues/platform/pricing/       (1M operations incl.; per 64 KB written, read, deleted)
 *   https://developers.cloudflare.com/r2/pricing/                    (10 GB, 1M Class A, 10M Class B incl.)
 */

export const MONTH_MS = 30 * 86_400_000;
export const ROLLUP_RUNS_PER_MONTH = MONTH_MS / (5 * 60_000); // the */5 cron
export const HOURLY_RUNS_PER_MONTH = MONTH_MS / 3_600_000; // the :17 cron
const GB = 1e9;

/** unit → [$ per unit, included per month] */
export const PRICES = {
  workerRequests: [0.3 / 1e6, 10e6],
  workerCpuMs: [0.02 / 1e6, 30e6],
  doRequests: [0.15 / 1e6, 1e6],
  doDurationGbS: [12.5 / 1e6, 400_000],
  doRowsWritten: [1 / 1e6, 50e6],
  doRowsRead: [0.001 / 1e6, 25e9],
  doStorageGb: [0.2, 5],
  d1RowsWritten: [1 / 1e6, 50e6],
  d1RowsRead: [0.001 / 1e6, 25e9],
  d1StorageGb: [0.75, 5],
  queueOps: [0.4 / 1e6, 1e6],
  r2ClassA: [4.5 / 1e6, 1e6],
  r2ClassB: [0.36 / 1e6, 10e6],
  r2StorageGb: [0.015, 10],
};
export const PLAN_USD = 5;
/** one D1 database's hard size limit */
export const D1_MAX_BYTES = 10 * GB;
/** a DO's memory while it runs, as billed for duration */
const DO_GB = 0.128;
/** messages per consumer call (wrangler.toml max_batch_size) and its wait (max_batch_timeout) */
const CONSUMER_BATCH = 50;
const CONSUMER_WAIT_S = 1;

const sumStage = (usage, stages, pick) => stages.reduce((n, s) => n + (usage[s] ? pick(usage[s]) : 0), 0);
const doCalls = (u) => Object.values(u.doRequests).reduce((a, b) => a + b, 0);

/**
 * A run's usage for a month at `eventsPerMonth`, split into what grows with events (`perEvent`,
 * already × events) and what the crons and dashboard cost whatever the volume (`fixed`).
 * Stages per event: collect, site-do, consumer, rollups (every event goes through a refresh
 * once), retention's final pass (every event is deleted once). Per cron run: erasure (*∕5), the
 * hourly housekeeping (`cron`, `retention` in the window). Per dashboard view: `query` and the
 * rest of the view's usage.
 */
export function monthOf(run, eventsPerMonth, { viewsPerDay = 20 } = {}) {
  const k = eventsPerMonth / run.counts.accepted;
  const u = run.usage;
  const EVENT_STAGES = ['collect', 'site-do', 'consumer', 'rollups'];
  const perRollupRun = ROLLUP_RUNS_PER_MONTH / run.counts.rollupRuns;
  const perHourlyRun = HOURLY_RUNS_PER_MONTH / Math.max(1, run.counts.housekeepingRuns);
  const views = viewsPerDay * 30;
  const viewStages = Object.keys(run.view.usage);
  const pick = (f) => ({
    perEvent: k * sumStage(u, EVENT_STAGES, f) + k * sumStage(run.retention, ['retention'], f),
    fixed: perRollupRun * sumStage(u, ['erasure'], f) + perHourlyRun * sumStage(u, ['cron', 'retention'], f) + views * sumStage(run.view.usage, viewStages, f),
  });

  const messages = k * (u['site-do']?.queue.messages ?? 0);
  const perSecond = messages / (MONTH_MS / 1000);
  const consumerCalls = messages / Math.min(CONSUMER_BATCH, Math.max(1, perSecond * CONSUMER_WAIT_S));
  const requests = k * run.counts.requests;
  const cpuPerCall = cpuMsPerRequest(run); // an upper bound: see bench/cost.mjs
  const cronCalls = ROLLUP_RUNS_PER_MONTH + HOURLY_RUNS_PER_MONTH;
  const alarms = k * run.counts.alarms;
  const doReq = pick(doCalls);

  const perEventBytes = run.storage.d1Bytes / run.counts.accepted;
  const retainedEvents = eventsPerMonth * (run.retentionDays / 30);
  return {
    k,
    consumerCalls,
    units: {
      workerRequests: { perEvent: requests + consumerCalls, fixed: cronCalls + views * run.view.requests },
      workerCpuMs: {
        perEvent: cpuPerCall * (requests + consumerCalls),
        fixed: (run.wall.rollupMs / run.counts.rollupRuns) * ROLLUP_RUNS_PER_MONTH + (run.wall.housekeepingMs / Math.max(1, run.counts.housekeepingRuns)) * HOURLY_RUNS_PER_MONTH,
      },
      doRequests: { perEvent: doReq.perEvent + alarms, fixed: doReq.fixed },
      doDurationGbS: { perEvent: ((doReq.perEvent + alarms) * cpuPerCall * DO_GB) / 1000, fixed: 0 },
      doRowsWritten: pick((s) => s.doSql.rowsWritten),
      doRowsRead: pick((s) => s.doSql.rowsRead),
      doStorageGb: { perEvent: 0, fixed: run.storage.doBytes / GB }, // bounded: realtime window, open sessions, outbox
      d1RowsWritten: pick((s) => s.d1.rowsWritten),
      d1RowsRead: pick((s) => s.d1.rowsRead),
      d1StorageGb: { perEvent: (perEventBytes * retainedEvents) / GB, fixed: 0 },
      queueOps: pick((s) => s.queue.ops),
      r2ClassA: pick((s) => s.r2.classA),
      r2ClassB: pick((s) => s.r2.classB),
      r2StorageGb: { perEvent: ((run.storage.r2Bytes / run.counts.accepted) * retainedEvents) / GB, fixed: 0 },
    },
    d1BytesPerEvent: perEventBytes,
    monthsPerD1: D1_MAX_BYTES / (perEventBytes * eventsPerMonth),
  };
}

/** In-isolate wall time of a collect round trip, less the harness's own (a preflight's). */
export function cpuMsPerRequest(run) {
  const noop = run.wall.noopRequests ? run.wall.noopMs / run.wall.noopRequests : 0;
  return Math.max(0, run.wall.collectMs / run.counts.requests - noop);
}

/** The month's bill: every unit over its included amount at list price, plus the plan. */
export function billOf(month) {
  const lines = {};
  let total = PLAN_USD;
  for (const [unit, [price, included]] of Object.entries(PRICES)) {
    const used = month.units[unit].perEvent + month.units[unit].fixed;
    const usd = Math.max(0, used - included) * price;
    lines[unit] = { used, usd };
    total += usd;
  }
  return { lines, total };
}

/**
 * $ per million events at list price, no plan and no included usage: only what grows with events.
 * Storage is left out (it depends on how long events are kept: `billOf` prices it for the month).
 */
export function marginalPerMillion(month, eventsPerMonth) {
  let usd = 0;
  const byUnit = {};
  for (const [unit, [price]] of Object.entries(PRICES)) {
    if (unit.endsWith('StorageGb')) continue;
    const v = (month.units[unit].perEvent * price * 1e6) / eventsPerMonth;
    byUnit[unit] = v;
    usd += v;
  }
  return { usd, byUnit };
}
