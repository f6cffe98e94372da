/**
 * Reading the R2 archive back in workerd tests, as the erasure job does: every object of a site,
 * Parquet or legacy NDJSON (workers/lib/archive-format.ts), as StoredEvents.
 */
import { env } from 'cloudflare:test';
import type { StoredEvent } from '../../contract/events';
import { archivePrefix } from '../../contract/archive';
import { decodeArchiveObject } from '../../workers/lib/archive-format';

/** Every event of the site's archive, as stored (once per object that holds it). */
export async function archivedEvents(site: string): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  let cursor: string | undefined;
  do {
    const page = await env.ARCHIVE.list({ prefix: archivePrefix(site), cursor });
    for (const { key } of page.objects) events.push(...(await decodeArchiveObject(key, await (await env.ARCHIVE.get(key))!.arrayBuffer(), site)));
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return events;
}
