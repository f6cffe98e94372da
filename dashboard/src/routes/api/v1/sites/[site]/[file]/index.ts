/**
 * `GET /api/v1/sites/:site/export.csv` on the dashboard's own origin: the browser cannot send the
 * HttpOnly session as a Bearer token itself, so the dashboard forwards the download to the Worker
 * with the same query string (a share view's `auth` token is forwarded as Bearer instead).
 */
import type { RequestHandler } from '@builder.io/qwik-city';
import { apiFetch } from '../../../../../../lib/api';

export const onGet: RequestHandler = async (ev) => {
  if (ev.params.file !== 'export.csv') {
    ev.json(404, { error: 'no such route' });
    return;
  }
  const search = new URLSearchParams(ev.url.search);
  const share = search.get('auth');
  search.delete('auth');
  const res = await apiFetch(ev, `/api/v1/sites/${encodeURIComponent(ev.params.site!)}/export.csv?${search}`, { share });
  const headers = new Headers();
  for (const name of ['content-type', 'content-disposition']) {
    const value = res.headers.get(name);
    if (value) headers.set(name, value);
  }
  headers.set('cache-control', 'no-store');
  ev.send(new Response(res.body, { status: res.status, headers }));
};
