/**
 * Revocation by `jti` without a D1 read per request: each isolate keeps the set of revoked,
 * unexpired jtis and reloads it when it is older than REFRESH_MS. A revocation is therefore seen
 * at once by the isolate that made it and within REFRESH_MS by every other isolate. D1 (not KV)
 * holds the list: KV's eventual consistency can take 60 s, and a Durable Object would put one
 * round trip on every request; one small D1 read per isolate every few seconds costs neither.
 */
import type { Env } from '../env';

export const REFRESH_MS = 5_000;

interface DenyList {
  loadedAt: number;
  jtis: Set<string>;
}

// Per isolate, per database (tests and local dev may run several D1 bindings in one isolate).
const lists = new WeakMap<D1Database, DenyList>();
const loading = new WeakMap<D1Database, Promise<DenyList>>();

async function loadDenyList(db: D1Database): Promise<DenyList> {
  const now = Date.now();
  const { results } = await db.prepare('SELECT jti FROM revocations WHERE expires_at > ?').bind(now).all<{ jti: string }>();
  const list = { loadedAt: now, jtis: new Set(results.map((r) => r.jti)) };
  lists.set(db, list);
  return list;
}

async function getDenyList(db: D1Database): Promise<DenyList> {
  const list = lists.get(db);
  if (list && Date.now() - list.loadedAt < REFRESH_MS) return list;
  // Concurrent requests share one reload instead of stampeding D1.
  let pending = loading.get(db);
  if (!pending) {
    pending = loadDenyList(db).finally(() => loading.delete(db));
    loading.set(db, pending);
  }
  return pending;
}

export async function isRevoked(env: Env, jti: string): Promise<boolean> {
  return (await getDenyList(env.DB)).jtis.has(jti);
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
  lists.get(env.DB)?.jtis.add(jti);
}

/** Forces the next check to reload, e.g. after a batch of revocations written elsewhere. */
export function forgetDenyList(env: Env): void {
  lists.delete(env.DB);
}
