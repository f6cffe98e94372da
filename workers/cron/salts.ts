import type { Env } from '../env';
import type { SiteConfig } from '../lib/site-config';

/** Asks every SiteDO shard of the site to destroy salts older than 48 h. */
export async function rotateSiteSalts(env: Env, site: SiteConfig, now: number): Promise<number> {
  const names = site.shards <= 1 ? [site.id] : Array.from({ length: site.shards }, (_, i) => `${site.id}#${i}`);
  const deleted = await Promise.all(names.map((name) => env.SITE_DO.get(env.SITE_DO.idFromName(name)).rotateSalts(now)));
  return deleted.reduce((a, b) => a + b, 0);
}
