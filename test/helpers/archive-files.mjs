// @ts-check
/**
 * The R2 archive seen from Node (benches, the DuckDB test), through wrangler's getPlatformProxy on
 * a `wrangler dev` state: copy a site's objects to a folder, keys as paths (so the Hive partitions
 * `site=…/dt=…/` are folders DuckDB reads), and count their events with hyparquet, as the
 * Worker's own reader does (workers/lib/archive-format.ts; legacy NDJSON too).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parquetMetadata } from 'hyparquet';

/**
 * Every object under `prefix`, with its custom metadata.
 * @param {import('@cloudflare/workers-types').R2Bucket} bucket
 * @param {string} prefix
 */
export async function listArchive(bucket, prefix) {
  /** @type {{ key: string, size: number, customMetadata: Record<string, string> }[]} */
  const objects = [];
  /** @type {string | undefined} */
  let cursor;
  do {
    const page = await bucket.list({ prefix, cursor, include: ['customMetadata'] });
    for (const o of page.objects) objects.push({ key: o.key, size: o.size, customMetadata: o.customMetadata ?? {} });
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return objects;
}

/**
 * Copies the objects under `prefix` into `dir` (`<dir>/<key>`); returns their keys.
 * @param {import('@cloudflare/workers-types').R2Bucket} bucket
 * @param {string} prefix
 * @param {string} dir
 */
export async function copyArchive(bucket, prefix, dir) {
  const keys = [];
  for (const { key } of await listArchive(bucket, prefix)) {
    const object = await bucket.get(key);
    if (!object) continue;
    const path = join(dir, key);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, new Uint8Array(await object.arrayBuffer()));
    keys.push(key);
  }
  return keys;
}

/**
 * Events in the objects under `prefix` (Parquet rows from the footer, legacy NDJSON lines), the
 * objects, and the distinct messages they hold (their `batches` metadata).
 * @param {import('@cloudflare/workers-types').R2Bucket} bucket
 * @param {string} prefix
 */
export async function countArchived(bucket, prefix) {
  let events = 0;
  let bytes = 0;
  const batches = new Set();
  const objects = await listArchive(bucket, prefix);
  for (const { key, size, customMetadata } of objects) {
    const object = await bucket.get(key);
    if (!object) continue;
    const data = await object.arrayBuffer();
    bytes += size;
    for (const batch of (customMetadata.batches ?? '').split(',')) if (batch) batches.add(batch);
    if (key.endsWith('.parquet')) events += Number(parquetMetadata(data).num_rows);
    else if (key.endsWith('.ndjson.gz')) events += gunzipSync(Buffer.from(data)).toString('utf8').trim().split('\n').filter(Boolean).length;
  }
  return { events, objects: objects.length, bytes, messages: batches.size };
}
