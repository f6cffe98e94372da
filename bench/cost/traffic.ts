/**
 * The bench's traffic: the demo model's visits (scripts/demo-traffic.mjs: pageviews, custom events
 * with props and revenue, engagement, web vitals, errors, outbound clicks), replayed as a Poisson
 * stream at the rate under test. Each visit keeps its own shape and spacing; only its start moves.
 * One visit in IDENTIFIED_EVERY is of a signed-in member (`uid`), sent by a server with an
 * `events:write` key as Pulse requires; the others come from the browser: no key, IP and UA in
 * the request headers, the collector's clock as their time.
 */
import { demoEventBatches } from '../../scripts/demo-traffic.mjs';

export const IDENTIFIED_EVERY = 10;
const MEMBERS = 400;

export interface BenchEvent {
  ts: number;
  /** the body as sent; `uid`, `ts`, `ip`, `ua` only when identified (keyed) */
  body: Record<string, unknown>;
  identified: boolean;
  ip: string;
  ua: string;
}

type DemoEvent = { ts: number; ip: string; ua: string; d: string } & Record<string, unknown>;

/** The demo model's visits, each as its events with times relative to the first. */
function demoVisits(site: string): DemoEvent[][] {
  const visits: DemoEvent[][] = [];
  let current: DemoEvent[] = [];
  for (const batch of demoEventBatches({ site, now: Date.UTC(2026, 0, 31), days: 30, seed: 7 }) as Iterable<DemoEvent[]>) {
    for (const event of batch) {
      const first = current[0];
      // a visit's events are consecutive and share IP and UA; a new landing pageview starts the next
      if (first && (first.ip !== event.ip || first.ua !== event.ua || (event.n === 'pageview' && event.r !== ''))) {
        visits.push(current);
        current = [];
      }
      current.push(event);
    }
  }
  if (current.length) visits.push(current);
  return visits;
}

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Longer than any demo visit lasts (~12 minutes): visits that began this long before count. */
const VISIT_LEAD_MS = 20 * 60_000;

/**
 * The events in [start, end) of a steady stream at `eventsPerMs` on average, sorted by time. Visits
 * start from VISIT_LEAD_MS before `start`, so the window opens at full rate with visits under way
 * (a passive event whose pageview fell before the window is dropped as `no_session`, as one
 * arriving after its session is gone would be), and no tail of visits runs on past `end`.
 */
export function benchTraffic(site: string, start: number, end: number, eventsPerMs: number): BenchEvent[] {
  const visits = demoVisits(site);
  const perVisit = visits.reduce((n, v) => n + v.length, 0) / visits.length;
  const visitsPerMs = eventsPerMs / perVisit;
  const rand = prng(11);
  const events: BenchEvent[] = [];
  let at = start - VISIT_LEAD_MS;
  for (let i = 0; ; i++) {
    at += Math.max(1, Math.round(-Math.log(1 - rand()) / visitsPerMs));
    if (at >= end) break;
    const visit = visits[i % visits.length]!;
    const identified = i % IDENTIFIED_EVERY === IDENTIFIED_EVERY - 1;
    // the demo model repeats IPs across its 30 days; a suffix per lap keeps visitors apart
    const lap = Math.floor(i / visits.length);
    const ip = lap ? `${visit[0]!.ip.split('.').slice(0, 3).join('.')}.${(Number(visit[0]!.ip.split('.')[3]) + lap * 7) % 256}` : visit[0]!.ip;
    for (const demo of visit) {
      const ts = at + (demo.ts - visit[0]!.ts);
      if (ts < start || ts >= end) continue;
      const { ip: _ip, ua: _ua, ts: _ts, ...rest } = demo;
      const body = identified ? { ...rest, ts, ip, ua: demo.ua, uid: `member-${i % MEMBERS}` } : rest;
      events.push({ ts, body, identified, ip, ua: demo.ua });
    }
  }
  return events.sort((a, b) => a.ts - b.ts);
}
