import type { Env } from '../env';
import type { DeletedSiteRow } from '../db/rows';
import { stepArchiveCleanup } from '../lib/archive-cleanup';

/** Listings (1,000 keys each) per deleted site per hourly run; the next run continues. */
const PAGES_PER_SITE = 5;

/** Hourly: continues deleting the archives of deleted sites, each one a task of its own. */
export async function runArchiveCleanups(env: Env, attempt: (task: string, run: () => Promise<unknown>) => Promise<void>): Promise<void> {
  const { results } = await env.DB.prepare('SELECT id, deleted_at, cursor FROM deleted_sites ORDER BY deleted_at LIMIT 50').all<Pick<DeletedSiteRow, 'id' | 'deleted_at' | 'cursor'>>();
  for (const row of results) await attempt(`archive cleanup ${row.id}`, () => stepArchiveCleanup(env.DB, env.ARCHIVE, row, PAGES_PER_SITE));
}
