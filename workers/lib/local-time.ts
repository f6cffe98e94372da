/** Calendar helpers in a site's IANA time zone (workerd ships full ICU). */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timezone, f);
  }
  return f;
}

/** `YYYY-MM-DD` of the instant `ts` (epoch ms) in `timezone`. */
export function localDate(ts: number, timezone: string): string {
  return formatter(timezone).format(new Date(ts));
}

/** `YYYY-MM-DD` of `ts` in UTC. */
export function utcDate(ts: number): string {
  return new Date(ts).toISOString().slice(0, 10);
}
