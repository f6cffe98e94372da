/**
 * SiteDO — one per site (or per site shard, DESIGN §8), addressed by name `<site>` or `<site>#<n>`.
 *
 * Owns: the site's daily salts (never leave this object; deleted after 48 h), the log of accepted
 * events (site-do/outbox-log.ts, SQLite), the open sessions of its visitors and the last 30
 * minutes of realtime state (in memory, rebuilt exactly from the log after an eviction:
 * site-do/rebuild.ts), drop counts (memory), the live viewers' WebSockets (Hibernation API; held
 * by the only object of a site, or by shard 0, which the others relay to), and the site's
 * flood-limit bucket (site-do/flood-limit.ts; in memory, checkpointed by the flush).
 * Promises: `ingest` returns only after every accepted event is in this object's SQLite storage
 * (the 202 the collector then sends means durable: the event row also rebuilds the session change
 * it made); the alarm hands the outbox to the Queue in order, in messages measured in bytes, and
 * moves the "sent up to" cursor only past what the Queue accepted (at-least-once; the consumer is
 * idempotent on event and session ids). A row the Queue can never take is moved to `outbox_dead`
 * and counted, so it cannot hold back the rows behind it.
 * Rows written (DO SQLite, issue 14): one per accepted event (its log row; no index, no DELETE
 * later: a sent generation is dropped whole, 0 rows). Per flush (every 15 s): one `setAlarm` and
 * one cursor row; the flood bucket at most once a minute; per 10-minute generation a CREATE TABLE
 * (2); one checkpoint row per session still open when the generation holding its start goes (45
 * min after that generation's last row). So ≈ 1 + 2 / (events per flush) + checkpoints per event:
 * measured 1.09 on the realistic mix at ~3 events/s (pageviews, engagement, vitals, custom events,
 * a quarter identified, one visit in ten returning after 12–22 min; site-do/rows-written.test.ts),
 * ≈ 1.05 at 5 events/s, ≈ 1.15 at 1 event/s; a site of a few events an hour pays ~3 per event.
 * Memory: the 30-minute window keeps one small object per event (plus per-value tallies); a
 * restart replays up to ~55 minutes of log rows (JSON.parse each) inside blockConcurrencyWhile.
 * Live updates are best effort and never delay `ingest`: they are buffered and sent from a timer,
 * coalesced to a few messages per second per socket, and the whole snapshot is re-sent to viewers
 * once per RESYNC_MS (30 s), not on every alarm. What a viewer may send is rationed per socket
 * (live-socket.ts: one requested snapshot per 5 s, shared per site for a second); a socket that
 * floods is closed (1008).
 * On request it forgets one identified visitor (`eraseVisitor`) or the whole site (`purge`).
 */
import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../workers/env';
import type { CollectedEvent, DropReason, IngestResult } from '../contract/events';
import type { SiteConfig } from '../workers/lib/site-config';
import { utcDate } from '../workers/lib/timezone';
import { migrateStorage } from './site-do/storage-schema';
import { FloodBucket } from './site-do/flood-limit';
import { rotateSalts, visitorsOf } from './site-do/visitor-hash';
import type { OpenSessions } from './site-do/session-store';
import { SESSION_IDLE_MS } from '../contract/sessions';
import { FLUSH_ROWS, pendingCount, type Outbox } from './site-do/outbox';
import { OutboxLog } from './site-do/outbox-log';
import { DropCounts } from './site-do/drop-counts';
import { ErrorCap } from './site-do/error-cap';
import { sendOutbox } from './site-do/outbox-send';
import { readShardCounters, readSnapshot } from './site-do/realtime/events';
import type { RealtimeWindow } from './site-do/realtime/window';
import { rebuild } from './site-do/rebuild';
import { acceptEvents } from './site-do/accept-events';
import { housekeep } from './site-do/log-housekeeping';
import { shardName, placeOf } from '../contract/shards';
import { LiveFeed, type RelayBatch } from './site-do/realtime/live-feed';
import { acceptViewer, closeViewers, screenMessage, type SnapshotOptions, type ViewerMatch } from './site-do/realtime/live-socket';
import { MergedSnapshots } from './site-do/realtime/merged-snapshot';
import { DEFAULT_TOP, type LiveEvent, type RealtimeSnapshot } from '../contract/realtime';
import type { Goal } from '../workers/lib/goals';
import { forgetSite, forgetVisitor, readRetired, refuseRetired, type ForgottenVisitor } from './site-do/forget';
import { meterAlarm, meterEnv, meterSql } from '../workers/lib/usage-meter';

