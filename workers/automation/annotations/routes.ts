/**
 * Annotations (DESIGN §4b): a dated note drawn on the main chart ("launched v2"). Members who can
 * see the chart can read them; changing them needs `sites:admin` or an admin role. The date is the
 * site-local day the chart uses, so no time zone conversion happens here.
 */
import type { IRequest } from 'itty-router';
import * as v from 'valibot';
import type { Env } from '../../env';
import { HttpError, jsonResponse } from '../../lib/http-error';
import { newId, parse, readBody } from '../../api/validate';
import { idParam, notFound, openSiteResource, requireBelowCap } from '../site-resource';
import type { AnnotationRow } from '../../db/rows';

export const MAX_ANNOTATIONS_PER_SITE = 2_000;

const isRealDay = (day: string): boolean => {
  const d = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === day;
};
const DAY = v.pipe(v.string(), v.regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD'), v.check(isRealDay, 'must be a real calendar date'));
const TEXT = v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(500, 'at most 500 characters'));
const CREATE = v.strictObject({ date: DAY, text: TEXT });
const UPDATE = v.pipe(
  v.strictObject({ date: v.optional(DAY), text: v.optional(TEXT) }),
  v.check((b) => b.date !== undefined || b.text !== undefined, 'give date or text'),
);
const RANGE = v.object({ from: v.optional(DAY), to: v.optional(DAY) });

const toJson = (a: AnnotationRow) => ({
  id: a.id,
  date: a.date,
  text: a.text,
  created_at: new Date(a.created_at).toISOString(),
  updated_at: new Date(a.updated_at).toISOString(),
});

/** `GET annotations?from=&to=`: the chart asks for its own range; without one, every annotation. */
export async function listAnnotations(request: IRequest, env: Env): Promise<Response> {
  const { site, db } = await openSiteResource(request, env, 'viewer', false);
  const query = new URL(request.url).searchParams;
  const range = parse(RANGE, { from: query.get('from') ?? undefined, to: query.get('to') ?? undefined });
  if (range.from && range.to && range.from > range.to) throw new HttpError(400, 'invalid_request', 'from: must not be after to');
  const { results } = await db.prepare('SELECT * FROM annotations WHERE site_id = ? AND date >= ? AND date <= ? ORDER BY date, created_at')
    .bind(site, range.from ?? '0000-00-00', range.to ?? '9999-99-99')
    .all<AnnotationRow>();
  return jsonResponse({ annotations: results.map(toJson) });
}

export async function createAnnotation(request: IRequest, env: Env): Promise<Response> {
  const { site, db } = await openSiteResource(request, env, 'admin', true);
  const body = await readBody(request, CREATE);
  await requireBelowCap(db, 'annotations', site, MAX_ANNOTATIONS_PER_SITE);
  const now = Date.now();
  const row: AnnotationRow = { id: newId('ann'), site_id: site, date: body.date, text: body.text, created_at: now, updated_at: now };
  await db.prepare('INSERT INTO annotations (id, site_id, date, text, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)')
    .bind(row.id, site, row.date, row.text, now, now)
    .run();
  return jsonResponse(toJson(row), 201);
}

export async function updateAnnotation(request: IRequest, env: Env): Promise<Response> {
  const { site, db } = await openSiteResource(request, env, 'admin', true);
  const id = idParam(request);
  const body = await readBody(request, UPDATE);
  const row = await db.prepare('UPDATE annotations SET date = coalesce(?, date), text = coalesce(?, text), updated_at = ? WHERE id = ? AND site_id = ? RETURNING *')
    .bind(body.date ?? null, body.text ?? null, Date.now(), id, site)
    .first<AnnotationRow>();
  if (!row) throw notFound('annotation');
  return jsonResponse(toJson(row));
}

export async function deleteAnnotation(request: IRequest, env: Env): Promise<Response> {
  const { site, db } = await openSiteResource(request, env, 'admin', true);
  const result = await db.prepare('DELETE FROM annotations WHERE id = ? AND site_id = ?').bind(idParam(request), site).run();
  if (result.meta.changes === 0) throw notFound('annotation');
  return new Response(null, { status: 204 });
}
