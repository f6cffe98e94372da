/**
 * Test fixtures: visits described as a visitor, a start time, attribution and a list of steps.
 * They are written through Pulse's own write path (write-path.ts): the SiteDO's session functions
 * derive every session field from the steps (DESIGN §5), and the consumer's statements write the
 * events and sessions, stamped with the visit's `insertedAt`.
 */
import type { CollectedEvent, StoredEvent, StoredSession } from '../../contract/events';
import type { VisitAttribution } from '../../contract/attribution';
import { queueMessage, sessionWith, storedEvent, writeMessages } from './write-path';

export interface Step {
  name?: string; // default pageview
  path?: string;
  /** seconds after the previous step */
  after?: number;
  props?: Record<string, string>;
  revenue?: [number, string];
  interactive?: boolean;
  scrollDepth?: number;
  engagedMs?: number;
}

export interface VisitSpec {
  visitor: number;
  identified?: boolean;
  /** ISO instant of the first step */
  at: string;
  hostname?: string;
  referrer?: string | null;
  source?: string;
  channel?: string;
  utm_source?: string | null;
  utm_medium?: string | null;
  utm_campaign?: string | null;
  device?: string;
  browser?: string;
  os?: string;
  country?: string | null;
  region?: string | null;
  region_name?: string | null;
  city?: string | null;
}

interface Visit {
  events: StoredEvent[];
  session: StoredSession;
  insertedAt: number;
}

/** Events per Queue message: about the size the SiteDO's outbox sends (≤ 96 KB). */
const EVENTS_PER_MESSAGE = 100;

// Ids are unique across every test file (they share one D1): the site's name plus a counter.
let counter = 0;

export class Fixture {
  private readonly visits: Visit[] = [];

  /** goals as `Signup` (custom event) or `Visit /path*` (page goal) */
  constructor(readonly site: string, readonly timezone = 'UTC', readonly goals: string[] = []) {}

  /** Every event as the SiteDO stored it, in the order visited. */
  get events(): StoredEvent[] {
    return this.visits.flatMap((v) => v.events);
  }

  /** Every visit's session as the SiteDO last sent it. */
  get sessions(): StoredSession[] {
    return this.visits.map((v) => v.session);
  }

  /**
   * A visit of one session. Like the SiteDO, a passive event (engagement, web vital, error) before
   * the visit's first other event has no session to join and is not stored.
   */
  visit(spec: VisitSpec, steps: Step[], insertedAt = 1): this {
    const ref = { sessionId: `${this.site}/s${++counter}`, site: this.site, visitorId: spec.visitor, identified: spec.identified ?? false };
    let ts = Date.parse(spec.at);
    const attribution: VisitAttribution = {
      referrer: spec.referrer ?? null, source: spec.source ?? 'Direct / None', channel: spec.channel ?? 'Direct',
      utmSource: spec.utm_source ?? null, utmMedium: spec.utm_medium ?? null, utmCampaign: spec.utm_campaign ?? null,
      utmContent: null, utmTerm: null, device: spec.device ?? 'Desktop', browser: spec.browser ?? 'Chrome',
      browserVersion: '120', os: spec.os ?? 'Mac', osVersion: '14', country: spec.country ?? null,
      region: spec.region ?? null, regionName: spec.region_name ?? null, city: spec.city ?? null,
    };
    const hostname = spec.hostname ?? this.site;
    const events: StoredEvent[] = [];
    let session: StoredSession | null = null;
    for (const step of steps) {
      ts += (step.after ?? 0) * 1000;
      const id = `${this.site}/e${++counter}`;
      const event: CollectedEvent = {
        site: this.site, ts, name: step.name ?? 'pageview', hostname, pathname: step.path ?? '/', props: step.props ?? {},
        revenue: step.revenue ? { amount: step.revenue[0], currency: step.revenue[1] } : null, interactive: step.interactive !== false,
        scrollDepth: step.scrollDepth ?? null, engagedMs: step.engagedMs ?? null, uid: null, ip: '', ua: '', ...attribution,
      };
      session = sessionWith(session, event, ref);
      if (session) events.push(storedEvent(event, session, id));
    }
    if (!session) throw new Error('a visit needs an event that opens a session (not only passive ones)');
    this.visits.push({ events, session, insertedAt });
    return this;
  }

  /** The site, its goals, then the visits (write). */
  async insert(db: D1Database): Promise<void> {
    await db.batch([
      db.prepare('INSERT OR REPLACE INTO sites (id, timezone, settings, uid_secret, created_at) VALUES (?1, ?2, ?3, ?4, ?5)')
        .bind(this.site, this.timezone, '{}', 'secret', Date.parse('2020-01-01T00:00:00Z')),
      ...this.goals.map((name, i) => {
        const page = name.startsWith('Visit ') ? name.slice('Visit '.length) : null;
        return db.prepare('INSERT OR REPLACE INTO goals (id, site_id, kind, event_name, page_path, display_name, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0)')
          .bind(`${this.site}-g${i}`, this.site, page ? 'page' : 'event', page ? null : name, page, name);
      }),
    ]);
    await this.write(db);
  }

  /**
   * The visits' events and sessions as the consumer writes them: one Queue message per
   * `EVENTS_PER_MESSAGE` events of visits inserted at the same time, stamped with that time.
   */
  async write(db: D1Database): Promise<void> {
    type Message = { events: StoredEvent[]; sessions: StoredSession[]; insertedAt: number };
    const messages: Message[] = [];
    const open = new Map<number, Message>();
    for (const visit of this.visits) {
      let message = open.get(visit.insertedAt);
      if (!message || message.events.length >= EVENTS_PER_MESSAGE) {
        message = { events: [], sessions: [], insertedAt: visit.insertedAt };
        messages.push(message);
        open.set(visit.insertedAt, message);
      }
      message.events.push(...visit.events);
      message.sessions.push(visit.session);
    }
    await writeMessages(db, messages.map((m, i) => ({ body: queueMessage(this.site, `fixture-${i}`, m.events, m.sessions), insertedAt: m.insertedAt })));
  }
}
