import type { Env } from '../env';

/**
 * The rollup hook (DESIGN §8a): the query engine's incremental refresh runs here every 5 minutes.
 * Kept as its own module so the cron entry does not depend on the query engine's internals.
 */
export async function runRollups(_env: Env, _now: number): Promise<void> {
  // wired to the query engine's refreshRollups when it lands (issue 4)
}
