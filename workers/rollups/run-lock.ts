/**
 * The run lock: one refresh run (or erase) owns a site's rollups at a time. A run claims the site
 * in `rollup_runs`; every batch it writes starts with a guard that fails — and D1 rolls the batch
 * back — if a newer run has claimed the site since (a slow cron run overlapping the next, an erase).
 */
import type { QueryDb, Statement } from '../query/db';

/** Thrown when a newer refresh run took the site over: this run's batch was rolled back. */
export class RefreshSuperseded extends Error {
  constructor(site: string) {
    super(`rollup refresh of ${site} superseded by a newer run`);
  }
}

const SUPERSEDED_MARK = 'rollup run superseded';

/**
 * First statement of every batch a run writes: unless the run still owns the site, it fails
 * (json() of a non-JSON string raises), and D1 rolls the whole batch back.
 */
function guardStatement(site: string, token: string): Statement {
  return {
    sql: 'SELECT CASE WHEN (SELECT token FROM rollup_runs WHERE site_id = ?1) = ?2 THEN 1 ELSE json(?3) END AS owned',
    params: [site, token, SUPERSEDED_MARK],
  };
}

/**
 * Runs a run's batch behind its guard. A failed batch of a run that no longer owns the site is
 * RefreshSuperseded (the newer run redoes the work); any other failure is rethrown as it is.
 */
export async function runGuarded(db: QueryDb, site: string, token: string, statements: Statement[]): Promise<void> {
  try {
    await db.batch([guardStatement(site, token), ...statements]);
  } catch (err) {
    const [owner] = await db.all<{ token: string }>('SELECT token FROM rollup_runs WHERE site_id = ?1', [site]);
    if (owner?.token !== token) throw new RefreshSuperseded(site);
    throw err;
  }
}

/** Makes a new run the owner of the site's rollups; earlier runs fail their next batch. */
function claimStatement(site: string, token: string, now: number): Statement {
  return {
    sql: 'INSERT INTO rollup_runs (site_id, token, started_at) VALUES (?1, ?2, ?3) ON CONFLICT (site_id) DO UPDATE SET token = excluded.token, started_at = excluded.started_at',
    params: [site, token, now],
  };
}

export interface RollupState {
  watermark: number;
  pending: string[];
  ledgerDays: string[];
}

/** Claims the site for a new run and reads its state (after the claim: an older run's commit is seen). */
export async function claimSite(db: QueryDb, site: string, now: number): Promise<{ token: string; state: RollupState }> {
  const token = crypto.randomUUID();
  const claim = claimStatement(site, token, now);
  const [, rows] = await db.batch<{ watermark: number; pending: string; ledger_days: string }>([
    claim,
    { sql: 'SELECT watermark, pending, ledger_days FROM rollup_state WHERE site_id = ?1', params: [site] },
  ]);
  const row = rows![0];
  const state = row
    ? { watermark: row.watermark, pending: JSON.parse(row.pending) as string[], ledgerDays: JSON.parse(row.ledger_days) as string[] }
    : { watermark: -1, pending: [], ledgerDays: [] };
  return { token, state };
}
