/**
 * The reports' pre-aggregates (vitals_daily, errors_daily; retention's behaviour_visitor_days and
 * behaviour_visitor_first, from sessions) as statements for the rollup refresh's
 * own batches (workers/rollups/rebuild.ts for a rebuilt day, refresh.ts for the incremental
 * days' delta), so they commit with the rollups and the watermark, exactly once.
 */
import type { Statement } from '../query/db';
import { errorsRebuildStatements, errorsUpsert } from './errors/refresh';
import { vitalsRebuildStatements, vitalsUpsert } from './vitals/refresh';
import { retentionDeltaStatements, retentionRebuildStatements } from './retention/preagg';

const bounded = (upTo: number) => (Number.isFinite(upTo) ? upTo : Number.MAX_SAFE_INTEGER);

/** A site-day counted from scratch from the events inserted up to `upTo` (Infinity: all). */
export function reportRebuildStatements(site: string, tz: string, day: string, from: number, to: number, upTo: number): Statement[] {
  return [
    ...vitalsRebuildStatements(site, tz, day, from, to, bounded(upTo)),
    ...errorsRebuildStatements(site, tz, day, from, to, bounded(upTo)),
    ...retentionRebuildStatements(site, tz, day, from, to),
  ];
}

/**
 * The events with ts in [from, to) inserted in (after, upTo], added to the days they fall in; for
 * retention, the identified sessions starting in [from, to) written since `after`.
 */
export function reportDeltaStatements(span: { site: string; tz: string; from: number; to: number; after: number; upTo: number }): Statement[] {
  return [vitalsUpsert(span), errorsUpsert(span), ...retentionDeltaStatements(span)];
}
