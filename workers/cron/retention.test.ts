/**
 * Retention in the archive: expired days go by their `dt=` prefix, both formats, and finding
 * them lists day folders, never the objects of the days that are kept.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { applyRetention } from './retention';
import { archiveDayPrefix, archiveObjectKey, legacyArchiveKey } from '../../contract/archive';

const NOW = Date.UTC(2026, 10, 24, 3, 17);
const DAY = 86_400_000;

/** The real bucket, counting its list calls. */
function countingLists() {
  const seen = { lists: 0 };
  const bucket = new Proxy(env.ARCHIVE, {
    get(target, prop) {
      if (prop === 'list') seen.lists++;
      const value = Reflect.get(target, prop);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { bucket: bucket as R2Bucket, seen };
}

describe('archive retention', () => {
  it('deletes the expired days of both formats by prefix and keeps the others', async () => {
    const site = `retention-days-${crypto.randomUUID().slice(0, 8)}.example`;
    const keys = {
      oldParquet: archiveObjectKey(site, '2026-10-20', 'aaaa'),
      oldLegacy: legacyArchiveKey(site, Date.UTC(2026, 9, 21, 5), `${site}-1-2`),
      cutoffDay: archiveObjectKey(site, '2026-10-25', 'bbbb'), // the cutoff's own day is kept
      recent: archiveObjectKey(site, '2026-11-23', 'cccc'),
      stray: `raw/v1/site=${site}/notes.txt`,
    };
    for (const key of Object.values(keys)) await env.ARCHIVE.put(key, 'x');
    // 30 days: the cutoff is 2026-10-25 03:17
    const { bucket, seen } = countingLists();
    const result = await applyRetention(env.DB, bucket, site, 30, NOW);
    expect(result.archiveObjects).toBe(2);
    const left = (await env.ARCHIVE.list({ prefix: `raw/v1/site=${site}/` })).objects.map((o) => o.key).sort();
    expect(left).toEqual([keys.cutoffDay, keys.recent, keys.stray].sort());
    // one listing of day folders, one of each expired day
    expect(seen.lists).toBe(3);

    const again = countingLists();
    expect((await applyRetention(env.DB, again.bucket, site, 30, NOW)).archiveObjects).toBe(0);
    expect(again.seen.lists).toBe(1); // nothing expired: the folder listing stops at the first day kept
    expect((await env.ARCHIVE.list({ prefix: archiveDayPrefix(site, '2026-11-23') })).objects).toHaveLength(1);
  });
});
