/**
 * What the consumer must not write, though the Queue still delivers it (DESIGN §6, issue 13):
 * - a deleted site's messages, and those sent before the site's current incarnation was created
 *   (a domain deleted and added again starts empty: `sites.created_at` is the incarnation);
 * - an erased visitor's events and sessions from messages sent before the erasure's `drop_before`.
 * One read per message, whatever its size: the guard below, run in the same `db.batch` as the
 * writes, whose statements carry the same conditions (write-d1.ts). Anonymous traffic never
 * touches `erasures` (only identified visitors are erased), and no row is written for the check.
 * Parameters: `?2` the message's site, `?3` when the message was sent.
 */
export const SITE_ALIVE = 'EXISTS (SELECT 1 FROM sites WHERE id = ?2 AND created_at <= ?3)';

// `IN (SELECT …)` with no reference to the row is evaluated once per statement, not per row.
export const VISITOR_NOT_ERASED = `NOT (json_extract(value, '$.identified') = 1
  AND json_extract(value, '$.visitorId') IN (SELECT visitor_id FROM erasures WHERE site_id = ?2 AND drop_before > ?3))`;

export interface Guard {
  /** the site exists and was created before the message was sent */
  alive: boolean;
  /** identified visitors erased after the message was sent */
  erased: Set<number>;
}

/** The guard's read, for the batch that writes the message: what the archive may hold. */
export function guardStatement(db: D1Database, site: string, sentAt: number): D1PreparedStatement {
  return db
    .prepare(
      `SELECT ${SITE_ALIVE} AS alive,
         (SELECT json_group_array(visitor_id) FROM erasures WHERE site_id = ?2 AND drop_before > ?3) AS erased`,
    )
    .bind(null, site, sentAt);
}

export function readGuard(result: D1Result<{ alive: number; erased: string }>): Guard {
  const row = result.results[0];
  return { alive: row?.alive === 1, erased: new Set(JSON.parse(row?.erased ?? '[]') as number[]) };
}
