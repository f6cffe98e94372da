/**
 * Funnel definitions (DESIGN §4a): 2–8 steps, each a goal of the site (by id) or an event filter
 * like the `sequence` filter's steps (a leaf on an event dimension, or an `and` group of them).
 * Validated here; a repeated step or a goal the site lacks is a 400 naming the step.
 */
import type { FunnelWindow } from '../../../contract/reports';
import { parseFilters } from '../../query/validate-filters';
import type { Filter } from '../../query/types';
import { bad } from '../params';

export const MIN_STEPS = 2;
export const MAX_STEPS = 8;

export type StepSpec = { kind: 'goal'; goalId: string } | { kind: 'filter'; filter: Filter; raw: unknown };

export interface GoalDef {
  id: string;
  kind: 'event' | 'page';
  event_name: string | null;
  page_path: string | null;
  display_name: string;
}

export type Window = FunnelWindow;
export const WINDOW_MS: Record<Exclude<Window, 'session'>, number> = { '24h': 86_400_000, '7d': 7 * 86_400_000 };

export function parseWindow(raw: unknown): Window {
  if (raw === undefined || raw === null) return 'session';
  if (raw === 'session' || raw === '24h' || raw === '7d') return raw;
  throw bad(`#/window: Expected "session", "24h" or "7d", got ${JSON.stringify(raw).slice(0, 40)}`);
}

export function parseSteps(raw: unknown): StepSpec[] {
  if (!Array.isArray(raw)) throw bad('#/steps: Expected a list of steps (goal ids or event filters)');
  if (raw.length < MIN_STEPS || raw.length > MAX_STEPS) throw bad(`#/steps: a funnel has ${MIN_STEPS} to ${MAX_STEPS} steps, got ${raw.length}`);
  const seen = new Map<string, number>();
  return raw.map((step, i) => {
    const key = JSON.stringify(step);
    const earlier = seen.get(key);
    if (earlier !== undefined) throw bad(`#/steps/${i}: repeats step ${earlier + 1}; each step may appear once`);
    seen.set(key, i);
    if (typeof step === 'string') {
      if (step === '' || step.length > 200) throw bad(`#/steps/${i}: Expected a goal id`);
      return { kind: 'goal', goalId: step };
    }
    return { kind: 'filter', filter: parseStepFilter(step, `#/steps/${i}`), raw: step };
  });
}

/** A step filter: the same as a `sequence` step (event dimensions; leaves, `and`, `or`, `not`). */
export function parseStepFilter(raw: unknown, pointer: string): Filter {
  if (!Array.isArray(raw)) throw bad(`${pointer}: Expected a goal id or an event filter such as ["is", "event:page", ["/pricing"]]`);
  try {
    const sequence = parseFilters([['sequence', [raw]]])[0] as Extract<Filter, { filters: Filter[] }>;
    return sequence.filters[0]!;
  } catch (err) {
    // the filter parser names the step inside a sequence; the caller's pointer is the funnel's
    if (err instanceof Error) err.message = err.message.replace(/^#\/filters\/0\/1\/0|^#\/filters\/0/, pointer);
    throw err;
  }
}

/** Goal steps must name goals of this site; the answer names each step. */
export function checkGoalSteps(steps: StepSpec[], goals: GoalDef[]): void {
  steps.forEach((s, i) => {
    if (s.kind === 'goal' && !goals.some((g) => g.id === s.goalId)) throw bad(`#/steps/${i}: no goal "${s.goalId}" on this site`);
  });
}

/** A step's display name: the goal's, or one read off the filter (`Visit /pricing`, `Signup`). */
export function stepName(step: StepSpec, goals: GoalDef[]): string {
  if (step.kind === 'goal') return goals.find((g) => g.id === step.goalId)!.display_name;
  return filterName(step.filter);
}

function filterName(f: Filter): string {
  if (f.op === 'and' || f.op === 'or') return f.filters.map(filterName).join(` ${f.op} `);
  if (!('dimension' in f)) return JSON.stringify(f);
  const values = f.values.join(' or ');
  if (f.op === 'is' && f.dimension === 'event:page') return `Visit ${values}`;
  if (f.op === 'is' && (f.dimension === 'event:name' || f.dimension === 'event:goal')) return values;
  return `${f.dimension} ${f.op.replace('_', ' ')} ${values}`;
}
