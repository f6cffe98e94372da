/**
 * Revocation by `jti` without a D1 read per request: each isolate keeps the set of revoked,
 * unexpired jtis and reloads it when it is older than REFRESH_MS. A revocation is therefore seen
 * at once by the isolate that made it and within REFRESH_MS by every other isolate. D1 (not KV)
 * holds the list: KV's eventual consistency can take 60 s, and a Durable Object would put one
 * round trip on every request; one small D1 read per isolate every few seconds costs neither.
 *
 * When D1 errors or is slow, a reload waits at most LOAD_TIMEOUT_MS; the last list keeps serving
 * for up to MAX_STALE_MS (revocations made elsewhere meanwhile are missed for that long, the
 * price of keeping sign-ins and API calls up), and D1 is asked again every RETRY_MS. Past
 * MAX_STALE_MS, or with no list at all, tokens are refused with a 503: auth fails closed.
 */
import type { Env } from '../env';
import { realBinding } from '../lib/usage-meter';
import { HttpError } from '../lib/http-error';

export const REFRESH_MS = 5_000;
export const LOAD_TIMEOUT_MS = 1_000;
export const MAX_STALE_MS = 5 * 60_000;
export const RETRY_MS = 1_000;

/** Reads the revoked, unexpired jtis; injectable so the degraded paths can be tested. */
export type DenyListLoader = () => Promise<string[]>;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`revocation list not loaded within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export class DenyListCache {
  private list: { loadedAt: number; jtis: Set<string> } | null = null;
  private pending: { since: number; done: Promise<void> } | null = null;
  /** marked in this isolate while a load was in flight: that load may have read D1 before them */
  private markedDuringLoad = new Set<string>();
  private failedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly load: DenyListLoader,
    private readonly clock: () => number = Date.now,
    private readonly timeoutMs = LOAD_TIMEOUT_MS,
  ) {}

  async has(jti: string): Promise<boolean> {
    return (await this.current()).has(jti);
  }

  add(jti: string): void {
    this.list?.jtis.add(jti);
    if (this.pending) this.markedDuringLoad.add(jti);
  }

  forget(): void {
    this.list = null;
  }

  private async current(): Promise<Set<string>> {
    const now = this.clock();
    const list = this.list;
    if (list && now - list.loadedAt < REFRESH_MS) return list.jtis;
    const usable = list !== null && now - list.loadedAt < MAX_STALE_MS;
    // D1 just failed: serve the last list without making every request wait on it again.
    if (usable && now - this.failedAt < RETRY_MS) return list.jtis;
    try {
      await withTimeout(this.reload(now), this.timeoutMs);
      return this.list!.jtis;
    } catch (err) {
      this.failedAt = this.clock();
      if (usable) {
        console.warn('revocation list reload failed; serving the last one', err instanceof Error ? err.message : err);
        return list.jtis;
      }
      console.error('revocation list unavailable', err instanceof Error ? err.message : err);
      throw new HttpError(503, 'auth_unavailable', 'token revocations cannot be checked right now; try again shortly', { 'retry-after': '5' });
    }
  }

  /**
   * Concurrent requests share one load instead of stampeding D1. A load older than the timeout
   * is abandoned, not awaited again: it may belong to a request that has ended, whose I/O the
   * runtime never completes.
   */
  private reload(startedAt: number): Promise<void> {
    if (this.pending && startedAt - this.pending.since < this.timeoutMs) return this.pending.done;
    const pending = {
      since: startedAt,
      done: this.load().then((jtis) => {
        // A slower, older load must not replace a newer list.
        if (this.list && this.list.loadedAt > startedAt) return;
        this.list = { loadedAt: startedAt, jtis: new Set([...jtis, ...this.markedDuringLoad]) };
        this.markedDuringLoad = new Set();
      }),
    };
    this.pending = pending;
    void pending.done.catch(() => undefined).finally(() => {
      if (this.pending === pending) this.pending = null;
    });
    return pending.done;
  }
}

// Per isolate, per database (tests and local dev may run several D1 bindings in one isolate),
// keyed by the binding under its usage meter: every stage must see one revocation at once.
const caches = new WeakMap<D1Database, DenyListCache>();

function cacheFor(db: D1Database): DenyListCache {
  let cache = caches.get(realBinding(db));
  if (!cache) {
    cache = new DenyListCache(async () => {
      const { results } = await db.prepare('SELECT jti FROM revocations WHERE expires_at > ?').bind(Date.now()).all<{ jti: string }>();
      return results.map((r) => r.jti);
    });
    caches.set(realBinding(db), cache);
  }
  return cache;
}

export async function isRevoked(env: Env, jti: string): Promise<boolean> {
  return cacheFor(env.DB).has(jti);
}

/**
 * The D1 statement that records a revocation for every isolate; run it (usually inside a
 * `db.batch` with the row update it belongs to), then call `markRevoked` for this isolate.
 */
export function revocationStatement(env: Env, jti: string, expiresAtMs: number): D1PreparedStatement {
  return env.DB.prepare('INSERT OR IGNORE INTO revocations (jti, revoked_at, expires_at) VALUES (?, ?, ?)').bind(
    jti,
    Date.now(),
    expiresAtMs,
  );
}

/** Makes a revocation effective in this isolate at once, without waiting for the refresh. */
export function markRevoked(env: Env, jti: string): void {
  cacheFor(env.DB).add(jti);
}

/** Forces the next check to reload, e.g. after a batch of revocations written elsewhere. */
export function forgetDenyList(env: Env): void {
  cacheFor(env.DB).forget();
}
