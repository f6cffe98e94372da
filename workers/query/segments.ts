/**
 * `["is", "segment", [id, …]]` in a query's filters, as Plausible: each saved segment of the
 * queried site (workers/api/segments.ts) stands for its filters, combined with `and`; several ids
 * in one condition are `or`ed. Resolved on the request body before validation, so the segment's
 * filters are checked and bounded like any others. A segment id of another site is unknown here:
 * the lookup is by the queried site, so a segment of site A never applies to site B.
 */
import { HttpError } from '../lib/http-error';
import type { QueryDb } from './db';

/** Plausible's bound: segment ids in one query. */
export const MAX_SEGMENT_IDS = 10;

const bad = (message: string) => new HttpError(400, 'invalid_query', message);

type Json = unknown;

const isSegmentLeaf = (f: Json): f is [string, 'segment', Json, ...Json[]] => Array.isArray(f) && f[1] === 'segment' && typeof f[0] === 'string' && f[0] !== 'and' && f[0] !== 'or';

/** Collects the segment ids of a filter tree (walked iteratively: the body's depth is checked later). */
function segmentIds(filters: Json[]): number[] {
  const ids: number[] = [];
  const stack: [Json, string][] = filters.map((f, i) => [f, `#/filters/${i}`]);
  while (stack.length) {
    const [f, pointer] = stack.pop()!;
    if (!Array.isArray(f)) continue;
    if (isSegmentLeaf(f)) {
      if (f[0] !== 'is') throw bad(`${pointer}: Invalid filter: segments can only be filtered with \`is\``);
      const clauses = f[2];
      if (f.length !== 3 || !Array.isArray(clauses) || clauses.length === 0) throw bad(`${pointer}: Invalid filter: expected ["is", "segment", [segment ids]]`);
      clauses.forEach((id, i) => {
        if (!Number.isSafeInteger(id) || (id as number) <= 0) throw bad(`${pointer}/2/${i}: Invalid filter: segment ids are positive integers`);
      });
      ids.push(...(clauses as number[]));
      continue;
    }
    // children of and/or, the inner filter of not/has_done
    if (f[0] === 'and' || f[0] === 'or') {
      if (Array.isArray(f[1])) f[1].forEach((c: Json, i: number) => stack.push([c, `${pointer}/1/${i}`]));
    } else if (f[0] === 'not' || f[0] === 'has_done' || f[0] === 'has_not_done') stack.push([f[1], `${pointer}/1`]);
  }
  if (ids.length > MAX_SEGMENT_IDS) throw bad(`#/filters: Invalid filters. You can only use up to ${MAX_SEGMENT_IDS} segment filters in a query.`);
  return [...new Set(ids)];
}

function replace(f: Json, saved: Map<number, Json[]>): Json {
  if (!Array.isArray(f)) return f;
  if (isSegmentLeaf(f)) {
    const groups = (f[2] as number[]).map((id) => ['and', saved.get(id)!]);
    return groups.length === 1 ? groups[0] : ['or', groups];
  }
  // everything but the segment leaves is copied as it came, malformed shapes included, so the
  // validator judges (and names) exactly what the caller sent
  if ((f[0] === 'and' || f[0] === 'or') && Array.isArray(f[1])) return [f[0], f[1].map((c: Json) => replace(c, saved)), ...f.slice(2)];
  if ((f[0] === 'not' || f[0] === 'has_done' || f[0] === 'has_not_done') && f.length >= 2) return [f[0], replace(f[1], saved), ...f.slice(2)];
  return f;
}

/** Does a filter list use a segment anywhere (saved segments may not hold one)? */
export function hasSegmentFilter(filters: Json[]): boolean {
  try {
    return segmentIds(filters).length > 0;
  } catch {
    return true; // a malformed segment condition is still a segment condition
  }
}

/**
 * The body with its segment conditions replaced by the segments' filters (a top-level single
 * segment's filters join the top level, as Plausible expands them). Unknown ids, and ids of
 * another site, are Plausible's 400.
 */
export async function resolveSegments(db: QueryDb, siteId: string, body: unknown): Promise<unknown> {
  const filters = (body as { filters?: unknown } | null)?.filters;
  if (!Array.isArray(filters) || !JSON.stringify(filters).includes('"segment"')) return body;
  const ids = segmentIds(filters);
  if (ids.length === 0) return body;
  const rows = await db.all<{ id: number; filters: string }>('SELECT id, filters FROM segments WHERE site_id = ?1 AND id IN (SELECT value FROM json_each(?2))', [siteId, JSON.stringify(ids)]);
  const saved = new Map(rows.map((r) => [r.id, JSON.parse(r.filters) as Json[]]));
  if (ids.some((id) => !saved.has(id))) throw bad("Invalid filters. Some segments don't exist or aren't accessible.");
  const resolved = filters.flatMap((f: Json) => {
    const r = replace(f, saved);
    return isSegmentLeaf(f) && (f[2] as number[]).length === 1 ? (r as [string, Json[]])[1] : [r];
  });
  return { ...(body as Record<string, unknown>), filters: resolved };
}
