/**
 * Moving a site's data from one D1 database to another without losing or doubling an event
 * (README "Moving a site"). The move is a state machine in the site's directory row, advanced by
 * bounded steps (`npm run pulse -- site move` calls them until done), so no request runs long:
 *
 * 1. `settling`: the directory says `moving_to = <target>`; from now on the consumer writes every
 *    message to both databases (home first). The step waits until every isolate's cached
 *    placement (PLACEMENT_TTL_MS) has seen it, then claims the site's rollup run lock (an
 *    in-flight refresh stops at its next batch; later ones skip a moving site).
 * 2. `copy`: table by table, chunk by chunk, the target's rows of the site are made equal to the
 *    source's (sync-chunk.ts). Writes that arrive meanwhile reach both databases.
 * 3. `verify`: the same pass again, which now only compares, counting rows and a checksum per
 *    table (it repairs what a late message changed, and says how many rows it had to).
 * 4. `draining`: the directory switches (`binding = <target>`): reads go to the target; isolates
 *    still holding `moving` keep writing both until their cache expires, which is waited out.
 * 5. `cleanup`: the site's rows leave the old database, chunk by chunk; then `done`.
 * Erasures, goal changes, retention, site delete and rollup refreshes wait while a move runs
 * (409 or skipped): each would change rows a chunk already copied.
 */
import type { Env } from '../env';
import { QueryDb } from '../query/db';
import { claimSite } from '../rollups/run-lock';
import { HttpError } from '../lib/http-error';
import { databaseOf, forgetSitePlacement, PLACEMENT_TTL_MS, PRIMARY, sitePlacement } from '../lib/site-db';
import { dropMirror, mirrorSite } from '../lib/site-mirror';
import { SITE_DATA_TABLES, tableShape } from './tables';
import { deleteChunk, syncChunk } from './sync-chunk';

export type MovePhase = 'settling' | 'copy' | 'verify' | 'draining' | 'cleanup' | 'done' | 'aborted';

export interface MoveState {
  site: string;
  from: string;
  to: string;
  phase: MovePhase;
  startedAt: number;
  /** settling and draining: the phase waits until this time */
  waitUntil: number;
  /** index into SITE_DATA_TABLES of the table being copied, verified or cleaned */
  table: number;
  /** the key of the last row done in that table */
  cursor: unknown[] | null;
  /** per table: rows copied (written or deleted in the target) and, once verified, rows and checksum */
  tables: Record<string, { copied: number; rows?: number; checksum?: string; repaired?: number }>;
  /** cleanup: rows deleted from the old database */
  deleted: number;
  /** D1 rows the move's own statements read and wrote (both databases; index entries included) */
  cost: { rowsRead: number; rowsWritten: number };
}

export interface MoveOptions {
  /** how long settling and draining wait; PLACEMENT_TTL_MS plus a margin unless a test says */
  settleMs?: number;
  /** rows per chunk */
  chunk?: number;
  /** chunks per step: keeps one request well inside its subrequest and time limits */
  chunksPerStep?: number;
}

const SETTLE_MARGIN_MS = 5_000;
const DEFAULTS = { settleMs: PLACEMENT_TTL_MS + SETTLE_MARGIN_MS, chunk: 200, chunksPerStep: 25 };

async function readState(env: Env, site: string): Promise<{ raw: string | null; state: MoveState | null }> {
  const row = await env.DB.prepare('SELECT move FROM site_databases WHERE site_id = ?').bind(site).first<{ move: string | null }>();
  const raw = row?.move ?? null;
  return { raw, state: raw ? (JSON.parse(raw) as MoveState) : null };
}

/** Stores the next state only if nobody stepped the move since `raw` was read (two CLIs at once). */
async function saveState(env: Env, raw: string | null, state: MoveState, columns: { binding: string; movingTo: string | null }): Promise<void> {
  const result = await env.DB.prepare('UPDATE site_databases SET move = ?1, binding = ?2, moving_to = ?3, updated_at = ?4 WHERE site_id = ?5 AND move IS ?6')
    .bind(JSON.stringify(state), columns.binding, columns.movingTo, Date.now(), state.site, raw)
    .run();
  if (result.meta.changes !== 1) throw new HttpError(409, 'conflict', `the move of ${state.site} was stepped by someone else; ask again`);
  forgetSitePlacement(state.site);
}

/** Where the site's move stands (null: never moved). */
export async function moveStatus(env: Env, site: string): Promise<MoveState | null> {
  return (await readState(env, site)).state;
}

/** Starts moving `site` to the database bound as `to`: the directory says `moving`, writers write both. */
export async function startMove(env: Env, site: string, to: string, now: number, options: MoveOptions = {}): Promise<MoveState> {
  databaseOf(env, to);
  if (!(await env.DB.prepare('SELECT 1 FROM sites WHERE id = ?').bind(site).first())) throw new HttpError(404, 'not_found', `no site ${site}`);
  forgetSitePlacement(site);
  const placement = await sitePlacement(env, site, now);
  const { raw, state: previous } = await readState(env, site);
  if (placement.movingTo || (previous && previous.phase !== 'done' && previous.phase !== 'aborted')) throw new HttpError(409, 'site_moving', `site ${site} is already moving; step that move until it is done`);
  if (placement.binding === to) throw new HttpError(409, 'conflict', `site ${site} is already in ${to}`);
  // the mirror first: the consumer's guard in the target must find the site before it writes there
  await mirrorSite(env, site, [{ binding: to, db: databaseOf(env, to) }]);
  const state: MoveState = {
    site, from: placement.binding, to, phase: 'settling', startedAt: now, waitUntil: now + (options.settleMs ?? DEFAULTS.settleMs),
    table: 0, cursor: null, tables: {}, deleted: 0, cost: { rowsRead: 0, rowsWritten: 0 },
  };
  await env.DB.prepare('INSERT INTO site_databases (site_id, binding, moving_to, move, updated_at) VALUES (?1, ?2, NULL, ?3, ?4) ON CONFLICT (site_id) DO NOTHING')
    .bind(site, placement.binding, raw, now)
    .run();
  await saveState(env, raw, state, { binding: placement.binding, movingTo: to });
  return state;
}

