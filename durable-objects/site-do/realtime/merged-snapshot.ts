import type { Env } from '../../../workers/env';
import { loadGoals, type Goal } from '../../../workers/lib/goals';
import { siteDb } from '../../../workers/lib/site-db';
import { mergeSnapshots } from '../../../contract/realtime-merge';
import { DEFAULT_TOP, SHARD_TOP_LIMIT, type RealtimeSnapshot } from '../../../contract/realtime';
import { shardName } from '../../../contract/shards';
import type { LiveFeed } from './live-feed';

/** Goals change rarely; the live stream rereads them from D1 at most this often. */
const GOALS_CACHE_MS = 30_000;
/**
 * Snapshots viewers ask for are rationed per socket, but a site may have MAX_VIEWERS sockets:
 * within this long they all get the same one, so building them costs at most one read a second.
 */
export const SHARED_SNAPSHOT_MS = 1_000;

/** The whole site's snapshot as the holder sends it to viewers: own state plus other shards'. */
export class MergedSnapshots {
  private goalCache: { at: number; goals: Goal[] } | null = null;
  private shared: { at: number; message: Promise<string> } | null = null;

  constructor(
    private readonly env: Env,
    /** this object's own snapshot (events.ts `readSnapshot` over its window) */
    private readonly readOwn: (now: number, goals: Goal[], limit: number) => RealtimeSnapshot,
    private readonly feed: () => LiveFeed,
    /** the site's shard count as this object last heard it */
    private readonly shardCount: () => number,
  ) {}

  /** A requested snapshot as the message sent, shared by the requests of one second. */
  requested(now: number): Promise<string> {
    if (this.shared && now - this.shared.at < SHARED_SNAPSHOT_MS) return this.shared.message;
    const message = this.read(now).then((snapshot) => JSON.stringify({ type: 'snapshot', ...snapshot }));
    this.shared = { at: now, message };
    // A failed read is not kept for the others: the next request tries again.
    message.catch(() => this.shared?.message === message && (this.shared = null));
    return message;
  }

  async read(now: number): Promise<RealtimeSnapshot> {
    const feed = this.feed();
    const { site } = feed.place;
    if (!this.goalCache || now - this.goalCache.at > GOALS_CACHE_MS) this.goalCache = { at: now, goals: await loadGoals(await siteDb(this.env, site), site) };
    const { goals } = this.goalCache;
    const shards = feed.place.index === null ? 1 : this.shardCount();
    if (shards <= 1) return this.readOwn(now, goals, DEFAULT_TOP);
    const own = this.readOwn(now, goals, SHARD_TOP_LIMIT);
    const others = await Promise.all(
      Array.from({ length: shards - 1 }, (_, i) =>
        this.env.SITE_DO.get(this.env.SITE_DO.idFromName(shardName(site, i + 1))).snapshot({ now, goals, limit: SHARD_TOP_LIMIT, watch: true }),
      ),
    );
    const parts = [own, ...others];
    parts.forEach((part, shard) => feed.report(shard, { visitors: part.visitors, minute: part.minutes.at(-1)! }));
    return mergeSnapshots(site, parts, DEFAULT_TOP);
  }
}
