/**
 * Issue 13, degraded dependencies: when D1 errors or hangs, auth keeps the last revocation list
 * for a bounded time, never waits on D1 for more than about a second, and fails closed after.
 * workerd's local D1 cannot be made to fail on demand, so the loader is injected.
 */
import { describe, expect, it } from 'vitest';
import { HttpError } from '../lib/http-error';
import { DenyListCache, LOAD_TIMEOUT_MS, MAX_STALE_MS, REFRESH_MS, RETRY_MS } from './revocation';

/** A loader whose behaviour the test switches, counting its calls, on a clock the test moves. */
function rig() {
  const state = { now: 1_000_000, calls: 0, mode: 'ok' as 'ok' | 'fail' | 'hang', jtis: ['revoked-1'] };
  const cache = new DenyListCache(
    async () => {
      state.calls += 1;
      if (state.mode === 'fail') throw new Error('D1_ERROR: database unavailable');
      if (state.mode === 'hang') return new Promise<string[]>(() => undefined);
      return [...state.jtis];
    },
    () => state.now,
  );
  return { state, cache };
}

async function statusOf(check: Promise<unknown>): Promise<number | null> {
  try {
    await check;
    return null;
  } catch (err) {
    if (err instanceof HttpError) return err.status;
    throw err;
  }
}

describe('revocation list when D1 fails', () => {
  it('keeps serving the last list while D1 errors, asking again at most every RETRY_MS', async () => {
    const { state, cache } = rig();
    expect(await cache.has('revoked-1')).toBe(true);
    state.mode = 'fail';
    state.now += REFRESH_MS + 1;
    expect(await cache.has('revoked-1')).toBe(true); // still revoked: the stale list holds
    expect(await cache.has('other')).toBe(false);
    expect(state.calls).toBe(2);
    state.now += RETRY_MS / 2;
    await cache.has('revoked-1');
    expect(state.calls).toBe(2); // no new D1 call inside the retry window
    state.now += RETRY_MS;
    await cache.has('revoked-1');
    expect(state.calls).toBe(3);
    // D1 back: the next reload picks up revocations made meanwhile.
    state.mode = 'ok';
    state.jtis.push('revoked-2');
    state.now += RETRY_MS + 1;
    expect(await cache.has('revoked-2')).toBe(true);
  });

  it('never blocks more than about a second on a D1 that hangs', async () => {
    const { state, cache } = rig();
    await cache.has('x');
    state.mode = 'hang';
    state.now += REFRESH_MS + 1;
    const started = Date.now();
    expect(await cache.has('revoked-1')).toBe(true);
    expect(Date.now() - started).toBeLessThan(LOAD_TIMEOUT_MS + 500);
    // Requests right after answer at once from the last list.
    const next = Date.now();
    await cache.has('revoked-1');
    expect(Date.now() - next).toBeLessThan(100);
  });

  it('fails closed with a 503 once the last list is older than MAX_STALE_MS, or there is none', async () => {
    const { state, cache } = rig();
    state.mode = 'fail';
    expect(await statusOf(cache.has('revoked-1'))).toBe(503);
    state.mode = 'ok';
    await cache.has('revoked-1');
    state.mode = 'fail';
    state.now += MAX_STALE_MS + 1;
    expect(await statusOf(cache.has('revoked-1'))).toBe(503);
  });

  it('keeps a revocation marked in this isolate while a reload was in flight', async () => {
    const { state, cache } = rig();
    await cache.has('x');
    state.now += REFRESH_MS + 1;
    const reloading = cache.has('x'); // reads D1 before the new revocation lands
    cache.add('revoked-now');
    await reloading;
    expect(await cache.has('revoked-now')).toBe(true);
  });
});
