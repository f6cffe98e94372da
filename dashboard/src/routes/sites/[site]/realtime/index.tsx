/** `/sites/:site/realtime/`: the live view, server-rendered from the snapshot, then streamed. */
import { component$ } from '@builder.io/qwik';
import { routeLoader$, useLocation, type DocumentHead } from '@builder.io/qwik-city';
import { LiveView } from '../../../../components/realtime/live-view';
import { api, messageOf } from '../../../../lib/api';
import type { RealtimeSnapshot } from '../../../../lib/live';

export const useSnapshot = routeLoader$(async (ev) => {
  try {
    return { ok: true as const, snap: await api<RealtimeSnapshot>(ev, `/api/v1/sites/${encodeURIComponent(ev.params.site!)}/realtime`) };
  } catch (e) {
    return { ok: false as const, error: messageOf(e) };
  }
});

export default component$(() => {
  const data = useSnapshot();
  const loc = useLocation();
  if (!data.value.ok) {
    return (
      <p class="error card" role="alert">
        Realtime data is unavailable: {data.value.error}
      </p>
    );
  }
  return <LiveView site={loc.params.site!} share={null} snapshot={data.value.snap} />;
});

export const head: DocumentHead = ({ params }) => ({ title: `${params.site} · realtime` });