/**
 * How long accepted events may wait before the alarm sends them. D1 only needs to be near-live
 * (rollups refresh every 5 minutes; realtime is served from this object's memory), and every
 * flush costs ~3 rows written, so a flush carries many events. Sooner when this many wait.
 */
const FLUSH_DELAY_MS = 15_000;
const FLUSH_SOON_ROWS = 1_000;
/** A flush that left rows behind (its read limits) is followed by the next this soon. */
const BACKLOG_DELAY_MS = 1_000;
/** Back-off when the Queue refuses a flush; the outbox keeps everything meanwhile. */
const RETRY_DELAY_MS = 10_000;
/** Open sessions not touched (wall clock) for this long are forgotten; their last snapshot is in D1. */
const SESSION_MEMORY_MS = SESSION_IDLE_MS + 60 * 60_000;
/**
 * While viewers are connected the alarm also re-sends the whole snapshot this often: windows slide
 * without events (visitors leave the 5-minute window), and a quiet shard's last report goes stale.
 * An alarm, not a timer, so the object can still hibernate between resyncs.
 */
const RESYNC_MS = 30_000;

export class SiteDO extends DurableObject<Env> {
  /** metered (workers/lib/usage-meter.ts): the bench prices what every statement writes */
  private readonly sql: SqlStorage = meterSql(this.ctx.storage.sql, 'site-do');
  private site: SiteConfig | null = null;
  /** when the next alarm is due, as far as this instance knows; saves a storage call per ingest */
  private alarmAt: number | null = null;
  /** when viewers are next due a full snapshot; in memory, so a wake-up may resync once early */
  private resyncAt = 0;
  private liveFeed: LiveFeed | null = null;
  private snapshots: MergedSnapshots | null = null;
  private readonly flood: FloodBucket;
  private log!: OutboxLog;
  private sessions!: OpenSessions;
  private realtime!: RealtimeWindow;
  private drops!: DropCounts;
  private readonly errorCap = new ErrorCap();
  /** the newest deleted incarnation (`purge`): refused, since a collector's cache outlives a delete */
  private retired: number | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, meterEnv(env, 'site-do'));
    this.flood = new FloodBucket(this.sql, (day, count) => this.drops.count(day, 'rate_limited', count));
    void ctx.blockConcurrencyWhile(async () => {
      this.load();
      this.alarmAt = await ctx.storage.getAlarm();
    });
    // Answered by the runtime without waking a hibernated object.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('ping', 'pong'));
  }

  /** Storage migrated, then what memory holds rebuilt from it. */
  private load(): void {
    migrateStorage(this.sql);
    const row = this.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'site'").toArray()[0];
    this.site = row ? (JSON.parse(row.value) as SiteConfig) : null;
    this.retired = readRetired(this.sql);
    this.log = new OutboxLog(this.sql);
    this.drops = new DropCounts(this.sql);
    const now = Date.now();
    ({ sessions: this.sessions, realtime: this.realtime } = rebuild(this.log, now, now - SESSION_MEMORY_MS));
  }

  private get outbox(): Outbox {
    return { sql: this.sql, log: this.log, sessions: this.sessions, drops: this.drops };
  }

  /**
   * Accepts enriched events for this site: assigns visitor and session, and writes each accepted
   * event to the log in one synchronous step (one row each); sessions, realtime and drop counts
   * change in memory.
   */
  async ingest(site: SiteConfig, events: CollectedEvent[], drops: { reason: DropReason; count: number }[] = [], now = Date.now()): Promise<IngestResult> {
    const refused = refuseRetired(this.retired, site.createdAt, events.length);
    if (refused) return refused;
    const verdict = this.flood.take(events.length + drops.reduce((n, d) => n + d.count, 0), site, utcDate(now));
    if (!verdict.allowed) {
      await this.scheduleFlush(Date.now() + FLUSH_DELAY_MS); // the flush sends the refused as drops
      return { accepted: 0, dropped: { rate_limited: verdict.cost }, outcomes: events.map(() => 'rate_limited'), retryAfter: verdict.retryAfter };
    }
    this.rememberSite(site);
    // Event time decides sessions, so a batch that arrives out of order is applied in order.
    const order = events.map((_, i) => i).sort((a, b) => events[a]!.ts - events[b]!.ts);
    const ordered = order.map((i) => events[i]!);
    // Hashing is async; do it before touching storage so the writes below run as one atomic step.
    const visitors = await visitorsOf(this.sql, site, ordered, now);

    const result: IngestResult = { accepted: 0, dropped: {}, outcomes: events.map(() => null) };
    const drop = (reason: DropReason, count = 1) => {
      result.dropped[reason] = (result.dropped[reason] ?? 0) + count;
      this.drops.count(utcDate(now), reason, count);
    };
    const live: LiveEvent[] | null = this.feed.wanted ? [] : null;
    try {
      this.ctx.storage.transactionSync(() => {
        for (const { reason, count } of drops) drop(reason, count);
        acceptEvents({ sessions: this.sessions, errorCap: this.errorCap, log: this.log, realtime: this.realtime }, site.id, ordered, visitors, now, {
          drop: (i, reason) => {
            result.outcomes[order[i]!] = reason;
            drop(reason);
          },
          accepted: () => (result.accepted += 1),
          live,
        });
      });
    } catch (err) {
      // The rows rolled back but memory moved on: take memory back to what storage holds.
      this.load();
      throw err;
    }
    if (live) this.feed.push(live);
    const waiting = this.log.lastSeq - this.log.cursor.events;
    await this.scheduleFlush(waiting >= FLUSH_SOON_ROWS ? Date.now() : now + FLUSH_DELAY_MS);
    return result;
  }

  /** Sends the outbox to the Queue; returns how many rows are still waiting. */
  private async flush(): Promise<number> {
    const site = this.site?.id ?? 'unknown';
    const objectName = this.ctx.id.name ?? this.ctx.id.toString();
    await sendOutbox(this.outbox, this.env.EVENTS_QUEUE, site, objectName);
    return pendingCount(this.outbox);
  }

  async alarm(): Promise<void> {
    await this.tick(Date.now());
  }

  /** The alarm's work at wall-clock `now` (a parameter so a test can run an hour in a second). */
  private async tick(now: number): Promise<void> {
    const scheduledFor = this.alarmAt ?? now;
    this.alarmAt = null;
    this.flood.checkpoint(now);
    this.realtime.prune(now);
    // A session still due for sending stays: the outbox sends it from memory.
    this.sessions.forgetUntouched(now - SESSION_MEMORY_MS);
    try {
      const readUpTo = this.log.lastSeq;
      const waiting = await this.flush();
      this.ctx.storage.transactionSync(() => housekeep(this.log, this.sessions, now));
      // Rows the flush's limits left behind go on soon; events accepted while it was sending set
      // their own alarm (this one was cleared), or get the usual delay here.
      const leftBehind = this.log.cursor.events < readUpTo;
      if (waiting > 0) await this.scheduleFlush(Date.now() + (leftBehind ? BACKLOG_DELAY_MS : FLUSH_DELAY_MS));
    } catch (err) {
      // Keep the outbox and try again later rather than letting the runtime give up on the alarm.
      console.error('outbox flush failed; retrying', err instanceof Error ? err.message : err);
      await this.scheduleFlush(Date.now() + RETRY_DELAY_MS);
    }
    await this.resyncViewers(scheduledFor);
  }

  /** Cron: destroys salts older than 48 h and makes today's; returns how many were destroyed. */
  async rotateSalts(now = Date.now()): Promise<number> {
    if (!this.site) return 0;
    return rotateSalts(this.sql, this.site.timezone, now).deleted;
  }

  /** GDPR erasure, before D1 is cleaned: the visitor's logged events, sessions, realtime state go. */
  async eraseVisitor(visitorId: number): Promise<ForgottenVisitor> {
    return this.ctx.storage.transactionSync(() => forgetVisitor(this.outbox, this.realtime, visitorId));
  }

  /** Site delete: forgets all this object holds, and refuses the incarnation `createdAt` from now on. */
  async purge(createdAt: number): Promise<void> {
    this.retired = await forgetSite(this.ctx, this.sql, createdAt);
    this.load();
    [this.site, this.alarmAt, this.snapshots] = [null, null, null];
  }

  /**
   * This object's realtime snapshot (one shard's view; the realtime API merges shards). `watch`
   * comes from shard 0 when a viewer connects: start relaying live batches to it.
   */
  async snapshot(options: SnapshotOptions): Promise<RealtimeSnapshot> {
    if (options.watch) this.feed.watch();
    return readSnapshot(this.realtime, this.feed.place.site, options.now ?? Date.now(), options.goals, options.limit ?? DEFAULT_TOP);
  }

  /** For `GET /api/v1/status`: what waits for the Queue, and since when (DESIGN §4b). */
  async outboxStatus(): Promise<{ pending: number; oldestPendingAt: number | null }> {
    return { pending: pendingCount(this.outbox), oldestPendingAt: this.log.oldestUnsentAt() };
  }

  /** Shard 0 only: another shard's coalesced live batch. Returns how many viewers are connected. */
  async relayLive(batch: RelayBatch): Promise<number> {
    return this.feed.receive(batch);
  }

  /** Holder only: disconnects the viewers a revoked membership, key or share link let in. */
  async dropViewers(match: ViewerMatch[]): Promise<number> {
    return closeViewers(this.ctx, this.feed, match);
  }

  /** `GET …/live` after the Worker authenticated the viewer: upgrade and send the snapshot. */
  async fetch(request: Request): Promise<Response> {
    const response = await acceptViewer(this.ctx, this.feed, request, {
      remember: (site) => this.rememberSite(site),
      snapshot: (now) => this.merged.read(now),
    });
    if (response.status !== 101) return response;
    // The new viewer just got a snapshot; one already due for the others stays due.
    if (this.resyncAt <= Date.now()) this.resyncAt = Date.now() + RESYNC_MS;
    await this.scheduleFlush(this.resyncAt);
    return response;
  }

  async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    // The one request a viewer may make: a fresh snapshot (after a reconnect, or to re-sync lists),
    // rationed per socket; a socket that floods is closed.
    const verdict = screenMessage(ws, message, Date.now());
    if (verdict.kind === 'snapshot') ws.send(await this.merged.requested(Date.now()));
    else if (verdict.kind === 'notice') ws.send(verdict.text);
    else if (verdict.kind === 'close') {
      ws.close(1008, verdict.reason);
      this.feed.recount();
    }
  }

  async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    this.feed.recount();
    try {
      ws.close(code === 1005 ? 1000 : code, reason);
    } catch {
      // already closed by the runtime: nothing left to do
    }
  }

  async webSocketError(_ws: WebSocket, error: unknown): Promise<void> {
    this.feed.recount();
    console.warn('live socket error', error instanceof Error ? error.message : error);
  }

  private get feed(): LiveFeed {
    this.liveFeed ??= new LiveFeed(this.ctx, placeOf(this.ctx.id.name ?? this.site?.id ?? ''), {
      counters: (now) => readShardCounters(this.realtime, now),
      relay: (batch) => this.env.SITE_DO.get(this.env.SITE_DO.idFromName(shardName(this.feed.place.site, 0))).relayLive(batch),
    });
    return this.liveFeed;
  }

  /** The whole site's snapshot as the holder sends it to viewers: own state plus other shards'. */
  private get merged(): MergedSnapshots {
    const own = (now: number, goals: Goal[], limit: number) => readSnapshot(this.realtime, this.feed.place.site, now, goals, limit);
    this.snapshots ??= new MergedSnapshots(this.env, own, () => this.feed, () => this.site?.shards ?? 1);
    return this.snapshots;
  }

  /**
   * Alarm: while anyone watches, a fresh merged snapshot to every viewer each RESYNC_MS. Only then:
   * the outbox's alarms come a second after events, and each used to send every viewer 12 KB
   * (issue 13). The alarm set for the resync is the resync, even when it runs early.
   */
  private async resyncViewers(scheduledFor: number): Promise<void> {
    if (!this.feed.isHolder || this.feed.viewers() === 0) return;
    const now = Date.now();
    if (Math.max(now, scheduledFor) >= this.resyncAt) {
      this.resyncAt = now + RESYNC_MS;
      try {
        this.feed.sendAll(JSON.stringify({ type: 'snapshot', ...(await this.merged.read(now)) }));
      } catch (err) {
        console.error('live resync failed', err instanceof Error ? err.message : err);
      }
    }
    await this.scheduleFlush(this.resyncAt);
  }

  private rememberSite(site: SiteConfig): void {
    if (this.site && JSON.stringify(this.site) === JSON.stringify(site)) return;
    this.site = site;
    this.sql.exec("INSERT INTO meta (key, value) VALUES ('site', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", JSON.stringify(site));
  }

  private async scheduleFlush(at: number): Promise<void> {
    if (this.alarmAt !== null && this.alarmAt <= at) return;
    this.alarmAt = at;
    meterAlarm('site-do');
    await this.ctx.storage.setAlarm(at);
  }
}
