/**
 * Calendar and time-zone arithmetic in a site's IANA zone, for every room: the SiteDO's salt days,
 * the rollups' local days, the query engine's buckets. SQLite knows nothing about zones, so we
 * compute the UTC offset piecewise in JS (workerd ships full ICU) and hand SQL a `CASE` over the
 * few DST segments a range spans.
 */

export const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

const partsFormatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(tz: string): Intl.DateTimeFormat {
  let f = partsFormatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    partsFormatters.set(tz, f);
  }
  return f;
}

/** True when the runtime knows the zone; sites store whatever the owner typed. */
export function isValidTimeZone(tz: string): boolean {
  try {
    partsFormatter(tz);
    return true;
  } catch {
    return false; // RangeError is the only signal Intl gives for an unknown zone
  }
}

/**
 * `Date.UTC` for any year: `Date.UTC` reads years 0–99 as 1900–1999, which would put a query for
 * 0050-01-01 in 1950. Out-of-range months, days and hours roll over as in `Date.UTC`.
 */
export function utcMs(y: number, mo: number, d: number, h = 0, mi = 0, s = 0): number {
  if (y >= 100) return Date.UTC(y, mo - 1, d, h, mi, s);
  const t = new Date(0);
  t.setUTCFullYear(y, mo - 1, d);
  return t.setUTCHours(h, mi, s, 0);
}

/** Offset of `tz` from UTC at instant `ts`, in ms (local = ts + offset). */
export function tzOffset(ts: number, tz: string): number {
  const p: Record<string, number> = {};
  for (const part of partsFormatter(tz).formatToParts(new Date(ts))) {
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  const asUtc = utcMs(p.year!, p.month!, p.day!, p.hour!, p.minute!, p.second!);
  return asUtc - Math.floor(ts / 1000) * 1000;
}

/**
 * The UTC instant of a local wall-clock time. In a spring-forward gap this yields the instant just
 * after the gap; in a fall-back overlap the earlier of the two instants (as Plausible's Timex does).
 */
export function localToUtc(y: number, mo: number, d: number, h: number, mi: number, s: number, tz: string): number {
  const wall = utcMs(y, mo, d, h, mi, s);
  const first = wall - tzOffset(wall, tz);
  const second = wall - tzOffset(first, tz);
  if (second === first) return first;
  // the two guesses straddle a transition: take the earliest candidate that maps back to `wall`
  const candidates = [Math.min(first, second), Math.max(first, second)];
  for (const c of candidates) if (c + tzOffset(c, tz) === wall) return c;
  return Math.max(first, second);
}

/** Epoch ms of local midnight starting the date `YYYY-MM-DD` in `tz`. */
export function dayStart(date: string, tz: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return localToUtc(y, m, d, 0, 0, 0, tz);
}

/** `YYYY-MM-DD` local date of an instant. */
export function localDay(ts: number, tz: string): string {
  return new Date(ts + tzOffset(ts, tz)).toISOString().slice(0, 10);
}

/** `YYYY-MM-DD` of `ts` in UTC. */
export function utcDate(ts: number): string {
  return new Date(ts).toISOString().slice(0, 10);
}

/** Adds whole calendar days to a `YYYY-MM-DD` date. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Adds calendar months, clamping the day to the target month's length. */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const first = new Date(Date.UTC(y, m - 1 + months, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  first.setUTCDate(Math.min(d, last));
  return first.toISOString().slice(0, 10);
}

/**
 * Every date from `first` to `last`, inclusive. Counted, not compared: the day after 9999-12-31
 * is `+010000-01-01`, which sorts before it, so a `d <= last` loop never ends on the last date
 * the API accepts.
 */
export function eachDay(first: string, last: string): string[] {
  return Array.from({ length: Math.max(0, daysBetween(first, last) + 1) }, (_, i) => addDays(first, i));
}

export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS);
}

/** ISO 8601 with the zone's offset at that instant, e.g. `2024-03-10T00:00:00-08:00`. */
export function formatLocalIso(ts: number, tz: string): string {
  const off = tzOffset(ts, tz);
  const local = new Date(ts + off).toISOString().slice(0, 19);
  if (off === 0 && tz === 'UTC') return `${local}Z`;
  const sign = off < 0 ? '-' : '+';
  const abs = Math.abs(off) / 60_000;
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

export interface OffsetSegment {
  /** the segment applies to instants < until (the last one has Infinity) */
  until: number;
  offset: number;
}

/**
 * The constant-offset pieces of [from, to). Zones change offset at most a few times a year, so
 * sampling every 6 hours and bisecting each change finds every transition exactly.
 */
export function offsetSegments(from: number, to: number, tz: string): OffsetSegment[] {
  const segments: OffsetSegment[] = [];
  let current = tzOffset(from, tz);
  const step = 6 * HOUR_MS;
  for (let t = from; t < to; t += step) {
    const next = Math.min(t + step, to);
    const o = tzOffset(next, tz);
    if (o === current) continue;
    let lo = t;
    let hi = next; // offset(lo) = current, offset(hi) != current; find the first instant of the change
    while (hi - lo > 1000) {
      const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
      if (tzOffset(mid, tz) === current) lo = mid;
      else hi = mid;
    }
    segments.push({ until: hi, offset: current });
    current = o;
  }
  segments.push({ until: Infinity, offset: current });
  return segments;
}

/**
 * SQL for "local epoch ms" of an integer ms column. The constants are integers we computed (never
 * user input), checked here, and inlined so that long ranges do not eat D1's 100 bound parameters.
 */
export function localMsSql(column: string, segments: OffsetSegment[]): string {
  for (const s of segments) {
    if (!Number.isSafeInteger(s.offset) || (s.until !== Infinity && !Number.isSafeInteger(s.until))) {
      throw new Error('non-integer offset segment');
    }
  }
  if (segments.length === 1) return `(${column} + ${segments[0]!.offset})`;
  const whens = segments.slice(0, -1).map((s) => `WHEN ${column} < ${s.until} THEN ${s.offset}`);
  return `(${column} + CASE ${whens.join(' ')} ELSE ${segments.at(-1)!.offset} END)`;
}
