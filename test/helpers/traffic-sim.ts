/**
 * A day and a half of traffic for the incremental-refresh tests, delivered the way production
 * writes it (write-path.ts): each event reaches the visit's session in arrival order through the
 * SiteDO's own session functions, carrying the visit's first touch as the SiteDO knew it then,
 * and is written with that session's new version in its own Queue message, inserted when it
 * arrives. A few events arrive very late (a new first touch, a visit moved across local midnight).
 */
import type { CollectedEvent, StoredSession } from '../../contract/events';
import { queueMessage, sessionWith, storedEvent, writeMessages, type VisitRef } from './write-path';
import { prng } from './prng';

export const TZ = 'Europe/Berlin'; // DST starts 2024-03-31 02:00 local: the 31st has 23 hours
export const DAY1 = '2024-03-30';
export const DAY2 = '2024-03-31';
export const T0 = Date.parse('2024-03-29T23:00:00Z'); // 2024-03-30 00:00 local

/** A D1 row as the tests read it back. */
export type Row = Record<string, string | number | null>;

/**
 * The delivery times of the property tests' refresh runs: hourly through each burst (`days`
 * after T0) and its late arrivals, for `hours` hours, and at 00:10 and 00:20 of its second day
 * (between the events of the visit a late first event moves across midnight).
 */
export function burstRuns(bursts: readonly number[], hours: number): { h: number; t: number }[] {
  const hs = [...Array.from({ length: hours }, (_, i) => i + 1), 24 + 1 / 6, 24 + 2 / 6].sort((a, b) => a - b);
  return bursts.flatMap((days) => hs.map((h) => ({ h, t: T0 + days * 86_400_000 + Math.round(h * 3_600_000) })));
}
type Touch = Pick<CollectedEvent, 'source' | 'channel' | 'referrer' | 'country' | 'device'>;

interface SimEvent {
  id: string;
  /** the event as the collector hands it over, but for its own touch */
  event: Omit<CollectedEvent, keyof Touch>;
  touch: Touch;
  deliverAt: number;
}

interface SimVisit {
  ref: VisitRef;
  events: SimEvent[];
  /** the session as the SiteDO holds it: what has arrived so far */
  session: StoredSession | null;
}

const PAGES = ['/', '/pricing', '/blog/a', '/docs'];
const TOUCHES: Touch[] = [
  { source: 'Google', channel: 'Organic Search', referrer: 'https://google.com/', country: 'US', device: 'Desktop' },
  { source: 'Direct / None', channel: 'Direct', referrer: null, country: 'DE', device: 'Mobile' },
  { source: 'Twitter', channel: 'Organic Social', referrer: 'https://t.co/', country: null, device: 'Tablet' },
];

/** Visits over DAY1 and DAY2 whose events arrive after a delay, a few of them very late. */
export class Sim {
  readonly visits: SimVisit[] = [];
  private delivered = new Set<string>();

