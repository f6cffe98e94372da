import { component$ } from '@builder.io/qwik';
import { routeLoader$, useLocation, type DocumentHead } from '@builder.io/qwik-city';
import { Details, loadDetails } from '../../../../components/details/details';

export const useDetails = routeLoader$((ev) => loadDetails(ev, null));

export default component$(() => {
  const data = useDetails();
  const loc = useLocation();
  return <Details data={data.value} base={`/sites/${encodeURIComponent(loc.params.site!)}`} />;
});

export const head: DocumentHead = { title: 'Details' };
