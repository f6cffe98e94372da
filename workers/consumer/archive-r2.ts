import type { StoredEvent } from '../../contract/events';
import { archiveKey } from '../../contract/archive';

/** The raw archive for other engines (DuckDB, Spark, R2 SQL): one StoredEvent per NDJSON line. */
export async function gzipText(text: string): Promise<Uint8Array> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export async function gunzipText(bytes: ArrayBuffer | Uint8Array): Promise<string> {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Response(stream).text();
}

/** Writes the batch's events, one object per event hour; returns the keys written. */
export async function archiveEvents(bucket: R2Bucket, site: string, batchId: string, events: StoredEvent[]): Promise<string[]> {
  const byKey = new Map<string, StoredEvent[]>();
  for (const event of events) {
    const key = archiveKey(site, event.ts, batchId);
    const list = byKey.get(key);
    if (list) list.push(event);
    else byKey.set(key, [event]);
  }
  await Promise.all(
    [...byKey].map(async ([key, list]) =>
      bucket.put(key, await gzipText(list.map((e) => JSON.stringify(e)).join('\n') + '\n'), {
        httpMetadata: { contentType: 'application/x-ndjson', contentEncoding: 'gzip' },
        customMetadata: { events: String(list.length) },
      }),
    ),
  );
  return [...byKey.keys()];
}
