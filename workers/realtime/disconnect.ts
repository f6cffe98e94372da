/**
 * Revocation reaching open sockets: a live WebSocket is authenticated once, at the upgrade, so
 * removing a member or revoking a key or share link must also close the sockets it let in. They
 * are held by the site's shard 0 (contract/shards.ts), whose attachments name each viewer.
 */
import type { Env } from '../env';
import { getSiteConfig } from '../lib/site-config';
import { shardNames } from '../../contract/shards';
import type { LiveViewer } from './live-token';

/**
 * Closes the live sockets of `viewers` on each of `sites`. Best effort after the revocation is
 * committed: a SiteDO that cannot be reached is logged, and the revocation itself still stands
 * (the socket's next reconnect is refused).
 *
 * @example
 *   await disconnectViewers(env, ['example.com'], [{ kind: 'user', id: userId }]);
 */
export async function disconnectViewers(env: Env, sites: string[], viewers: Pick<LiveViewer, 'kind' | 'id'>[]): Promise<void> {
  if (!viewers.length) return;
  const match = viewers.map(({ kind, id }) => ({ kind, id }));
  await Promise.all(
    sites.map(async (id) => {
      try {
        const site = await getSiteConfig(env.DB, id);
        if (!site) return;
        const holder = env.SITE_DO.get(env.SITE_DO.idFromName(shardNames(site.id, site.shards)[0]!));
        await holder.dropViewers(match);
      } catch (err) {
        console.error('closing revoked live viewers failed', id, err instanceof Error ? err.message : err);
      }
    }),
  );
}
