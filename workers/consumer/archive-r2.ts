import type { StoredEvent } from '../lib/event-types';

/**
 * The raw archive for other engines (DuckDB, Spark, R2 SQL): gzipped NDJSON, one StoredEvent per
 * line, under `raw/v1/site=<id>/dt=<YYYY-MM-DD>/hr=<HH>/<batch id>.ndjson.gz` by event time (UTC).
 * The key is a pure function of the batch, so a redelivered message overwrites its own objects.
 */
export function archiveKey(site: string, ts: number, batchId: string): string {
  const iso = new Date(ts).toISOString();
  return `raw/v1/site=${encodeURIComponent(site)}/dt=${iso.slice(0, 10)}/hr=${iso.slice(11, 13)}/${batchId}.ndjson.gz`;
}

export function archivePrefix(site: string): string {
  return `raw/v1/site=${encodeURIComponent(site)}/`;
}

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
