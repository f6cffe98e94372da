/**
 * Goals (a custom event name, or "Visit <path>" with `*` = within one path segment and `**` =
 * across segments) and funnels (2–8 ordered goal steps within a session). These are definitions
 * only; workers/lib/goals.ts reads them for the query engine and the realtime snapshot. They are
 * site data, in the site's own database (workers/lib/site-db.ts), beside the rows they count.
 */
import type { IRequest } from 'itty-router';
import * as v from 'valibot';
import { requireSiteAccess } from '../auth/access';
import type { Env } from '../env';
import { HttpError, jsonResponse } from '../lib/http-error';
import { requireSettled, siteDb } from '../lib/site-db';
import { siteParam } from './sites';
import { newId, readBody } from './validate';
import type { FunnelRow, GoalRow } from '../db/rows';

const EVENT_NAME = v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(120));
const PAGE_PATH = v.pipe(v.string(), v.trim(), v.maxLength(2000), v.regex(/^\/[^\s?#]*$/, 'must be a path starting with / (wildcards * and ** allowed)'));
const CREATE_GOAL = v.union([
  v.strictObject({ event_name: EVENT_NAME, display_name: v.optional(EVENT_NAME) }),
  v.strictObject({ page_path: PAGE_PATH, display_name: v.optional(EVENT_NAME) }),
], 'give either event_name or page_path');
const CREATE_FUNNEL = v.object({
  name: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(120)),
  steps: v.pipe(v.array(v.string()), v.minLength(2, 'a funnel has 2 to 8 steps'), v.maxLength(8, 'a funnel has 2 to 8 steps')),
});

const toGoalJson = (g: GoalRow) => ({
  id: g.id,
  kind: g.kind,
  event_name: g.event_name,
  page_path: g.page_path,
  display_name: g.display_name,
  created_at: new Date(g.created_at).toISOString(),
});

export async function listGoals(request: IRequest, env: Env): Promise<Response> {
  const site = siteParam(request);
  await requireSiteAccess(request, env, site, 'viewer');
  const db = await siteDb(env, site);
  const { results } = await db.prepare('SELECT * FROM goals WHERE site_id = ? ORDER BY created_at').bind(site).all<GoalRow>();
  return jsonResponse({ goals: results.map(toGoalJson) });
}

export async function createGoal(request: IRequest, env: Env): Promise<Response> {
  const site = siteParam(request);
  await requireSiteAccess(request, env, site, 'admin');
  await requireSettled(env, site);
  const db = await siteDb(env, site);
  const body = await readBody(request, CREATE_GOAL);
  const goal: GoalRow =
    'event_name' in body
      ? { id: newId('goal'), site_id: site, kind: 'event', event_name: body.event_name, page_path: null, display_name: body.display_name ?? body.event_name, created_at: Date.now() }
      : { id: newId('goal'), site_id: site, kind: 'page', event_name: null, page_path: body.page_path, display_name: body.display_name ?? `Visit ${body.page_path}`, created_at: Date.now() };
  const result = await db.prepare(
    'INSERT INTO goals (id, site_id, kind, event_name, page_path, display_name, created_at) SELECT ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM sites WHERE id = ?) ON CONFLICT (site_id, display_name) DO NOTHING',
  )
    .bind(goal.id, site, goal.kind, goal.event_name, goal.page_path, goal.display_name, goal.created_at, site)
    .run();
  if (result.meta.changes === 0) {
    const exists = await db.prepare('SELECT 1 FROM sites WHERE id = ?').bind(site).first();
    throw exists ? new HttpError(409, 'conflict', `a goal named "${goal.display_name}" exists`) : new HttpError(404, 'not_found', `no site ${site}`);
  }
  return jsonResponse(toGoalJson(goal), 201);
}

export async function deleteGoal(request: IRequest, env: Env): Promise<Response> {
  const site = siteParam(request);
  await requireSiteAccess(request, env, site, 'admin');
  await requireSettled(env, site);
  const db = await siteDb(env, site);
  const id = request.params.id ?? '';
  const usedBy = await db.prepare('SELECT name FROM funnels WHERE site_id = ? AND EXISTS (SELECT 1 FROM json_each(funnels.steps) WHERE value = ?)')
    .bind(site, id)
    .first<{ name: string }>();
  if (usedBy) throw new HttpError(409, 'conflict', `goal is a step of funnel "${usedBy.name}"; delete the funnel first`);
  const result = await db.prepare('DELETE FROM goals WHERE id = ? AND site_id = ?').bind(id, site).run();
  if (result.meta.changes === 0) throw new HttpError(404, 'not_found', 'no such goal');
  return new Response(null, { status: 204 });
}

const toFunnelJson = (f: FunnelRow) => ({ id: f.id, name: f.name, steps: JSON.parse(f.steps) as string[], created_at: new Date(f.created_at).toISOString() });

export async function listFunnels(request: IRequest, env: Env): Promise<Response> {
  const site = siteParam(request);
  await requireSiteAccess(request, env, site, 'viewer');
  const db = await siteDb(env, site);
  const { results } = await db.prepare('SELECT * FROM funnels WHERE site_id = ? ORDER BY created_at').bind(site).all<FunnelRow>();
  return jsonResponse({ funnels: results.map(toFunnelJson) });
}

export async function createFunnel(request: IRequest, env: Env): Promise<Response> {
  const site = siteParam(request);
  await requireSiteAccess(request, env, site, 'admin');
  await requireSettled(env, site);
  const db = await siteDb(env, site);
  const body = await readBody(request, CREATE_FUNNEL);
  // Every step must be a goal of this very site: a funnel never points into another site.
  const found = await db.prepare('SELECT count(DISTINCT id) AS n FROM goals WHERE site_id = ? AND id IN (SELECT value FROM json_each(?))')
    .bind(site, JSON.stringify(body.steps))
    .first<{ n: number }>();
  if (found?.n !== new Set(body.steps).size) throw new HttpError(400, 'invalid_request', 'steps: every step must be a goal id of this site');
  const funnel: FunnelRow = { id: newId('fnl'), site_id: site, name: body.name, steps: JSON.stringify(body.steps), created_at: Date.now() };
  await db.prepare('INSERT INTO funnels (id, site_id, name, steps, created_at) VALUES (?, ?, ?, ?, ?)')
    .bind(funnel.id, site, funnel.name, funnel.steps, funnel.created_at)
    .run();
  return jsonResponse(toFunnelJson(funnel), 201);
}

export async function deleteFunnel(request: IRequest, env: Env): Promise<Response> {
  const site = siteParam(request);
  await requireSiteAccess(request, env, site, 'admin');
  await requireSettled(env, site);
  const db = await siteDb(env, site);
  const result = await db.prepare('DELETE FROM funnels WHERE id = ? AND site_id = ?').bind(request.params.id ?? '', site).run();
  if (result.meta.changes === 0) throw new HttpError(404, 'not_found', 'no such funnel');
  return new Response(null, { status: 204 });
}
