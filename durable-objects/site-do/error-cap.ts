/**
 * The per-session cap on `error` events (DESIGN §4a): a page that throws in a loop, or a visitor
 * who scripts a burst, cannot fill D1 and R2 with error rows. The SDK already sends each error
 * once and at most 10 per page; this bounds what any client can send. Counts live in memory (no
 * row per error), for the most recent sessions: an eviction or a session pushed out of the map
 * starts counting again, so the cap is per session and object lifetime, never a permanent ban.
 * Refused errors are counted as `error_cap` drops.
 */
export const MAX_ERRORS_PER_SESSION = 20;
/** sessions whose counts are kept (a Map in insertion order: the oldest are forgotten first) */
const MAX_SESSIONS = 20_000;

export class ErrorCap {
  private readonly counts = new Map<string, number>();

  constructor(private readonly limit = MAX_ERRORS_PER_SESSION) {}

  /** Takes one error for the session: false when the session already sent `limit` of them. */
  take(sessionId: string): boolean {
    const n = this.counts.get(sessionId) ?? 0;
    if (n >= this.limit) return false;
    this.counts.delete(sessionId);
    this.counts.set(sessionId, n + 1);
    if (this.counts.size > MAX_SESSIONS) this.counts.delete(this.counts.keys().next().value!);
    return true;
  }
}
