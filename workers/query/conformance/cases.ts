/**
 * The shape of a ported Plausible case: its events (Plausible's `populate_stats`), goals, the
 * query and the expected `results` (or a `check` on the whole answer). Shared by the conformance
 * files, which run each case on a site of its own.
 */
import { expect, it } from 'vitest';
import { conformanceSite, type ConformanceSite, type Ev } from '../../../test/helpers/conformance';

export interface Case {
  name: string;
  events: Ev[];
  goals?: { event_name?: string; page_path?: string; display_name?: string }[];
  timezone?: string;
  query: Record<string, unknown>;
  results?: unknown[];
  /** for answers compared beyond `results` (meta, errors) */
  check?: (answer: { status: number; json: Record<string, any> }, site: ConformanceSite) => void | Promise<void>;
}

/** Plausible's default timestamp for events built without one: any fixed instant in range of `all`. */
export const T0 = '2021-01-01 00:00:00';

/** Events without `at` get T0. */
export const evs = (list: (Omit<Ev, 'at'> & { at?: string })[]): Ev[] => list.map((e) => ({ at: T0, ...e }));

export function runCases(cases: Case[]): void {
  for (const c of cases) {
    it(c.name, async () => {
      const site = await conformanceSite(c.timezone);
      for (const g of c.goals ?? []) await site.goal(g);
      if (c.events.length) await site.populate(c.events);
      const answer = await site.query(c.query);
      if (c.results) {
        expect(answer.status, JSON.stringify(answer.json)).toBe(200);
        expect(answer.json.results).toEqual(c.results);
      }
      await c.check?.(answer, site);
    });
  }
}
