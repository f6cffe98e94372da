/**
 * `npm run bench:cost`, the part inside workerd (run by bench/cost.mjs through
 * bench/cost/vitest.config.ts, never by `npm test`). The test, the Worker's handlers and the
 * Durable Objects share one isolate, so the usage meters (workers/lib/usage-meter.ts) are read
 * directly; nothing is counted by table name, so the bench keeps working as the write path changes.
 *
 * One site, one shard, `BENCH_EVENTS_PER_MONTH` events a month for a virtual `BENCH_WINDOW_MS`:
 * the clock (`Date`, faked) jumps from event to event; every event goes through the Worker's fetch
 * (collect → SiteDO), the SiteDO's alarm runs when it is due (a second after the first event it
 * holds, so the rate decides how many events a flush carries), the outbox goes through the real
 * local Queue to the real consumer (D1 + R2), and the crons run at their virtual times: the `*∕5`
 * rollup refresh (after the consumer has caught up, as it has in production by then) and the
 * hourly housekeeping at :17. Then one dashboard view, and one retention pass a retention later
 * (every event is deleted once: its cost belongs to the event). Prints one JSON line.
 */
import { createExecutionContext, createScheduledController, env, runDurableObjectAlarm, runInDurableObject, SELF, waitOnExecutionContext } from 'cloudflare:test';
import { expect, it, vi } from 'vitest';
import worker from '../../workers/index';
import { readUsage, resetUsage } from '../../workers/lib/usage-meter';
import { shardNames } from '../../contract/shards';
import { HOUSEKEEPING_CRON, ROLLUP_CRON } from '../../workers/cron/run-scheduled';
import { benchTraffic, type BenchEvent } from './traffic';
import { dashboardView } from './dashboard-view';
import { archivePrefix } from '../../contract/archive';
import { decodeArchiveObject } from '../../workers/lib/archive-format';

const MINUTE = 60_000;
const DAY = 86_400_000;
const MONTH_MS = 30 * DAY;
const ORIGIN = 'https://pulse.bench';
const SITE = 'cost.bench.example';

const benchEnv = env as unknown as Record<string, string | undefined>;
const EVENTS_PER_MONTH = Number(benchEnv.BENCH_EVENTS_PER_MONTH ?? 1_000_000);
const WINDOW_MS = Number(benchEnv.BENCH_WINDOW_MS ?? 60 * MINUTE);
/**
 * Virtual start: 06:12 UTC (the hourly cron runs at :17, inside even a short window) at least a week ahead of the real clock, so the runtime never fires an
 * alarm set in virtual time on its own (one in the past would fire at once): the bench runs each
 * when it is due.
 */
const START = Math.ceil((Date.now() + 7 * DAY) / DAY) * DAY + 6 * 60 * MINUTE + 12 * MINUTE;

const clock = (at: number) => vi.setSystemTime(at);

