/**
 * A bounded memo per user agent string for the collector's user-agent work (isbot's regex,
 * ua-parser-js): real traffic repeats a few hundred user agents, and parsing one costs tens of
 * microseconds each time (bench/collect-stages.ts). Module scope, so one per isolate.
 *
 * Bounded both ways so a sender cannot grow it: at most `maxEntries` strings (least recently used
 * goes first), and a string longer than MAX_KEY_CHARS is computed every time and never kept.
 */

/** Longer than any browser's user agent (they run 100 to 300 characters; in-app ones up to ~450). */
export const MAX_KEY_CHARS = 512;
export const DEFAULT_MAX_ENTRIES = 1000;

export interface UaMemo<T> {
  (ua: string): T;
  /** how many strings are held (tests) */
  readonly size: number;
}

/** `compute` memoized per string; its results are frozen since every caller shares them. */
export function memoByUa<T extends object | string | null>(compute: (ua: string) => T, maxEntries = DEFAULT_MAX_ENTRIES): UaMemo<T> {
  const entries = new Map<string, T>();
  const memo = (ua: string): T => {
    if (ua.length > MAX_KEY_CHARS) return compute(ua);
    const held = entries.get(ua);
    if (held !== undefined) {
      // Map keeps insertion order: re-inserting marks it the most recently used.
      entries.delete(ua);
      entries.set(ua, held);
      return held;
    }
    const value = compute(ua);
    if (value !== null && typeof value === 'object') Object.freeze(value);
    entries.set(ua, value);
    if (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
    return value;
  };
  return Object.defineProperty(memo, 'size', { get: () => entries.size }) as UaMemo<T>;
}
