/**
 * Which events a webhook wants (DESIGN §4b): `goal:<name>` (a conversion of that goal, custom
 * event or page goal), `event:<name>` (a custom event of that name), `alert` (alert firings), `*`
 * (every goal conversion, every custom event and every alert). The automatic events (pageviews,
 * engagement, vitals, errors) go out only as goal conversions: a webhook per pageview would be a
 * second, unbounded copy of the ingest.
 */
import { AUTOMATIC_EVENT_NAMES, type StoredEvent } from '../../../contract/events';
import { wildcardRegex, type Goal } from '../../lib/goals';
import type { Pattern } from '../../lib/user-regex';

export const MAX_SELECTORS = 20;
export const SELECTOR_PATTERN = /^(goal:.{1,120}|event:.{1,120}|alert|\*)$/s;
export const SELECTOR_HINT = 'each must be "goal:<name>", "event:<name>", "alert" or "*"';

/** A site's goals, ready to test events against (page-goal patterns compiled once). */
export interface GoalMatcher {
  name: string;
  test: (event: StoredEvent) => boolean;
}

export function goalMatchers(goals: Goal[]): GoalMatcher[] {
  return goals.map((goal) => {
    if (goal.eventName !== null) {
      const eventName = goal.eventName;
      return { name: goal.name, test: (e: StoredEvent) => e.name === eventName };
    }
    let pattern: Pattern | null = null;
    const path = goal.pagePath ?? '';
    return { name: goal.name, test: (e: StoredEvent) => e.name === 'pageview' && (pattern ??= wildcardRegex(path)).test(e.pathname) };
  });
}

/** The goals an event completes, by name. */
export const goalsOf = (event: StoredEvent, goals: GoalMatcher[]): string[] => goals.filter((g) => g.test(event)).map((g) => g.name);

/** Does a webhook with these selectors want this event (with the goals it completes)? */
export function wantsEvent(selectors: string[], event: StoredEvent, goals: string[]): boolean {
  const custom = !AUTOMATIC_EVENT_NAMES.includes(event.name);
  return selectors.some((s) => {
    if (s === '*') return custom || goals.length > 0;
    if (s.startsWith('event:')) return custom && event.name === s.slice(6);
    if (s.startsWith('goal:')) return goals.includes(s.slice(5));
    return false;
  });
}

export const wantsAlerts = (selectors: string[]): boolean => selectors.includes('alert') || selectors.includes('*');

/** Whether matching needs the site's goals at all (most webhooks name custom events only). */
export const needsGoals = (selectors: string[]): boolean => selectors.some((s) => s === '*' || s.startsWith('goal:'));