  /**
   * `start` moves the day and a half elsewhere (default T0: DAY1 local midnight), `tag` names its
   * sessions apart and `firstVisitor` shifts the identified visitors' ids (default 1: ids 1–8), so
   * several Sims of one site make weeks of traffic in which identified visitors arrive and come
   * back (the retention property test).
   */
  constructor(readonly site: string, seed: number, count: number, { start = T0, tag = '', firstVisitor = 1 }: { start?: number; tag?: string; firstVisitor?: number } = {}) {
    const t0 = start;
    const name = `${site}${tag}`;
    const shift = firstVisitor - 1;
    const rnd = prng(seed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    for (let v = 0; v < count; v++) {
      const identified = rnd() < 0.3 ? 1 : 0;
      let ts = t0 + Math.floor(rnd() * 47 * 3_600_000);
      const visitor = identified ? firstVisitor + Math.floor(rnd() * 8) : 10_000 * Math.floor((ts - t0) / 86_400_000) + Math.floor(rnd() * 25);
      const id = `${name}-v${v}`;
      const touch = pick(TOUCHES);
      const events: SimEvent[] = [];
      const n = 1 + Math.floor(rnd() * 5);
      for (let k = 0; k < n; k++) {
        if (k) ts += Math.floor(rnd() * 600_000);
        const r = rnd();
        const name = r < 0.7 ? 'pageview' : r < 0.85 ? 'Signup' : 'engagement';
        events.push({ ...this.event(id, k, ts, name, pick(PAGES)), touch, deliverAt: ts + 5_000 + Math.floor(rnd() * 400_000) });
      }
      // a late first event: arrives last, becomes the visit's first touch (and may move it to the day before)
      if (rnd() < 0.2) {
        const early = events[0]!.event.ts - 60_000 - Math.floor(rnd() * 1_200_000);
        events.push({ ...this.event(id, n, early, 'pageview', pick(PAGES)), touch: pick(TOUCHES), deliverAt: events.at(-1)!.deliverAt + 900_000 });
      }
      this.visits.push(this.visit(id, visitor, identified, events));
    }
    // an identified visit across local midnight, and one a late event moves from DAY2 into DAY1
    const midnight = t0 + 86_400_000;
    const across: SimEvent[] = [-600_000, 300_000, 900_000].map((dt, k) => ({
      ...this.event(`${name}-x`, k, midnight + dt, 'pageview', PAGES[k]!), touch: TOUCHES[0]!, deliverAt: midnight + dt + 10_000,
    }));
    const moved: SimEvent[] = [120_000, 400_000, -240_000].map((dt, k) => ({
      ...this.event(`${name}-m`, k, midnight + dt, 'pageview', PAGES[k + 1]!), touch: TOUCHES[k % 3]!, deliverAt: midnight + 500_000 + k * 600_000,
    }));
    // a visit whose exit page moves off a page no other visit has: that page's exit row drops to zeros
    const exit: SimEvent[] = ['/only-here', '/'].map((path, k) => ({
      ...this.event(`${name}-o`, k, t0 + 10 * 3_600_000 + k * 600_000, 'pageview', path), touch: TOUCHES[1]!, deliverAt: t0 + 10 * 3_600_000 + k * 7_200_000,
    }));
    this.visits.push(this.visit(`${name}-x`, 3 + shift, 1, across), this.visit(`${name}-m`, 5 + shift, 1, moved), this.visit(`${name}-o`, 999, 0, exit));
  }

  private visit(id: string, visitor: number, identified: number, events: SimEvent[]): SimVisit {
    return { ref: { sessionId: id, site: this.site, visitorId: visitor, identified: identified === 1 }, events, session: null };
  }

  private event(session: string, k: number, ts: number, name: string, path: string): Pick<SimEvent, 'id' | 'event'> {
    const event: SimEvent['event'] = {
      site: this.site, ts, name, hostname: this.site, pathname: path, props: {}, revenue: null, interactive: true, scrollDepth: null,
      engagedMs: null, uid: null, ip: '', ua: '', utmSource: null, utmMedium: null, utmCampaign: null, utmContent: null, utmTerm: null,
      browser: 'Chrome', browserVersion: '120', os: 'Mac', osVersion: '14', region: null, regionName: null, city: null,
    };
    return { id: `${session}-e${k}`, event };
  }

  /**
   * Delivers what has arrived by `t`: each new event joins its visit's session (a passive event
   * with none yet is dropped, as the SiteDO drops it) and goes out with the session's new version,
   * inserted at its arrival.
   */
  async deliver(db: D1Database, t: number): Promise<void> {
    const messages: Parameters<typeof writeMessages>[1] = [];
    for (const visit of this.visits) {
      const fresh = visit.events.filter((e) => e.deliverAt <= t && !this.delivered.has(e.id)).sort((a, b) => a.deliverAt - b.deliverAt);
      for (const e of fresh) {
        this.delivered.add(e.id);
        const event: CollectedEvent = { ...e.event, ...e.touch };
        const session = sessionWith(visit.session, event, visit.ref);
        if (!session) continue;
        visit.session = session;
        messages.push({ body: queueMessage(this.site, e.id, [storedEvent(event, session, e.id)], [session]), insertedAt: e.deliverAt });
      }
    }
    await writeMessages(db, messages.sort((a, b) => a.insertedAt - b.insertedAt));
  }
}