/**
 * Gives up a move that has not switched yet (the target is failing, the operator changed their
 * mind): writers go back to the home database alone; what the target got stays there until a
 * later move to it makes it equal again (the copy deletes rows the source lacks).
 */
export async function abortMove(env: Env, site: string): Promise<MoveState> {
  const { raw, state } = await readState(env, site);
  if (!state || !['settling', 'copy', 'verify'].includes(state.phase)) {
    throw new HttpError(409, 'conflict', `site ${site} has no move to abort before its switch${state ? ` (it is ${state.phase})` : ''}`);
  }
  const aborted: MoveState = { ...state, phase: 'aborted' };
  await saveState(env, raw, aborted, { binding: state.from, movingTo: null });
  return aborted;
}

/** Advances the move by one bounded step; returns the new state (`done` at the end). */
export async function stepMove(env: Env, site: string, now: number, options: MoveOptions = {}): Promise<MoveState> {
  const opts = { ...DEFAULTS, ...options };
  const { raw, state: current } = await readState(env, site);
  if (!current) throw new HttpError(404, 'not_found', `site ${site} has no move; start one first`);
  const state: MoveState = structuredClone(current);
  const from = databaseOf(env, state.from);
  const to = databaseOf(env, state.to);
  const moving = { binding: state.from, movingTo: state.to };
  switch (state.phase) {
    case 'done':
    case 'aborted':
      return state;
    case 'settling':
      if (now < state.waitUntil) return state;
      // every isolate now writes both databases; a refresh run still in flight loses its lock
      await claimSite(new QueryDb(from), site, now);
      await saveState(env, raw, { ...state, phase: 'copy', table: 0, cursor: null }, moving);
      return stepMove(env, site, Date.now(), options);
    case 'copy':
    case 'verify': {
      for (let chunks = 0; chunks < opts.chunksPerStep && state.table < SITE_DATA_TABLES.length; chunks++) {
        const name = SITE_DATA_TABLES[state.table]!;
        const shape = await tableShape(from, name);
        const r = await syncChunk(from, to, shape, site, state.cursor, opts.chunk);
        state.cost.rowsRead += r.rowsRead;
        state.cost.rowsWritten += r.rowsWritten;
        const entry = (state.tables[name] ??= { copied: 0 });
        if (state.phase === 'copy') entry.copied += r.repaired;
        else {
          entry.rows = (entry.rows ?? 0) + r.rows;
          entry.checksum = ((Number.parseInt(entry.checksum ?? '0', 16) + r.checksum) >>> 0).toString(16).padStart(8, '0');
          entry.repaired = (entry.repaired ?? 0) + r.repaired;
        }
        state.cursor = r.next;
        if (!r.next) state.table += 1;
      }
      if (state.table < SITE_DATA_TABLES.length) {
        await saveState(env, raw, state, moving);
        return state;
      }
      if (state.phase === 'copy') {
        const verifying: MoveState = { ...state, phase: 'verify', table: 0, cursor: null };
        await saveState(env, raw, verifying, moving);
        return verifying;
      }
      // verified: the target's mirror gets the site's latest settings, and reads switch to it
      await mirrorSite(env, site, [{ binding: state.to, db: to }]);
      const switched: MoveState = { ...state, phase: 'draining', waitUntil: now + opts.settleMs, table: 0, cursor: null };
      await saveState(env, raw, switched, { binding: state.to, movingTo: null });
      return switched;
    }
    case 'draining':
      if (now < state.waitUntil) return state;
      await saveState(env, raw, { ...state, phase: 'cleanup', table: 0, cursor: null }, { binding: state.to, movingTo: null });
      return stepMove(env, site, Date.now(), options);
    case 'cleanup': {
      for (let chunks = 0; chunks < opts.chunksPerStep && state.table < SITE_DATA_TABLES.length; chunks++) {
        const r = await deleteChunk(from, await tableShape(from, SITE_DATA_TABLES[state.table]!), site, opts.chunk * 5);
        state.deleted += r.deleted;
        state.cost.rowsRead += r.rowsRead;
        state.cost.rowsWritten += r.rowsWritten;
        if (r.deleted === 0) state.table += 1;
      }
      const done = state.table >= SITE_DATA_TABLES.length;
      // the old database's mirror goes last; in the primary the row is the site itself and stays
      if (done && state.from !== PRIMARY) await dropMirror(site, [{ binding: state.from, db: from }]);
      const next: MoveState = done ? { ...state, phase: 'done' } : state;
      await saveState(env, raw, next, { binding: state.to, movingTo: null });
      return next;
    }
  }
}
