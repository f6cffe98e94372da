/**
 * The archive half of a GDPR erasure (DESIGN §6), as a background job: archive objects (Parquet,
 * and the gzipped NDJSON of before) do not say whose events they hold without being read, so
 * every object of the site is read, which no single request (or cron run) can promise to finish. Each step reads at most `maxObjects` objects after the
 * job's cursor and records its progress in the `erasures` row, so `GET …/erasures/{id}` can tell.
 * A job starts only after its `drop_before`: by then every Queue message sent before the erasure
 * was either written before it (and its object is there to be rewritten) or is dropped by the
 * consumer's guard (workers/consumer/tombstones.ts).
 */
import type { Env } from '../env';
import type { ErasureRow } from '../db/rows';
import { archiveFormatOf, archivePrefix } from '../../contract/archive';
import { gunzipText, gzipText, rewriteParquetWithout } from '../lib/archive-format';

/** Objects read per step, and per cron run over all jobs: each is one or two R2 subrequests. */
const OBJECTS_PER_STEP = 100;
const OBJECTS_PER_RUN = 300;

type Job = Pick<ErasureRow, 'id' | 'site_id' | 'visitor_id' | 'cursor'>;

/** Removes the visitor's lines (rows) from one archive object of either format; returns how many went. */
export async function eraseFromArchiveObject(bucket: R2Bucket, key: string, visitorId: number): Promise<number> {
  const format = archiveFormatOf(key);
  if (!format) return 0;
  const object = await bucket.get(key);
  if (!object) return 0;
  const bytes = await object.arrayBuffer();
  const rewritten = format === 'parquet' ? await withoutVisitorRows(bytes, visitorId) : await withoutVisitorLines(bytes, visitorId);
  if (rewritten.removed === 0) return 0;
  if (rewritten.bytes === null) {
    await bucket.delete(key);
  } else {
    const { events: _count, ...metadata } = object.customMetadata ?? {};
    await bucket.put(key, rewritten.bytes, {
      httpMetadata: object.httpMetadata,
      // `batches` stays: the consumer must still know these messages are archived here
      customMetadata: { ...metadata, ...(rewritten.kept === null ? {} : { events: String(rewritten.kept) }), erasedAt: new Date().toISOString() },
    });
  }
  return rewritten.removed;
}

interface Rewritten {
  /** null: nothing is left, delete the object */
  bytes: ArrayBuffer | Uint8Array | null;
  removed: number;
  kept: number | null;
}

async function withoutVisitorRows(bytes: ArrayBuffer, visitorId: number): Promise<Rewritten> {
  const out = await rewriteParquetWithout(bytes, (row) => row.identified === true && Number(row.visitor_id) === visitorId);
  return { bytes: out.kept === 0 ? null : out.bytes, removed: out.removed, kept: out.kept };
}

async function withoutVisitorLines(bytes: ArrayBuffer, visitorId: number): Promise<Rewritten> {
  const lines = (await gunzipText(bytes)).split('\n').filter((line) => line.length > 0);
  const kept = lines.filter((line) => {
    // A line that does not parse is kept: erasure must never destroy data it cannot read.
    try {
      const event = JSON.parse(line) as { visitorId?: number; identified?: boolean };
      return !(event.identified === true && event.visitorId === visitorId);
    } catch {
      return true;
    }
  });
  const removed = lines.length - kept.length;
  return { bytes: kept.length ? await gzipText(kept.join('\n') + '\n') : null, removed, kept: null };
}

/** One bounded step of a job; returns how many objects it read and whether the job is done. */
export async function stepErasure(env: Env, job: Job, now: number, maxObjects = OBJECTS_PER_STEP): Promise<{ objects: number; done: boolean }> {
  const page = await env.ARCHIVE.list({ prefix: archivePrefix(job.site_id), startAfter: job.cursor ?? undefined, limit: maxObjects });
  let rewritten = 0;
  let lines = 0;
  for (const { key } of page.objects) {
    const removed = await eraseFromArchiveObject(env.ARCHIVE, key, job.visitor_id);
    if (removed > 0) rewritten += 1;
    lines += removed;
  }
  const done = !page.truncated;
  // Only the run that still finds the cursor it started from records the step: two runs at once
  // repeat a rewrite (harmless: the lines are gone) but never count it twice.
  await env.DB.prepare(
    `UPDATE erasures SET cursor = ?1, status = ?2, objects_scanned = objects_scanned + ?3, objects_rewritten = objects_rewritten + ?4,
       lines_removed = lines_removed + ?5, updated_at = ?6, finished_at = ?7 WHERE id = ?8 AND cursor IS ?9`,
  )
    .bind(page.objects.at(-1)?.key ?? job.cursor, done ? 'done' : 'running', page.objects.length, rewritten, lines, now, done ? now : null, job.id, job.cursor)
    .run();
  return { objects: page.objects.length, done };
}

/**
 * Cron: advances the oldest unfinished jobs whose grace has passed, within a budget of objects
 * per run. A job that fails is logged and retried on the next run; the others go on.
 */
export async function runErasureJobs(env: Env, now: number, budget = OBJECTS_PER_RUN): Promise<number> {
  const { results } = await env.DB.prepare(
    "SELECT id, site_id, visitor_id, cursor FROM erasures WHERE status != 'done' AND drop_before <= ? ORDER BY created_at LIMIT 20",
  )
    .bind(now)
    .all<Job>();
  let objects = 0;
  for (const job of results) {
    try {
      for (let cursor = job.cursor; objects < budget; ) {
        const step = await stepErasure(env, { ...job, cursor }, now, Math.min(OBJECTS_PER_STEP, budget - objects));
        objects += step.objects;
        if (step.done) break;
        cursor = (await env.DB.prepare('SELECT cursor FROM erasures WHERE id = ?').bind(job.id).first<string | null>('cursor')) ?? null;
      }
    } catch (err) {
      console.error('erasure job step failed; retried next run', job.id, err instanceof Error ? err.message : err);
    }
    if (objects >= budget) break;
  }
  return objects;
}
