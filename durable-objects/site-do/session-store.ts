import type { CollectedEvent, StoredEvent, StoredSession } from '../../contract/events';
import { sessionCovers, SESSION_IDLE_MS } from '../../contract/sessions';
import { extendSession, isPassive, openSession } from './sessions';

/**
 * The SiteDO's open sessions, in memory (by visitor): no row is written when an event changes a
 * session. The log (outbox-log.ts) holds what rebuilds them exactly after an eviction: each event
 * carries its session id, visitor and the visit's attribution, so replaying them in order through
 * the same functions gives the same sessions; a session that outlives the generation holding its
 * opening event is checkpointed (one row) before that generation is dropped.
 * A session is due for the Queue while its version is newer than the one the Queue took.
 */
export interface HeldSession {
  session: StoredSession;
  /** wall-clock (ingest `now`) of its last change, for forgetting sessions nobody touches */
  touched: number;
  /** the generation of the row a rebuild starts this session from (opening event or checkpoint) */
  baseGen: number;
  /** the generation of its newest row */
  lastGen: number;
  /** the newest version the Queue took; due while below `session.version` */
  sentVersion: number;
  /** the first log row whose change is not sent yet (while due) */
  dueSince: number;
}

export class OpenSessions {
  private readonly byId = new Map<string, HeldSession>();
  private readonly byVisitor = new Map<number, HeldSession[]>();

  get size(): number {
    return this.byId.size;
  }

  get(id: string): HeldSession | undefined {
    return this.byId.get(id);
  }

  all(): IterableIterator<HeldSession> {
    return this.byId.values();
  }

  /**
   * Finds or opens the visitor's session covering the event and returns its new version (not yet
   * held: `hold` it once the event's row is written); null for an orphan passive event (it joins a
   * session but never opens one).
   */
  assign(site: string, event: CollectedEvent, visitorId: number, identified: boolean): StoredSession | null {
    const candidates = (this.byVisitor.get(visitorId) ?? []).filter((h) => h.session.end >= event.ts - SESSION_IDLE_MS).sort((a, b) => b.session.end - a.session.end);
    const current = candidates.find((h) => sessionCovers(h.session, event.ts));
    if (current) return extendSession(current.session, event);
    if (isPassive(event)) return null;
    return openSession(crypto.randomUUID(), site, visitorId, identified, event);
  }

  /** Replays a logged event (a rebuild): the same step `assign` took, by the session id it got. */
  replay(logged: StoredEvent): StoredSession {
    // A logged event keeps every field the session functions read (only ip, ua and uid are gone),
    // and its attribution is the visit's as it stood after this event: what a first touch sets.
    const event = logged as unknown as CollectedEvent;
    const held = this.byId.get(logged.sessionId);
    return held ? extendSession(held.session, event) : openSession(logged.sessionId, logged.site, logged.visitorId, logged.identified, event);
  }

  /** Holds `session`'s new version, changed by log row `seq` of generation `gen`. */
  hold(session: StoredSession, touched: number, gen: number, seq: number, opened = false): void {
    const held = this.byId.get(session.id);
    if (held) {
      if (held.sentVersion >= held.session.version) held.dueSince = seq;
      Object.assign(held, { session, touched: Math.max(held.touched, touched), lastGen: gen }, opened ? { baseGen: gen } : {});
      return;
    }
    const fresh: HeldSession = { session, touched, baseGen: gen, lastGen: gen, sentVersion: 0, dueSince: seq };
    this.byId.set(session.id, fresh);
    const list = this.byVisitor.get(session.visitorId);
    if (list) list.push(fresh);
    else this.byVisitor.set(session.visitorId, [fresh]);
  }

  /** A rebuild: rows up to the sessions cursor were sent, so their versions are not due. */
  markSent(id: string): void {
    const held = this.byId.get(id);
    if (held) held.sentVersion = held.session.version;
  }

  sent(id: string, version: number): void {
    const held = this.byId.get(id);
    if (held) held.sentVersion = Math.max(held.sentVersion, version);
  }

  due(): HeldSession[] {
    return [...this.byId.values()].filter((h) => h.session.version > h.sentVersion);
  }

  forget(id: string): void {
    const held = this.byId.get(id);
    if (!held) return;
    this.byId.delete(id);
    const list = this.byVisitor.get(held.session.visitorId)!.filter((h) => h !== held);
    if (list.length) this.byVisitor.set(held.session.visitorId, list);
    else this.byVisitor.delete(held.session.visitorId);
  }

  /** Forgets sessions untouched since `before` whose newest version the Queue has (it is in D1). */
  forgetUntouched(before: number): void {
    for (const held of [...this.byId.values()]) if (held.touched < before && held.sentVersion >= held.session.version) this.forget(held.session.id);
  }

  /** An erasure: the identified visitor's sessions. Returns how many. */
  forgetVisitor(visitorId: number): number {
    const ids = (this.byVisitor.get(visitorId) ?? []).filter((h) => h.session.identified).map((h) => h.session.id);
    for (const id of ids) this.forget(id);
    return ids.length;
  }
}
