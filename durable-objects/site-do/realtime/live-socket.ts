import type { Goal } from '../../../workers/lib/goals';
import type { SiteConfig } from '../../../workers/lib/site-config';
import { errorResponse, HttpError } from '../../../workers/lib/http-error';
import { LIVE_HEADERS, SNAPSHOT_INTERVAL_MS, type LiveNotice, type RealtimeSnapshot } from '../../../contract/realtime';
import type { LiveFeed, SocketRate, Viewer } from './live-feed';

/**
 * Accepting a viewer's WebSocket inside the SiteDO (the Worker authenticated it already and says
 * who it is in LIVE_HEADERS, which it strips from client requests). The socket is accepted with
 * the Hibernation API, so the object can sleep between events without dropping viewers, and the
 * attachment records who is connected (a `Viewer`), which survives a wake-up.
 */
export interface SnapshotOptions {
  goals: Goal[];
  limit?: number;
  now?: number;
  /** set by shard 0 when a viewer connects: the shard starts relaying live batches */
  watch?: boolean;
}

/** Sockets per site; each one costs the holder a send per batch. */
export const MAX_VIEWERS = 1000;
// How often a socket may ask for a snapshot: in the contract, since viewers pace themselves by it.
export { SNAPSHOT_INTERVAL_MS };
/** More messages than this per window close the socket (1008): each one wakes the object. */
export const FLOOD_MESSAGES = 20;
export const FLOOD_WINDOW_MS = 10_000;

interface Hooks {
  remember(site: SiteConfig): void;
  snapshot(now: number): Promise<RealtimeSnapshot>;
}

/**
 * A refusal in the Worker's one error shape: the live route hands the SiteDO's answer to the
 * client as it is, so it must already be what the Worker's error handler would have sent.
 */
function refuse(status: number, code: string, message: string, headers: Record<string, string> = {}): Response {
  return errorResponse(new HttpError(status, code, message, headers));
}

export async function acceptViewer(ctx: DurableObjectState, feed: LiveFeed, request: Request, hooks: Hooks): Promise<Response> {
  if (request.headers.get('upgrade')?.toLowerCase() !== 'websocket') return refuse(426, 'upgrade_required', 'expected a WebSocket upgrade', { upgrade: 'websocket' });
  if (!feed.isHolder) return refuse(421, 'wrong_shard', 'connect to shard 0');
  if (feed.viewers() >= MAX_VIEWERS) return refuse(503, 'too_many_viewers', 'too many viewers', { 'retry-after': '30' });
  const who = JSON.parse(request.headers.get(LIVE_HEADERS.viewer) ?? '{}') as Partial<Viewer>;
  const site = JSON.parse(request.headers.get(LIVE_HEADERS.site) ?? 'null') as SiteConfig | null;
  // The holder of a site that has no events yet learns its shard count here.
  if (site) hooks.remember(site);
  const protocol = request.headers.get(LIVE_HEADERS.protocol);

  const { 0: client, 1: server } = new WebSocketPair();
  const viewer: Viewer = { kind: who.kind ?? 'unknown', id: who.id ?? '', connectedAt: Date.now(), rate: { windowAt: 0, messages: 0, snapshotAt: 0, noticeAt: 0 } };
  ctx.acceptWebSocket(server, [viewer.kind]);
  server.serializeAttachment(viewer);
  // Accepted before the snapshot is read, so nothing falls between the two; batches sent while the
  // snapshot is built wait behind it (they may repeat events the snapshot has: events carry ids).
  feed.hold(server);
  let snapshot: RealtimeSnapshot | { error: string };
  try {
    snapshot = await hooks.snapshot(Date.now());
  } catch (err) {
    console.error('live snapshot failed', err instanceof Error ? err.message : err);
    snapshot = { error: 'snapshot unavailable; send {"type":"snapshot"} to retry' };
  }
  feed.ready(server, JSON.stringify({ type: 'snapshot', ...snapshot }));
  return new Response(null, { status: 101, webSocket: client, headers: protocol ? { 'sec-websocket-protocol': protocol } : {} });
}

