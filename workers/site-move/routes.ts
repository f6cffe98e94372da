/**
 * The operator's API behind `npm run pulse -- site move <domain> --to DB_2` (operators only: auth/operator.ts):
 * `POST /api/v1/sites/{site}/move` starts a move, `POST …/move/step` advances it one bounded step
 * (the CLI calls it until `phase` is `done`, waiting `wait_ms` when the move waits), and
 * `GET …/move` says where the site's data is and how its last move went; `DELETE …/move` gives
 * up a move that has not switched yet.
 */
import type { IRequest } from 'itty-router';
import * as v from 'valibot';
import { requireOperator as requireOperatorOf } from '../auth/operator';
import type { Env } from '../env';
import { jsonResponse } from '../lib/http-error';
import { sitePlacement } from '../lib/site-db';
import { siteParam } from '../api/sites';
import { readBody } from '../api/validate';
import { abortMove, moveStatus, startMove, stepMove, type MoveState } from './move';

const START = v.strictObject({ to: v.pipe(v.string(), v.regex(/^DB(_[0-9]+)?$/, 'must be a D1 binding: DB, DB_2, …')) });

const requireOperator = (request: IRequest, env: Env) => requireOperatorOf(request, env, 'moving sites between databases is');

function toMoveJson(state: MoveState | null, now: number) {
  if (!state) return null;
  const waiting = state.phase === 'settling' || state.phase === 'draining' ? Math.max(0, state.waitUntil - now) : 0;
  return { from: state.from, to: state.to, phase: state.phase, wait_ms: waiting, table: state.table, tables: state.tables, rows_deleted: state.deleted, rows_read: state.cost?.rowsRead ?? 0, rows_written: state.cost?.rowsWritten ?? 0, started_at: new Date(state.startedAt).toISOString() };
}

export async function getMove(request: IRequest, env: Env): Promise<Response> {
  await requireOperator(request, env);
  const site = siteParam(request);
  const placement = await sitePlacement(env, site);
  return jsonResponse({ site, database: placement.binding, moving_to: placement.movingTo, move: toMoveJson(await moveStatus(env, site), Date.now()) });
}

export async function postMove(request: IRequest, env: Env): Promise<Response> {
  await requireOperator(request, env);
  const site = siteParam(request);
  const body = await readBody(request, START);
  return jsonResponse({ site, move: toMoveJson(await startMove(env, site, body.to, Date.now()), Date.now()) }, 202);
}

export async function postMoveStep(request: IRequest, env: Env): Promise<Response> {
  await requireOperator(request, env);
  const site = siteParam(request);
  return jsonResponse({ site, move: toMoveJson(await stepMove(env, site, Date.now()), Date.now()) });
}

export async function deleteMove(request: IRequest, env: Env): Promise<Response> {
  await requireOperator(request, env);
  const site = siteParam(request);
  return jsonResponse({ site, move: toMoveJson(await abortMove(env, site), Date.now()) });
}
