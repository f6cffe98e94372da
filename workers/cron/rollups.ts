import type { Env } from '../env';
import { refreshRollups } from '../rollups/refresh';

/**
 * The rollup hook (DESIGN §8a): every 5 minutes workers/rollups refreshes the rollups of the
 * site-days that received rows since its last watermark, within a time budget; what is left
 * waits for the next run.
 */
export async function runRollups(env: Env, now: number): Promise<void> {
  await refreshRollups(env, now);
}
