/**
 * SiteDO names (DESIGN §8): a site with one shard is the object `<site>`; a sharded site has the
 * objects `<site>#0` … `<site>#<n-1>`, and `#0` holds the live viewers. The collector, the
 * realtime API, the cron and the SiteDO itself address objects only through these functions.
 */

/** Where an object sits: its site, and its shard index (null for an unsharded site's one object). */
export interface ShardPlace {
  site: string;
  index: number | null;
}

/** The object name of shard `index` of a site; null is the one object of an unsharded site. */
export function shardName(site: string, index: number | null): string {
  return index === null ? site : `${site}#${index}`;
}

/** Every SiteDO of a site with `shards` shards, shard 0 first. */
export function shardNames(site: string, shards: number): string[] {
  return shards <= 1 ? [site] : Array.from({ length: shards }, (_, i) => shardName(site, i));
}

/**
 * The shard a visitor's events go to: a plain hash of what identifies the visitor, so a visitor
 * always lands on the same shard and realtime distinct counts can be summed across shards.
 */
export function shardForVisitor(site: string, shards: number, visitorKey: string): string {
  return shards <= 1 ? site : shardName(site, fnv1a(visitorKey) % shards);
}

/** Inverse of {@link shardName}. */
export function placeOf(objectName: string): ShardPlace {
  const match = /^(.*)#(\d+)$/.exec(objectName);
  return match ? { site: match[1]!, index: Number(match[2]) } : { site: objectName, index: null };
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
