/**
 * Whether a site's report pre-aggregates (vitals_daily, errors_daily, retention's
 * behaviour_visitor_*) hold its whole history. They are written by the rollup refresh, so a site
 * whose refresh ran before they existed has earlier days they never saw: migration 0016 marks
 * those sites (`rollup_state.reports_preagg = 0`) and their reports read the raw rows instead,
 * bounded as filtered reports are. A site never refreshed has no row: nothing is missing yet.
 */
import type { QueryDb } from '../query/db';

export async function preaggCoversSite(db: QueryDb, site: string): Promise<boolean> {
  const [state] = await db.all<{ reports_preagg: number }>('SELECT reports_preagg FROM rollup_state WHERE site_id = ?1', [site]);
  return state?.reports_preagg !== 0;
}

/** The 400 a report over the bound answers for such a site: what to do about it. */
export const UNCOVERED_HINT = 'this site was counted before its pre-aggregates existed, so its reports read raw events: narrow the period';
