/**
 * A site's webhooks as the events consumer needs them, cached per isolate. The consumer asks for
 * every site in every batch, and almost no site has a webhook: the answer, empty or not, is kept
 * HOOKS_TTL_MS, so such a site costs one indexed D1 read per isolate per TTL and no row written.
 * A webhook created, changed or deleted in another isolate is seen here at most that much later;
 * the isolate that changed it forgets its entry at once.
 */
import type { Env } from '../../env';
import { loadGoals } from '../../lib/goals';
import { siteDb } from '../../lib/site-db';
import { goalMatchers, needsGoals, type GoalMatcher } from './selectors';

export const HOOKS_TTL_MS = 30_000;
const MAX_CACHED = 10_000;

export interface SiteHook {
  id: string;
  selectors: string[];
}

export interface SiteHooks {
  hooks: SiteHook[];
  /** the site's goals, loaded only when a hook selects goals */
  goals: GoalMatcher[];
}

const NONE: SiteHooks = { hooks: [], goals: [] };
const cache = new Map<string, { at: number; value: SiteHooks }>();

export async function siteHooks(env: Env, site: string, now = Date.now()): Promise<SiteHooks> {
  const hit = cache.get(site);
  if (hit && now - hit.at < HOOKS_TTL_MS) return hit.value;
  const db = await siteDb(env, site);
  const { results } = await db.prepare('SELECT id, events FROM webhooks WHERE site_id = ?').bind(site).all<{ id: string; events: string }>();
  const hooks = results.map((r) => ({ id: r.id, selectors: JSON.parse(r.events) as string[] }));
  const value = !hooks.length ? NONE : { hooks, goals: hooks.some((h) => needsGoals(h.selectors)) ? goalMatchers(await loadGoals(db, site)) : [] };
  cache.delete(site);
  cache.set(site, { at: now, value });
  if (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value!);
  return value;
}

/** After a change of the site's webhooks (or goals) in this isolate. */
export function forgetSiteHooks(site: string): void {
  cache.delete(site);
}
