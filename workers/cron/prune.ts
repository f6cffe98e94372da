import { deleteInChunks } from '../lib/d1-delete';
import { DAY_MS, utcDate } from '../lib/timezone';

/**
 * Operational rows that would otherwise grow forever: dead letters are kept 30 days (long enough
 * to inspect and replay a failure; a dead letter holds whole events, so it must not outlive them
 * for long), drop counts 400 days (a year of "why was traffic dropped", with a month to spare),
 * finished erasures 30 days (a Queue keeps a message 14 days at most, so no late delivery can
 * need the tombstone after that; the row holds the hashed id, which should not stay forever).
 * Chunked and capped per run like retention; what is left goes in the next hourly run.
 */
export const DEAD_LETTER_KEEP_DAYS = 30;
export const DROP_COUNT_KEEP_DAYS = 400;
export const ERASURE_KEEP_DAYS = 30;const LIMITS = { chunk: 5_000, maxChunks: 20 };

export async function pruneOperationalRows(db: D1Database, now: number): Promise<{ deadLetters: number; dropCounts: number; erasures: number }> {
  const deadLetters = await deleteInChunks(db, { table: 'dead_letters', where: 'received_at < ?', params: [now - DEAD_LETTER_KEEP_DAYS * DAY_MS], ...LIMITS });
  // `day` leads drop_counts' primary key, so this range is an index scan, not a table scan.
  const dropCounts = await deleteInChunks(db, { table: 'drop_counts', where: 'day < ?', params: [utcDate(now - DROP_COUNT_KEEP_DAYS * DAY_MS)], ...LIMITS });
  const erasures = await deleteInChunks(db, { table: 'erasures', where: "status = 'done' AND finished_at < ?", params: [now - ERASURE_KEEP_DAYS * DAY_MS], ...LIMITS });
  return { deadLetters, dropCounts, erasures };
}
