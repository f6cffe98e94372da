/**
 * Saved segments for the filter menu, from `GET /api/v1/sites/{site}/segments`: the site's
 * segments and the signed-in user's personal ones (a share link sees the site's only).
 */
import { server$ } from '@builder.io/qwik-city';
import type { Segment } from '../../../contract/api';
import { api, messageOf } from './api';
import type { Result } from './stats';

export const listSegments = server$(async function (site: string, share: string | null): Promise<Result<Segment[]>> {
  try {
    const res = await api<{ segments: Segment[] }>(this, `/api/v1/sites/${encodeURIComponent(site)}/segments`, { share });
    return { ok: true, data: res.segments };
  } catch (e) {
    return { ok: false, error: messageOf(e) };
  }
});
