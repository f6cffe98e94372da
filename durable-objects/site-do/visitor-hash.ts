import type { CollectedEvent } from '../../contract/events';
import type { SiteConfig } from '../../workers/lib/site-config';
import { localDay } from '../../workers/lib/timezone';
import { hashUid } from '../../workers/lib/visitor-id';

/**
 * Anonymous visitor ids (DESIGN §5): SHA-256(daily salt, IP, user agent) cut to 53 bits. Salts are
 * random, one per site-local day, kept only here and deleted after 48 h, so an id can never be
 * recomputed once its salt is gone — and the IP itself is never written anywhere.
 */
const SALT_LIFETIME_MS = 48 * 3600_000;
const encoder = new TextEncoder();

function randomSalt(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes));
}

/** The salt of a site-local day, created on first use. */
export function saltForDay(sql: SqlStorage, day: string, now: number): string {
  const row = sql.exec<{ salt: string }>('SELECT salt FROM salts WHERE day = ?', day).toArray()[0];
  if (row) return row.salt;
  const salt = randomSalt();
  sql.exec('INSERT INTO salts (day, salt, created_at) VALUES (?, ?, ?)', day, salt, now);
  return salt;
}

/**
 * Destroys salts of days that ended more than 48 h ago, and makes sure today's exists.
 * A day D's salt stays usable while D is today or yesterday in the site's time zone.
 */
export function rotateSalts(sql: SqlStorage, timezone: string, now: number): { deleted: number } {
  const oldestKept = localDay(now - SALT_LIFETIME_MS / 2, timezone);
  const deleted = sql.exec('DELETE FROM salts WHERE day < ?', oldestKept).rowsWritten;
  saltForDay(sql, localDay(now, timezone), now);
  return { deleted };
}

export async function anonymousVisitorId(salt: string, ip: string, ua: string): Promise<number> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(`${salt}|${ip}|${ua}`)));
  let value = digest[0]! & 0x1f;
  for (let i = 1; i < 7; i++) value = value * 256 + digest[i]!;
  return value;
}

/**
 * Each event's visitor, in order: an identified event's uid hashed with the site's secret, else
 * the anonymous id under its site-local day's salt (each day's salt read or made once per call).
 * Hashing is async, so `ingest` does it before its synchronous storage step.
 */
export async function visitorsOf(
  sql: SqlStorage,
  site: Pick<SiteConfig, 'uidSecret' | 'timezone'>,
  events: Pick<CollectedEvent, 'uid' | 'ts' | 'ip' | 'ua'>[],
  now: number,
): Promise<{ id: number; identified: boolean }[]> {
  const salts = new Map<string, string>();
  return Promise.all(
    events.map(async (event) => {
      if (event.uid !== null) return { id: await hashUid(site.uidSecret, event.uid), identified: true };
      const day = localDay(event.ts, site.timezone);
      let salt = salts.get(day);
      if (!salt) salts.set(day, (salt = saltForDay(sql, day, now)));
      return { id: await anonymousVisitorId(salt, event.ip, event.ua), identified: false };
    }),
  );
}
