import { DEFAULT_FLOOD_LIMIT, type SiteConfig } from '../../workers/lib/site-config';

/**
 * The site's flood limit (DESIGN §3: 429 with Retry-After), next to the collector's per-IP one: a
 * flood from rotating addresses passes any per-IP count but not this, since every event of a site
 * reaches its SiteDO anyway. So the bucket costs no extra call and no D1 row: it lives in the
 * object's memory and is checkpointed to its SQLite (`meta`, key `flood`) by the flush (at most
 * once a minute, and only when it changed), and at once when it first runs dry, so an evicted or
 * restarted object resumes the count (losing at most a minute of spending) instead of granting a
 * fresh burst. Refused events cost no storage write: they are counted as `rate_limited`
 * drops in memory (drop-counts.ts).
 *
 * It runs on wall-clock time, not the `now` a test or a backfill passes to `ingest`. A sharded
 * site's limit is split evenly across its shards (visitors are spread by hash), so the site as a
 * whole takes the configured rate.
 */
/** Each checkpoint is a row written; an eviction forgets at most this long of spending. */
const CHECKPOINT_MS = 60_000;

interface Saved {
  tokens: number;
  at: number;
}

export type FloodVerdict = { allowed: true } | { allowed: false; retryAfter: number; cost: number };

export class FloodBucket {
  private loaded = false;
  private tokens: number | null = null;
  private at = 0;
  private savedAt = 0;
  private dry = false;
  /** the bucket as last written, so an unchanged bucket is not written again */
  private saved = '';

  /** Reads the last checkpoint lazily: the object's schema is migrated before the first call. */
  constructor(
    private readonly sql: SqlStorage,
    private readonly countRefused: (day: string, count: number) => void,
  ) {}

  /**
   * Takes `cost` (events and drops of one call, at least 1) from this shard's bucket. A refusal
   * checkpoints when one is due, counting the refused under `day`.
   */
  take(cost: number, site: Pick<SiteConfig, 'floodLimit' | 'shards'>, day: string, now = Date.now()): FloodVerdict {
    this.load();
    cost = Math.max(1, cost);
    const limit = site.floodLimit ?? DEFAULT_FLOOD_LIMIT;
    const rate = limit.perSecond / site.shards / 1000;
    const burst = Math.max(1, limit.burst / site.shards);
    // Wall-clock time can step back (a migrated object): never refill by a negative amount.
    const level = Math.min(burst, this.tokens === null ? burst : this.tokens + Math.max(0, now - this.at) * rate);
    this.at = now;
    if (level >= cost) {
      this.tokens = level - cost;
      this.dry = false;
      return { allowed: true };
    }
    this.tokens = level;
    this.countRefused(day, cost);
    if (!this.dry) this.savedAt = 0;
    this.dry = true;
    this.checkpoint(now);
    return { allowed: false, cost, retryAfter: Math.max(1, Math.ceil((Math.min(cost, burst) - level) / rate / 1000)) };
  }

  /** Writes the bucket (one row) when it is due and changed. */
  checkpoint(now = Date.now()): void {
    this.load();
    if (now - this.savedAt < CHECKPOINT_MS || this.tokens === null) return;
    const value = JSON.stringify({ tokens: this.tokens, at: this.at } satisfies Saved);
    if (value === this.saved) return;
    this.savedAt = now;
    this.saved = value;
    this.sql.exec("INSERT INTO meta (key, value) VALUES ('flood', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", value);
  }

  private load(): void {
    if (this.loaded) return;
    this.loaded = true;
    const row = this.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'flood'").toArray()[0];
    const saved = row ? (JSON.parse(row.value) as Saved) : null;
    this.saved = row?.value ?? '';
    this.tokens = saved?.tokens ?? null;
    this.at = saved?.at ?? 0;
  }
}
