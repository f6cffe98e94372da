import type { Env } from '../env';
import type { SiteConfig } from '../lib/site-config';
import { shardNames } from '../../contract/shards';

/** Asks every SiteDO shard of the site to destroy salts older than 48 h. */
export async function rotateSiteSalts(env: Env, site: SiteConfig, now: number): Promise<number> {
  const deleted = await Promise.all(shardNames(site.id, site.shards).map((name) => env.SITE_DO.get(env.SITE_DO.idFromName(name)).rotateSalts(now)));
  return deleted.reduce((a, b) => a + b, 0);
}
