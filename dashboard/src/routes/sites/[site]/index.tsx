/** `/sites/:site/`: the overview. Cards fetch their own numbers; this loader only adds the live count. */
import { component$ } from '@builder.io/qwik';
import { routeLoader$, useLocation, type DocumentHead } from '@builder.io/qwik-city';
import { Overview } from '../../../components/overview/overview';
import { api } from '../../../lib/api';

export const useLive = routeLoader$(async (ev) => {
  try {
    const snap = await api<{ visitors?: number }>(ev, `/api/v1/sites/${encodeURIComponent(ev.params.site!)}/realtime`);
    return typeof snap.visitors === 'number' ? snap.visitors : null;
  } catch {
    return null; // no realtime endpoint (yet) or the SiteDO is unreachable: the stat shows a dash
  }
});

export default component$(() => {
  const loc = useLocation();
  const live = useLive();
  const site = loc.params.site!;
  return <Overview site={site} share={null} base={`/sites/${encodeURIComponent(site)}`} live={live.value} />;
});

export const head: DocumentHead = ({ params }) => ({ title: params.site });
