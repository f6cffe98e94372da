import { utcDate } from '../lib/timezone';

/**
 * Events for domains with no site never reach a SiteDO (an attacker must not be able to create
 * objects at will), so their drops are counted straight in D1, after the response.
 * The claimed domain is truncated: it is attacker-controlled text.
 */
export async function countUnknownSiteDrops(db: D1Database, domains: string[], now: number): Promise<void> {
  const counts = new Map<string, number>();
  for (const domain of domains) counts.set(domain.slice(0, 253), (counts.get(domain.slice(0, 253)) ?? 0) + 1);
  const day = utcDate(now);
  await db.batch(
    [...counts].map(([domain, count]) =>
      db
        .prepare(
          `INSERT INTO drop_counts (day, site_id, reason, batch_id, count) VALUES (?, ?, 'unknown_site', 'collector', ?)
           ON CONFLICT (day, site_id, reason, batch_id) DO UPDATE SET count = count + excluded.count`,
        )
        .bind(day, domain, count),
    ),
  );
}
