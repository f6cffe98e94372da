/**
 * `/export/:site/<tab>.csv?<view>` (one card tab, e.g. `source.csv`) and `/export/:site/all.zip`
 * (every card). The view parameters are the overview's (period, filters); `dim` picks a property
 * key for the Properties tab, `q` a details search, `auth` a share link's token. The API checks
 * the session or token on every query behind it.
 */
import type { RequestHandler } from '@builder.io/qwik-city';
import type { Dimension } from '../../../../../../contract/api';
import { everythingZip, tabCsv } from '../../../../components/breakdown/card-export';
import { CARDS } from '../../../../components/breakdown/cards';
import { ApiError, messageOf } from '../../../../lib/api';

const attachment = (name: string) => `attachment; filename="${name.replace(/[^\w.-]/g, '_')}"`;

export const onGet: RequestHandler = async (ev) => {
  const site = ev.params.site!;
  const file = ev.params.file!;
  const share = ev.url.searchParams.get('auth');
  ev.headers.set('cache-control', 'no-store');
  try {
    if (file === 'all.zip') {
      const zip = await everythingZip(ev, share, site, ev.url);
      ev.send(new Response(zip.body as Uint8Array<ArrayBuffer>, { headers: { 'content-type': 'application/zip', 'content-disposition': attachment(zip.name), 'cache-control': 'no-store' } }));
      return;
    }
    const tab = CARDS.flatMap((c) => c.tabs).find((t) => `${t.id}.csv` === file);
    if (!tab) {
      ev.json(404, { error: `no export named ${file}: use <tab>.csv (${CARDS.flatMap((c) => c.tabs.map((t) => t.id)).join(', ')}) or all.zip`, code: 'not_found' });
      return;
    }
    const dim = ev.url.searchParams.get('dim');
    const key = (tab.id === 'props' && dim?.startsWith('event:props:') && dim.length <= 300 ? dim : tab.dimension) as Dimension;
    const csv = await tabCsv(ev, share, site, ev.url, tab, key, (ev.url.searchParams.get('q') ?? '').trim().slice(0, 200));
    ev.send(new Response(csv.body, { headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': attachment(csv.name), 'cache-control': 'no-store' } }));
  } catch (e) {
    const status = e instanceof ApiError && e.status >= 400 && e.status < 500 ? e.status : 502;
    ev.json(status, { error: messageOf(e), code: status === 502 ? 'upstream_error' : 'bad_request' });
  }
};
