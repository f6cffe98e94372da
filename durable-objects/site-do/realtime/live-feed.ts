import type { LiveEvent, LiveMessage, ShardCounters } from '../../../contract/realtime';
import { sumCounters } from '../../../contract/realtime-merge';
import type { ShardPlace } from '../../../contract/shards';

/**
 * The live stream's fan-out inside one SiteDO (issue 5).
 *
 * Sockets are held by the site's "holder": the only object of an unsharded site, or shard 0 of a
 * sharded one. Every other shard forwards its coalesced batches to the holder over RPC, and the
 * holder merges them into its own stream, so a viewer needs one socket whatever the shard count.
 *
 * Coalescing: `push` never sends; it buffers and arms a timer, so `ingest` (and the 202 behind it)
 * never waits on a socket. Messages are paced by a token bucket: one token per COALESCE_MS, at
 * most BURST saved up. A quiet site's events leave at once (two events 100 ms apart are not held
 * back); a busy one sends one message per COALESCE_MS per socket, however many events arrive.
 *
 * Forwarding shards start forwarding (they cannot know whether anyone watches after a restart);
 * the holder answers each relay with its viewer count, and a shard told "0" stops until the holder
 * calls `watch()` when a viewer connects. `watchedAt` breaks the race between a reply saying 0 and
 * a watch that arrived while that relay was on its way.
 */
// 60 ms keeps a busy site's event → viewer p99 near 100 ms (bench:realtime) at ≤ 17 messages a
// second per socket (250 ms made the p99 ≥ 250 ms); each message is serialised once for all sockets.
export const COALESCE_MS = 60;
export const BURST = 2;
/** cap per message: a burst still sends one bounded message; counters stay exact */
export const MAX_EVENTS_PER_MESSAGE = 200;

export interface RelayBatch {
  shard: number;
  events: LiveEvent[];
  counters: ShardCounters;
}

export interface Viewer {
  kind: string;
  id: string;
  connectedAt: number;
  /** what this socket asked lately (live-socket.ts screenMessage); absent on sockets from before */
  rate?: SocketRate;
}

export interface SocketRate {
  windowAt: number;
  messages: number;
  snapshotAt: number;
  noticeAt: number;
}

interface Hooks {
  counters(now: number): ShardCounters;
  relay(batch: RelayBatch): Promise<number>;
}

export class LiveFeed {
  private pending: LiveEvent[] = [];
  private omitted = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastFlushAt = 0;
  private tokens = BURST;
  private refilledAt = 0;
  private viewerCount: number | null = null;
  private readonly reports = new Map<number, ShardCounters>();
  /** sockets whose snapshot is still being built: their messages wait here so order holds */
  private readonly connecting = new Map<WebSocket, string[]>();
  private forwarding = true;
  private watchedAt = 0;

  constructor(
    private readonly ctx: DurableObjectState,
    readonly place: ShardPlace,
    private readonly hooks: Hooks,
  ) {}

  get isHolder(): boolean {
    return this.place.index === null || this.place.index === 0;
  }

  /** Should `ingest` build live events at all? False on a quiet site: no cost without viewers. */
  get wanted(): boolean {
    return this.isHolder ? this.viewers() > 0 : this.forwarding;
  }

  viewers(): number {
    // Recounted lazily after connects and closes; after hibernation the constructor starts at null.
    this.viewerCount ??= this.ctx.getWebSockets().length;
    return this.viewerCount;
  }

  recount(): void {
    this.viewerCount = null;
  }

  watch(): void {
    this.watchedAt = Date.now();
    this.forwarding = true;
  }

  push(events: LiveEvent[]): void {
    if (!events.length) return;
    this.pending.push(...events);
    if (this.pending.length > MAX_EVENTS_PER_MESSAGE) {
      this.omitted += this.pending.length - MAX_EVENTS_PER_MESSAGE;
      this.pending = this.pending.slice(-MAX_EVENTS_PER_MESSAGE);
    }
    this.arm();
  }

  /** Holder: a forwarding shard's batch. Returns the viewer count so the shard knows to go on. */
  receive(batch: RelayBatch): number {
    this.reports.set(batch.shard, batch.counters);
    const viewers = this.viewers();
    if (viewers > 0) this.push(batch.events);
    return viewers;
  }

  /** A shard's counters as a fresh merged snapshot saw them (replaces a stale relay report). */
  report(shard: number, counters: ShardCounters): void {
    this.reports.set(shard, counters);
  }

  /** Holds a new socket's messages until `ready` after its snapshot is sent. */
  hold(ws: WebSocket): void {
    this.connecting.set(ws, []);
    this.recount();
  }

  ready(ws: WebSocket, snapshot: string): void {
    const waiting = this.connecting.get(ws) ?? [];
    this.connecting.delete(ws);
    for (const text of [snapshot, ...waiting]) send(ws, text);
  }

  private refill(now: number): void {
    this.tokens = Math.min(BURST, this.tokens + (now - this.refilledAt) / COALESCE_MS);
    this.refilledAt = now;
  }

  private arm(): void {
    if (this.timer !== null) return;
    this.refill(Date.now());
    const delay = this.tokens >= 1 ? 0 : Math.ceil((1 - this.tokens) * COALESCE_MS);
    this.timer = setTimeout(() => void this.flush(), delay);
  }

  private async flush(): Promise<void> {
    this.timer = null;
    this.lastFlushAt = Date.now();
    this.refill(this.lastFlushAt);
    this.tokens = Math.max(0, this.tokens - 1);
    const events = this.pending;
    const omitted = this.omitted;
    this.pending = [];
    this.omitted = 0;
    const counters = this.hooks.counters(this.lastFlushAt);
    if (this.isHolder) return this.broadcast(events, omitted, counters);
    const sentAt = Date.now();
    try {
      const viewers = await this.hooks.relay({ shard: this.place.index!, events, counters });
      if (viewers === 0 && this.watchedAt < sentAt) this.forwarding = false;
    } catch (err) {
      // Live updates are best effort (the snapshot is the source of truth); ingestion goes on.
      console.error('live relay to shard 0 failed', err instanceof Error ? err.message : err);
    }
  }

  private broadcast(events: LiveEvent[], omitted: number, own: ShardCounters): void {
    this.reports.set(this.place.index ?? 0, own);
    const totals = sumCounters([...this.reports.values()]);
    const message: LiveMessage & { omitted?: number } = { type: 'events', events, ...totals, at: new Date(this.lastFlushAt).toISOString() };
    if (omitted) message.omitted = omitted;
    this.sendAll(JSON.stringify(message));
  }

  /** To every socket, in order: one still waiting for its snapshot gets it queued behind that. */
  sendAll(text: string): void {
    for (const ws of this.ctx.getWebSockets()) {
      const waiting = this.connecting.get(ws);
      if (waiting) waiting.push(text);
      else send(ws, text);
    }
  }
}

function send(ws: WebSocket, text: string): void {
  try {
    // send() only queues in workerd: a slow viewer backs up its own socket, never this object.
    ws.send(text);
  } catch (err) {
    // A socket closing under us; its close handler cleans up.
    console.warn('live send failed', err instanceof Error ? err.message : err);
  }
}
