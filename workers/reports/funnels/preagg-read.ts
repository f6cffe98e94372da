/**
 * The pre-aggregated plan of a stored funnel (session window, no visit filters): `funnel_daily`'s
 * rows of the range (days × steps), merged in the Worker. Anonymous visitors add up by day; an
 * identified visitor counts once, with the times of their best day (furthest, then earliest), as
 * daily.ts's totalsOf does on raw rows; medians come from the histograms (MEDIAN_ERROR_BOUND).
 */
import type { QueryDb } from '../../query/db';
import { medianFromBuckets } from './daily';
import type { GoalDef, StepSpec } from './steps';
import { matchesWithoutResolution, usedGoals } from './step-events';

/**
 * What a funnel's rows were built for: its steps and the goals they use spelled out (a changed
 * goal is a new definition). Null: a funnel the refresh does not keep (steps that resolve
 * against the data: wildcard page goals, `matches`).
 */
export function funnelDefinition(rawSteps: unknown, steps: StepSpec[], goalDefs: GoalDef[]): string | null {
  if (!matchesWithoutResolution(steps, goalDefs)) return null;
  const goals = usedGoals(steps, goalDefs).map((g) => [g.id, g.kind, g.event_name, g.page_path, g.display_name]);
  return JSON.stringify({ steps: rawSteps, goals });
}

export interface PreaggTotals {
  visitors: number[];
  medians: (number | null)[];
}

const parseMap = (json: string) => new Map(Object.entries(JSON.parse(json) as Record<string, number>).map(([k, v]) => [Number(k), v]));

type DayRow = { day: string; step: number; visitors: number; hist: string; ids: string };
type CoverRow = { built_from: string; complete: number; pending: string | null };

const coverageSql = 'SELECT f.built_from, f.complete, (SELECT pending FROM rollup_state WHERE site_id = ?1 AND watermark >= 0) AS pending'
  + ' FROM funnel_preagg f WHERE f.site_id = ?1 AND f.funnel_id = ?2 AND f.definition = ?3';
const rowsSql = 'SELECT day, step, visitors, hist, ids FROM funnel_daily WHERE site_id = ?1 AND funnel_id = ?2 AND day >= ?3 AND day <= ?4 AND step <= ?5 ORDER BY day, step';

/**
 * Whether the rows answer `[firstDay, …]` for this definition: built for it, from a day on or
 * before the range's first (or every day the site has), and the rollups' refresh caught up (no
 * day pending a rebuild: those days' funnel rows are rebuilt with them).
 */
const covers = (row: CoverRow | undefined, firstDay: string) => !!row && row.built_from !== '' && row.pending === '[]' && (row.complete === 1 || row.built_from <= firstDay);

/**
 * The coverage check and the rows in one round trip: the totals when the rows cover the range
 * (or `force`: tests, the benchmark), else null (the raw plan answers).
 */
export async function coveredTotals(db: QueryDb, site: string, funnelId: string, definition: string, range: [string, string], steps: number, force = false): Promise<PreaggTotals | null> {
  const [cover, rows] = await db.batch<CoverRow & DayRow>([
    { sql: coverageSql, params: [site, funnelId, definition] },
    { sql: rowsSql, params: [site, funnelId, range[0], range[1], steps] },
  ]);
  if (!force && !covers(cover![0], range[0])) return null;
  return totalsFromRows(rows!, steps);
}

function totalsFromRows(rows: DayRow[], steps: number): PreaggTotals {
  const anon = Array.from({ length: steps }, () => 0);
  const hist = Array.from({ length: steps }, () => new Map<number, number>());
  // identified: per visitor, their best day so far: [level, day, buckets by step]
  const best = new Map<number, { level: number; day: string; buckets: number[] }>();
  const perDay = new Map<number, { level: number; buckets: number[] }>();
  const flush = (day: string) => {
    for (const [id, d] of perDay) {
      const had = best.get(id);
      if (!had || d.level > had.level) best.set(id, { level: d.level, day, buckets: d.buckets });
    }
    perDay.clear();
  };
  let current = '';
  for (const r of rows) {
    if (r.day !== current) flush(current);
    current = r.day;
    const k = r.step - 1;
    anon[k]! += r.visitors;
    for (const [b, n] of parseMap(r.hist)) hist[k]!.set(b, (hist[k]!.get(b) ?? 0) + n);
    for (const [id, b] of parseMap(r.ids)) {
      let d = perDay.get(id);
      if (!d) perDay.set(id, (d = { level: 0, buckets: [] }));
      d.level = Math.max(d.level, r.step);
      d.buckets[k] = b;
    }
  }
  flush(current);
  const visitors = [...anon];
  for (const { level, buckets } of best.values()) {
    for (let k = 0; k < level; k++) {
      visitors[k]!++;
      if (k > 0) hist[k]!.set(buckets[k]!, (hist[k]!.get(buckets[k]!) ?? 0) + 1);
    }
  }
  return { visitors, medians: hist.map((h, k) => (k === 0 ? null : medianFromBuckets(h))) };
}
