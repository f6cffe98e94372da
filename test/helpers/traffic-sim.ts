/**
 * A day and a half of traffic for the incremental-refresh tests, delivered the way the consumer
 * writes it: events once, with the visit's first touch as the SiteDO knew it when each arrived;
 * each touched session as its newest version. A few events arrive very late (a new first touch,
 * a visit moved across local midnight).
 */
import { insertRows } from './query-fixtures';
import { prng } from './prng';

export const TZ = 'Europe/Berlin'; // DST starts 2024-03-31 02:00 local: the 31st has 23 hours
export const DAY1 = '2024-03-30';
export const DAY2 = '2024-03-31';
export const T0 = Date.parse('2024-03-29T23:00:00Z'); // 2024-03-30 00:00 local

export type Row = Record<string, string | number | null>;
type Touch = Pick<Row, 'source' | 'channel' | 'referrer' | 'country' | 'device'>;

interface SimEvent {
  row: Row;
  touch: Touch;
  deliverAt: number;
}

const PAGES = ['/', '/pricing', '/blog/a', '/docs'];
const TOUCHES: Touch[] = [
  { source: 'Google', channel: 'Organic Search', referrer: 'https://google.com/', country: 'US', device: 'Desktop' },
  { source: 'Direct / None', channel: 'Direct', referrer: null, country: 'DE', device: 'Mobile' },
  { source: 'Twitter', channel: 'Organic Social', referrer: 'https://t.co/', country: null, device: 'Tablet' },
];

/** Visits over DAY1 and DAY2 whose events arrive after a delay, a few of them very late. */
export class Sim {
  readonly visits: { id: string; visitor: number; identified: number; events: SimEvent[] }[] = [];
  private delivered = new Set<string>();

