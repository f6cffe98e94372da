import { component$ } from '@builder.io/qwik';
import { routeLoader$, useLocation, type DocumentHead } from '@builder.io/qwik-city';
import { Details, loadDetails } from '../../../../components/details/details';

export const useDetails = routeLoader$((ev) => loadDetails(ev, ev.url.searchParams.get('auth')));

export default component$(() => {
  const data = useDetails();
  const loc = useLocation();
  return <Details data={data.value} base={`/share/${encodeURIComponent(loc.params.site!)}`} />;
});

export const head: DocumentHead = { title: 'Details' };
