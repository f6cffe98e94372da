/**
 * `/sites/:site/`: the overview. Cards fetch their own numbers; the layout's snapshot gives the
 * live count, and the loader tells a site that has never seen an event, which gets the onboarding.
 */
import { component$ } from '@builder.io/qwik';
import { routeLoader$, useLocation, type DocumentHead } from '@builder.io/qwik-city';
import type { QueryResponse } from '../../../../../contract/api';
import { Onboarding } from '../../../components/onboarding/onboarding';
import { Overview } from '../../../components/overview/overview';
import { api, trackerOrigin } from '../../../lib/api';
import { localToday } from '../../../lib/period-step';
import { useLiveSnapshot, useSite } from './layout';

/** True only when the site has no event at all, stored or in the last 30 minutes. */
export const useIsNew = routeLoader$(async (ev) => {
  if (ev.url.searchParams.get('setup') === 'done') return null;
  const live = await ev.resolveValue(useLiveSnapshot);
  if (live.recent !== 0) return null;
  try {
    const res = await api<QueryResponse>(ev, '/api/v2/query', { body: { site_id: ev.params.site!, metrics: ['events'], date_range: 'all' } });
    return (res.results[0]?.metrics[0] ?? 0) === 0 ? { tracker: trackerOrigin(ev) } : null;
  } catch {
    return null; // the overview shows the error in its cards
  }
});

export default component$(() => {
  const loc = useLocation();
  const live = useLiveSnapshot();
  const isNew = useIsNew();
  const record = useSite();
  const site = loc.params.site!;
  const today = localToday(record.value.site?.timezone ?? 'UTC');
  const base = `/sites/${encodeURIComponent(site)}`;
  if (isNew.value) return <Onboarding site={site} tracker={isNew.value.tracker} base={base} />;
  return <Overview site={site} share={null} base={base} live={live.value.visitors} today={today} />;
});

export const head: DocumentHead = ({ params }) => ({ title: params.site });
