/**
 * Saved segments for the filter menu, from `GET /api/v1/sites/{site}/segments`: the site's
 * segments and the signed-in user's personal ones (a share link sees the site's only), and
 * `POST` of the same path to save the current filters as one.
 */
import { server$ } from '@builder.io/qwik-city';
import type { Segment, SegmentCreate } from '../../../contract/api';
import { api, messageOf } from './api';
import type { Result } from './stats';

const path = (site: string) => `/api/v1/sites/${encodeURIComponent(site)}/segments`;

export const listSegments = server$(async function (site: string, share: string | null): Promise<Result<Segment[]>> {
  try {
    const res = await api<{ segments: Segment[] }>(this, path(site), { share });
    return { ok: true, data: res.segments };
  } catch (e) {
    return { ok: false, error: messageOf(e) };
  }
});

/** Saves a segment as the signed-in user (a `site` scope needs the admin role: the API says so). */
export const createSegment = server$(async function (site: string, body: SegmentCreate): Promise<Result<Segment>> {
  try {
    return { ok: true, data: await api<Segment>(this, path(site), { body }) };
  } catch (e) {
    return { ok: false, error: messageOf(e) };
  }
});
