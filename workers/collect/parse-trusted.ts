// The fields only an authenticated server-side call may send (DESIGN §3): the event time for
// imports and backfills, and the visitor's IP and user agent when a backend forwards them.
// Whether a `ts` is within the site's retention is judged per site, once the site is known
// (fan-out.ts): an event may name several sites with different retentions.

const FUTURE_SKEW_MS = 60_000;

const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Records an error for a field of the body and yields null; parse-body.ts gathers them into the 400. */
export type Fail = (field: string, message: string) => null;

export function parseTs(raw: unknown, now: number, fail: Fail): number | null {
  if (raw === undefined || raw === null) return null;
  let ts: number = Number.NaN;
  if (typeof raw === 'number' && Number.isInteger(raw)) ts = raw;
  else if (typeof raw === 'string' && /^\d+$/.test(raw)) ts = Number(raw);
  else if (typeof raw === 'string') {
    const value = raw.trim().toUpperCase().replace(' ', 'T');
    const match = ISO_8601.exec(value);
    if (match) {
      // A date-time without an offset means UTC; Date.parse would read it as local time (UTC in a
      // Worker, but a backfill script should not depend on that). `+0100` gets its colon back.
      const offset = match[1] ? value.slice(0, -match[1].length) + match[1].replace(/^([+-]\d{2})(\d{2})$/, '$1:$2') : null;
      ts = Date.parse(offset ?? (value.includes('T') ? value + 'Z' : value));
    }
  }
  if (!Number.isFinite(ts)) return fail('ts', 'must be an ISO 8601 date-time or epoch milliseconds');
  if (ts > now + FUTURE_SKEW_MS) return fail('ts', 'must not be in the future');
  return ts;
}

const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

export function parseIp(raw: unknown, fail: Fail): string | null {
  if (raw === undefined || raw === null || raw === '') return null;
  if (typeof raw !== 'string') return fail('ip', 'must be an IP address');
  const ip = raw.trim();
  if (IPV4.test(ip)) return ip;
  // Let the URL parser validate IPv6 rather than a page-long regular expression.
  if (/^[0-9A-Fa-f:.]+$/.test(ip) && ip.includes(':') && URL.canParse(`http://[${ip}]/`)) return ip.toLowerCase();
  return fail('ip', 'must be an IP address');
}

export function parseUa(raw: unknown, fail: Fail): string | null {
  if (raw === undefined || raw === null || raw === '') return null;
  if (typeof raw !== 'string') return fail('ua', 'must be a string');
  return raw;
}