async function api<T>(path: string, token: string, body?: unknown, method = body === undefined ? 'GET' : 'POST'): Promise<T> {
  const res = await SELF.fetch(`${ORIGIN}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

async function cron(name: string, scheduledTime: number): Promise<void> {
  clock(scheduledTime);
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron: name, scheduledTime }), env, ctx);
  await waitOnExecutionContext(ctx);
}

const eventsInD1 = async () => (await env.DB.prepare('SELECT count(*) AS n FROM events WHERE site_id = ?').bind(SITE).first<number>('n')) ?? 0;

/** Waits (real time) until the consumer has written every accepted event. */
async function drain(accepted: number, timeoutMs = 60_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while ((await eventsInD1()) < accepted) {
    if (performance.now() > deadline) throw new Error(`consumer behind: ${await eventsInD1()} of ${accepted} events in D1`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function archivedEvents(): Promise<{ events: number; bytes: number; objects: number }> {
  let [events, bytes, objects] = [0, 0, 0];
  let cursor: string | undefined;
  do {
    const page = await env.ARCHIVE.list({ prefix: archivePrefix(SITE), cursor });
    for (const { key, size } of page.objects) {
      // Parquet, or NDJSON from before it: read as the erasure job reads them
      events += (await decodeArchiveObject(key, await (await env.ARCHIVE.get(key))!.arrayBuffer(), SITE)).length;
      bytes += size;
      objects += 1;
    }
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return { events, bytes, objects };
}

const d1Size = async () => ((await env.DB.prepare('SELECT 1').run()).meta as { size_after?: number }).size_after ?? 0;

it('prices an event through the real pipeline', { timeout: 900_000 }, async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  clock(START - 10 * MINUTE);
  const admin = env.PULSE_ADMIN_TOKEN!;
  const site = await api<{ retention_days: number }>('/api/v1/sites', admin, { domain: SITE, timezone: 'UTC' });
  const writer = await api<{ token: string }>('/api/v1/keys', admin, { name: 'server events', sites: [SITE], scope: 'events:write', rate_limit: 1_000_000 });
  const reader = await api<{ token: string }>('/api/v1/keys', admin, { name: 'dashboard', sites: [SITE], scope: 'stats:read', rate_limit: 1_000_000 });
  // The Queue stamps messages in real time, before the virtual creation: the consumer would drop
  // them as older than the site (workers/consumer/tombstones.ts). Set up before any event is sent.
  await env.DB.prepare('UPDATE sites SET created_at = 0 WHERE id = ?').bind(SITE).run();
  const stub = env.SITE_DO.get(env.SITE_DO.idFromName(shardNames(SITE, 1)[0]!));
  const d1Before = await d1Size();

  // The harness's own cost of a request (no storage, no I/O: the CORS preflight), to subtract.
  const noop = { requests: 50, ms: 0 };
  const n0 = performance.now();
  for (let i = 0; i < noop.requests; i++) await (await SELF.fetch(`${ORIGIN}/api/event`, { method: 'OPTIONS' })).arrayBuffer();
  noop.ms = performance.now() - n0;

  const end = START + WINDOW_MS;
  const traffic = benchTraffic(SITE, START, end, EVENTS_PER_MONTH / MONTH_MS);
  resetUsage();

  const counts = { requests: 0, keyedRequests: 0, sent: 0, accepted: 0, dropped: 0, alarms: 0, rollupRuns: 0, housekeepingRuns: 0 };
  const wall = { collectMs: 0, rollupMs: 0, housekeepingMs: 0 };
  let accepted = 0;
  /** accepted events the SiteDO has handed to the Queue */
  let flushed = 0;
  let alarmDue: number | null = null;
  let nextRollup = Math.ceil((START + 1) / (5 * MINUTE)) * 5 * MINUTE;
  const nextHourlyAfter = (t: number) => Math.floor((t - 17 * MINUTE) / (60 * MINUTE)) * 60 * MINUTE + 77 * MINUTE;
  let nextHourly = nextHourlyAfter(START);
  const readAlarm = () => runInDurableObject(stub, (_instance, ctx) => ctx.storage.getAlarm());
  const lastTs = traffic.at(-1)?.ts ?? end;

  /** Runs, in time order, every alarm and cron due before `t`. */
  async function advanceTo(t: number): Promise<void> {
    for (;;) {
      const due = Math.min(alarmDue ?? Infinity, nextRollup, nextHourly);
      if (due > t) return;
      if (due === alarmDue) {
        clock(due);
        const holding = accepted;
        if (await runDurableObjectAlarm(stub)) counts.alarms += 1;
        alarmDue = await readAlarm();
        if (alarmDue === null) flushed = holding; // the outbox is empty: all of it is on the Queue
      } else if (due === nextRollup) {
        await drain(flushed);
        const t0 = performance.now();
        await cron(ROLLUP_CRON, due);
        wall.rollupMs += performance.now() - t0;
        counts.rollupRuns += 1;
        nextRollup += 5 * MINUTE;
      } else {
        const t0 = performance.now();
        await cron(HOUSEKEEPING_CRON, due);
        wall.housekeepingMs += performance.now() - t0;
        counts.housekeepingRuns += 1;
        nextHourly += 60 * MINUTE;
      }
    }
  }

  for (const event of traffic) {
    await advanceTo(event.ts);
    clock(event.ts);
    const t0 = performance.now();
    const dropped = await send(event, writer.token);
    wall.collectMs += performance.now() - t0;
    counts.requests += 1;
    counts.keyedRequests += event.identified ? 1 : 0;
    counts.sent += 1;
    counts.dropped += dropped;
    accepted += 1 - dropped;
    alarmDue ??= await readAlarm();
  }
  // the window's last flushes and crons: up to the end of the window, or past it until the outbox is empty
  await advanceTo(Math.max(end, lastTs));
  while (alarmDue !== null) await advanceTo(alarmDue);
  counts.accepted = accepted;
  await drain(accepted);
  // a window shorter than an hour still prices one housekeeping run (its cost is per run)
  if (counts.housekeepingRuns === 0) await advanceTo(nextHourly);
  const virtualMs = Math.max(end, lastTs) - START;
  // A last refresh takes in what the window's runs left (the watermark trails by a minute), so the
  // rollups have seen every event once: their cost is priced per event. It counts as a run.
  const catchUp = Math.max(nextRollup, Math.max(end, lastTs) + 2 * MINUTE);
  await cron(ROLLUP_CRON, catchUp);
  counts.rollupRuns += 1;
  const windowUsage = readUsage();

  // one dashboard view, of what the rollups hold now
  resetUsage();
  clock(catchUp + MINUTE);
  const view = await dashboardView(SITE, reader.token);
  const viewUsage = readUsage();

  const inD1 = await eventsInD1();
  const archive = await archivedEvents();
  const doBytes = await runInDurableObject(stub, (_instance, ctx) => ctx.storage.sql.databaseSize);
  const d1Bytes = (await d1Size()) - d1Before;

  // every event is deleted once, a retention after it arrived
  resetUsage();
  await cron(HOUSEKEEPING_CRON, end + (site.retention_days + 2) * DAY + 17 * MINUTE);
  const retentionUsage = readUsage();
  const leftInD1 = await eventsInD1();

  const result = {
    eventsPerMonth: EVENTS_PER_MONTH,
    windowMs: WINDOW_MS,
    virtualMs,
    retentionDays: site.retention_days,
    counts,
    wall: { ...wall, noopMs: noop.ms, noopRequests: noop.requests },
    lost: counts.accepted - inD1,
    archiveMissing: counts.accepted - archive.events,
    leftAfterRetention: leftInD1,
    storage: { d1Bytes, doBytes, r2Bytes: archive.bytes, r2Objects: archive.objects },
    usage: windowUsage,
    view: { requests: view.requests, usage: viewUsage },
    retention: retentionUsage,
  };
  console.log(`PULSE_COST_RESULT ${JSON.stringify(result)}`);
  expect(result.lost).toBe(0);
  expect(result.archiveMissing).toBe(0);
  vi.useRealTimers();
});

/** One event as its sender sends it; returns 1 when the answer says it was dropped. */
async function send(event: BenchEvent, writerToken: string): Promise<number> {
  const headers: Record<string, string> = { 'user-agent': event.ua, 'cf-connecting-ip': event.ip };
  if (event.identified) Object.assign(headers, { authorization: `Bearer ${writerToken}`, 'content-type': 'application/json' });
  else headers['content-type'] = 'text/plain'; // the tracker's: no CORS preflight
  const res = await SELF.fetch(`${ORIGIN}/api/event`, { method: 'POST', headers, body: JSON.stringify(event.body) });
  await res.arrayBuffer();
  if (res.status !== 202) throw new Error(`event refused: ${res.status} ${JSON.stringify(event.body)}`);
  return Number(res.headers.get('x-pulse-dropped') ?? 0);
}