export type Verdict = { kind: 'snapshot' } | { kind: 'notice'; text: string } | { kind: 'ignore' } | { kind: 'close'; reason: string };

/**
 * What to do with a viewer's message, rationed per socket (issue 13). The counts live in the
 * socket's attachment, so they survive hibernation and cost no storage row.
 */
export function screenMessage(ws: WebSocket, message: string | ArrayBuffer, now: number): Verdict {
  const viewer = (ws.deserializeAttachment() ?? {}) as Partial<Viewer>;
  const rate: SocketRate = viewer.rate ?? { windowAt: 0, messages: 0, snapshotAt: 0, noticeAt: 0 };
  if (now - rate.windowAt >= FLOOD_WINDOW_MS) Object.assign(rate, { windowAt: now, messages: 0 });
  rate.messages += 1;
  let verdict: Verdict = { kind: 'ignore' };
  if (rate.messages > FLOOD_MESSAGES) verdict = { kind: 'close', reason: `more than ${FLOOD_MESSAGES} messages in ${FLOOD_WINDOW_MS / 1000} s` };
  else if (!wantsSnapshot(message)) verdict = { kind: 'ignore' }; // counted above all the same
  else if (now - rate.snapshotAt >= SNAPSHOT_INTERVAL_MS) {
    rate.snapshotAt = now;
    verdict = { kind: 'snapshot' };
  } else if (now - rate.noticeAt >= SNAPSHOT_INTERVAL_MS) {
    // One notice per interval says why; the requests past it are ignored, so refusing costs little.
    rate.noticeAt = now;
    const notice: LiveNotice = {
      type: 'error',
      code: 'snapshot_rate_limited',
      error: `at most one snapshot per ${SNAPSHOT_INTERVAL_MS / 1000} seconds`,
      retryAfterMs: SNAPSHOT_INTERVAL_MS - (now - rate.snapshotAt),
    };
    verdict = { kind: 'notice', text: JSON.stringify(notice) };
  }
  ws.serializeAttachment({ ...viewer, rate });
  return verdict;
}

/** A viewer's message: only `{"type":"snapshot"}` means something; anything else is ignored. */
export function wantsSnapshot(message: string | ArrayBuffer): boolean {
  if (typeof message !== 'string' || message.length > 1000) return false;
  try {
    return (JSON.parse(message) as { type?: unknown })?.type === 'snapshot';
  } catch {
    return false; // not JSON: ignored, as the doc above says
  }
}

/** Who to disconnect: the viewers a revoked credential let in (as `Viewer.kind` and `.id`). */
export interface ViewerMatch {
  kind: string;
  id: string;
}

/** Close code for a viewer whose access was taken away (4000–4999 are the application's own). */
export const REVOKED_CLOSE_CODE = 4403;

/**
 * Closes every socket whose attachment names one of `match`: a removed member, a revoked key or
 * share link must stop receiving events now, not when the viewer happens to reconnect. Once
 * closed, `send` throws for the socket, so nothing more reaches it. Returns how many were closed.
 */
export function closeViewers(ctx: DurableObjectState, feed: LiveFeed, match: ViewerMatch[]): number {
  const wanted = new Set(match.map((m) => `${m.kind}\u0000${m.id}`));
  let closed = 0;
  for (const ws of ctx.getWebSockets()) {
    const viewer = ws.deserializeAttachment() as Partial<Viewer> | null;
    if (!viewer || !wanted.has(`${viewer.kind}\u0000${viewer.id}`)) continue;
    try {
      ws.close(REVOKED_CLOSE_CODE, 'access revoked');
    } catch (err) {
      // already closing: the runtime sends it nothing more either way
      console.warn('live close failed', err instanceof Error ? err.message : err);
    }
    closed += 1;
  }
  if (closed) feed.recount();
  return closed;
}