  constructor(readonly site: string, seed: number, count: number) {
    const rnd = prng(seed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    for (let v = 0; v < count; v++) {
      const identified = rnd() < 0.3 ? 1 : 0;
      let ts = T0 + Math.floor(rnd() * 47 * 3_600_000);
      const visitor = identified ? 1 + Math.floor(rnd() * 8) : 10_000 * Math.floor((ts - T0) / 86_400_000) + Math.floor(rnd() * 25);
      const id = `${site}-v${v}`;
      const touch = pick(TOUCHES);
      const events: SimEvent[] = [];
      const n = 1 + Math.floor(rnd() * 5);
      for (let k = 0; k < n; k++) {
        if (k) ts += Math.floor(rnd() * 600_000);
        const r = rnd();
        const name = r < 0.7 ? 'pageview' : r < 0.85 ? 'Signup' : 'engagement';
        events.push({ row: this.event(id, visitor, identified, k, ts, name, pick(PAGES)), touch, deliverAt: ts + 5_000 + Math.floor(rnd() * 400_000) });
      }
      // a late first event: arrives last, becomes the visit's first touch (and may move it to the day before)
      if (rnd() < 0.2) {
        const early = events[0]!.row.ts as number - 60_000 - Math.floor(rnd() * 1_200_000);
        events.push({ row: this.event(id, visitor, identified, n, early, 'pageview', pick(PAGES)), touch: pick(TOUCHES), deliverAt: events.at(-1)!.deliverAt + 900_000 });
      }
      this.visits.push({ id, visitor, identified, events });
    }
    // an identified visit across local midnight, and one a late event moves from DAY2 into DAY1
    const midnight = T0 + 86_400_000;
    const across: SimEvent[] = [-600_000, 300_000, 900_000].map((dt, k) => ({
      row: this.event(`${site}-x`, 3, 1, k, midnight + dt, 'pageview', PAGES[k]!), touch: TOUCHES[0]!, deliverAt: midnight + dt + 10_000,
    }));
    const moved: SimEvent[] = [120_000, 400_000, -240_000].map((dt, k) => ({
      row: this.event(`${site}-m`, 5, 1, k, midnight + dt, 'pageview', PAGES[k + 1]!), touch: TOUCHES[k % 3]!, deliverAt: midnight + 500_000 + k * 600_000,
    }));
    // a visit whose exit page moves off a page no other visit has: that page's exit row drops to zeros
    const exit: SimEvent[] = ['/only-here', '/'].map((path, k) => ({
      row: this.event(`${site}-o`, 999, 0, k, T0 + 10 * 3_600_000 + k * 600_000, 'pageview', path), touch: TOUCHES[1]!, deliverAt: T0 + 10 * 3_600_000 + k * 7_200_000,
    }));
    this.visits.push(
      { id: `${site}-x`, visitor: 3, identified: 1, events: across }, { id: `${site}-m`, visitor: 5, identified: 1, events: moved },
      { id: `${site}-o`, visitor: 999, identified: 0, events: exit },
    );
  }

  private event(session: string, visitor: number, identified: number, k: number, ts: number, name: string, path: string): Row {
    return {
      id: `${session}-e${k}`, site_id: this.site, ts, visitor_id: visitor, session_id: session, identified, name, hostname: this.site,
      pathname: path, props: '{}', revenue_amount: null, revenue_currency: null, interactive: 1, scroll_depth: null, engaged_ms: null,
      utm_source: null, utm_medium: null, utm_campaign: null, utm_content: null, utm_term: null, browser: 'Chrome', browser_version: '120',
      os: 'Mac', os_version: '14', region: null, region_name: null, city: null, inserted_at: 0,
    };
  }

  /** Writes what has arrived by `t` as the consumer would: new events once, each touched session's newest version. */
  async deliver(db: D1Database, t: number): Promise<void> {
    const events: Row[] = [];
    const sessions: Row[] = [];
    for (const visit of this.visits) {
      const fresh = visit.events.filter((e) => e.deliverAt <= t && !this.delivered.has(e.row.id as string)).sort((a, b) => a.deliverAt - b.deliverAt);
      if (fresh.length === 0) continue;
      for (const e of fresh) {
        this.delivered.add(e.row.id as string);
        const sofar = visit.events.filter((x) => this.delivered.has(x.row.id as string));
        // an event carries its visit's first touch as the SiteDO knew it when the event arrived
        events.push({ ...e.row, ...firstTouch(sofar), inserted_at: e.deliverAt });
      }
      const sofar = visit.events.filter((x) => this.delivered.has(x.row.id as string));
      sessions.push(sessionOf(visit, sofar, Math.max(...fresh.map((e) => e.deliverAt))));
    }
    await insertRows(db, 'events', events, 'keep');
    await insertRows(db, 'sessions', sessions);
  }
}

function firstTouch(events: SimEvent[]): Touch {
  const traffic = events.filter((e) => e.row.name !== 'engagement');
  return [...(traffic.length ? traffic : events)].sort((a, b) => (a.row.ts as number) - (b.row.ts as number))[0]!.touch;
}

function sessionOf(visit: Sim['visits'][number], events: SimEvent[], insertedAt: number): Row {
  const rows = events.map((e) => e.row).sort((a, b) => (a.ts as number) - (b.ts as number));
  const counted = rows.filter((r) => r.name !== 'engagement');
  const views = counted.filter((r) => r.name === 'pageview');
  const interactive = counted.filter((r) => r.name !== 'pageview').length;
  const start = (counted[0] ?? rows[0]!).ts as number;
  const end = (counted.at(-1) ?? rows[0]!).ts as number;
  return {
    id: visit.id, site_id: rows[0]!.site_id, visitor_id: visit.visitor, identified: visit.identified, version: events.length, start, end,
    duration: Math.round((end - start) / 1000), pageviews: views.length, events: counted.length, interactive_events: interactive,
    is_bounce: views.length < 2 && interactive === 0 ? 1 : 0, entry_page: (views[0]?.pathname as string) ?? null,
    exit_page: (views.at(-1)?.pathname as string) ?? null, hostname: rows[0]!.hostname, ...firstTouch(events),
    utm_source: null, utm_medium: null, utm_campaign: null, utm_content: null, utm_term: null, browser: 'Chrome', browser_version: '120',
    os: 'Mac', os_version: '14', region: null, region_name: null, city: null, inserted_at: insertedAt,
  };
}
