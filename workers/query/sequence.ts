/**
 * Plausible's `["sequence", [step, step, …]]` filter (DESIGN §4; semantics as Plausible's
 * sequence_test.exs). Steps are filters on event dimensions (leaves, `and`, `or`). Within one
 * session, step 1 is its first matching event, step k the first event matching step k strictly
 * after step k-1's (one event never satisfies two steps); never across sessions.
 * - Queried with an event dimension, the filter keeps, per session, the single event that
 *   immediately follows the completed sequence ("where do people go after /pricing -> Signup").
 * - Otherwise (visit dimensions, none, or the sessions side) it keeps the sessions in which the
 *   sequence completed, whatever follows.
 * Passive events (engagement, web vitals, errors) are never steps nor the next event.
 *
 * SQL: one grouped scan of the range per step, each joined to the previous step's per-session
 * time (a small table SQLite indexes on the fly); D1 has no index on session ids to use instead.
 */
import { PASSIVE_EVENT_NAMES } from '../../contract/events';
import { HttpError } from '../lib/http-error';
import { DAY_MS } from '../lib/timezone';
import type { Params } from './sql';
import type { Filter } from './types';

const bad = (message: string) => new HttpError(400, 'invalid_query', message);

/** steps in one sequence: each is a scan of the range */
export const MAX_SEQUENCE_STEPS = 10;
const BEHAVIOURAL = ['has_done', 'has_not_done', 'sequence'];
export const NESTED_MESSAGE = 'Invalid filter: Behavioral filters (has_done, has_not_done, sequence) cannot be nested';
const EVENT_ONLY_MESSAGE = 'Invalid filter: Behavioral filters (has_done, has_not_done, sequence) can only be used with event dimension filters';

/** One visit per array node: linear in the body, which assertBodyDepth keeps to 64 levels. */
function containsBehavioural(raw: unknown): boolean {
  return Array.isArray(raw) && (BEHAVIOURAL.includes(raw[0]) || raw.some(containsBehavioural));
}

function leafDimensions(f: Filter, out: string[] = []): string[] {
  if ('dimension' in f) out.push(f.dimension);
  else if ('filters' in f) f.filters.forEach((x) => leafDimensions(x, out));
  else leafDimensions(f.filter, out);
  return out;
}

/** Parses `["sequence", [steps]]`; `parseStep` is the filter parser (validate-filters.ts). */
export function parseSequence(raw: unknown[], pointer: string, parseStep: (step: unknown, pointer: string) => Filter): Filter {
  const steps = raw[1];
  if (raw.length !== 2 || !Array.isArray(steps) || steps.length === 0) throw bad(`${pointer}: Invalid filter ${JSON.stringify(raw).slice(0, 200)}`);
  if (steps.length > MAX_SEQUENCE_STEPS) throw bad(`${pointer}/1: Invalid filter: a sequence has at most ${MAX_SEQUENCE_STEPS} steps`);
  return {
    op: 'sequence',
    filters: steps.map((step: unknown, i: number) => {
      const at = `${pointer}/1/${i}`;
      if (containsBehavioural(step)) throw bad(`${at}: ${NESTED_MESSAGE}`);
      const parsed = parseStep(step, at);
      if (leafDimensions(parsed).some((d) => !d.startsWith('event:'))) throw bad(`${at}: ${EVENT_ONLY_MESSAGE}`);
      return parsed;
    }),
  };
}

export interface SequenceContext {
  params: Params;
  site: string;
  from: number;
  to: number;
}

/**
 * The condition a sequence puts on a side: session membership, or on events with `nextEvent`
 * the one event after the completed sequence. `stepSql` is a step's condition on `events e`.
 */
export function sequenceSql(steps: Filter[], side: 'e' | 's', ctx: SequenceContext, stepSql: (step: Filter) => string, nextEvent: boolean): string {
  const p = ctx.params;
  // sessions start in the range but may run past its end; a day of slack covers any real session
  const scan = `e.site_id = ${p.bind(ctx.site)} AND e.ts >= ${p.bind(ctx.from)} AND e.ts < ${p.bind(ctx.to + DAY_MS)}`
    + ` AND e.name NOT IN ${p.bindSet(PASSIVE_EVENT_NAMES)}`;
  let done = `SELECT e.session_id AS sid, min(e.ts) AS t FROM events e WHERE ${scan} AND (${stepSql(steps[0]!)}) GROUP BY e.session_id`;
  const after = (prev: string, cond: string) => `SELECT e.session_id AS sid, min(e.ts) AS t FROM events e JOIN (${prev}) q ON q.sid = e.session_id AND e.ts > q.t`
    + ` WHERE ${scan} AND (${cond}) GROUP BY e.session_id`;
  for (const step of steps.slice(1)) done = after(done, stepSql(step));
  if (side === 's') return `s.id IN (SELECT sid FROM (${done}))`;
  if (!nextEvent) return `e.session_id IN (SELECT sid FROM (${done}))`;
  return `(e.session_id, e.ts) IN (SELECT sid, t FROM (${after(done, '1')}))`;
}
