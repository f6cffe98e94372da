/** Sites the user can see, each with today's visitors and a 24-hour sparkline; add a site. */
import { component$ } from '@builder.io/qwik';
import { Form, Link, routeAction$, routeLoader$, z, zod$, type DocumentHead } from '@builder.io/qwik-city';
import type { QueryResponse } from '../../../../contract/api';
import { Sparkline } from '../../components/sparkline/sparkline';
import { api, messageOf } from '../../lib/api';
import { formatNumber, metricNumber } from '../../lib/format';
import type { Site } from '../../lib/site';
import { TimeZoneInput } from '../../components/time-zone/time-zone-input';
import { isTimeZone } from '../../lib/time-zones';

interface SiteSummary {
  site: Site;
  today: number | null;
  hourly: number[];
  error: string | null;
}

export const useSites = routeLoader$(async (ev): Promise<{ sites: SiteSummary[]; error: string | null }> => {
  let sites: Site[];
  try {
    sites = (await api<{ sites: Site[] }>(ev, '/api/v1/sites')).sites;
  } catch (e) {
    return { sites: [], error: messageOf(e) };
  }
  // One pair of small rollup queries per site, all in parallel.
  const summaries = await Promise.all(
    sites.map(async (site): Promise<SiteSummary> => {
      try {
        const [today, hourly] = await Promise.all([
          api<QueryResponse>(ev, '/api/v2/query', { body: { site_id: site.id, metrics: ['visitors'], date_range: 'day' } }),
          api<QueryResponse>(ev, '/api/v2/query', {
            body: { site_id: site.id, metrics: ['visitors'], date_range: '24h', dimensions: ['time:hour'], include: { time_labels: true } },
          }),
        ]);
        const byLabel = new Map(hourly.results.map((r) => [r.dimensions[0], metricNumber(r.metrics[0]) ?? 0]));
        const labels = hourly.meta.time_labels ?? hourly.results.map((r) => r.dimensions[0]!);
        return { site, today: metricNumber(today.results[0]?.metrics[0]) ?? 0, hourly: labels.map((l) => byLabel.get(l) ?? 0), error: null };
      } catch (e) {
        return { site, today: null, hourly: [], error: messageOf(e) };
      }
    }),
  );
  return { sites: summaries, error: null };
});

export const useAddSite = routeAction$(
  async (data, ev) => {
    try {
      await api(ev, '/api/v1/sites', { body: { domain: data.domain, timezone: data.timezone } });
    } catch (e) {
      return ev.fail(400, { message: messageOf(e) });
    }
    throw ev.redirect(302, `/sites/${encodeURIComponent(data.domain)}/settings/#snippet`);
  },
  zod$({
    domain: z.string().trim().toLowerCase().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/, 'Enter a domain such as example.com.'),
    timezone: z.string().trim().refine(isTimeZone, 'Pick a time zone from the list, such as Europe/Berlin.'),
  }),
);

export default component$(() => {
  const data = useSites();
  const add = useAddSite();
  return (
    <section class="page">
      <h1>Your sites</h1>
      {data.value.error && <p class="error" role="alert">{data.value.error}</p>}
      {!data.value.error && data.value.sites.length === 0 && <p class="empty">No sites yet: add your first one below.</p>}
      <ul class="site-list" data-testid="site-list">
        {data.value.sites.map((s) => (
          <li key={s.site.id} class="card site-card">
            <Link prefetch={false} href={`/sites/${encodeURIComponent(s.site.id)}/`} class="site-link">
              <span class="site-name">{s.site.id}</span>
              <span class="muted">{s.site.role}</span>
            </Link>
            <div class="site-today">
              <strong data-testid="visitors-today">{formatNumber(s.today)}</strong>
              <span class="muted"> visitors today</span>
            </div>
            <Sparkline values={s.hourly} label={`Visitors per hour over the last 24 hours on ${s.site.id}`} />
            {s.error && <p class="error">{s.error}</p>}
          </li>
        ))}
      </ul>
      <details class="card add-site">
        <summary>Add a site</summary>
        <Form action={add} class="inline-form">
          <label>
            Domain
            <input name="domain" placeholder="example.com" required />
          </label>
          <TimeZoneInput label="Time zone" value="UTC" />
          <button type="submit" class="primary">
            Add site
          </button>
        </Form>
        {add.value?.failed && <p class="error" role="alert">{(add.value as { message?: string }).message ?? Object.values(add.value.fieldErrors ?? {}).join(' ')}</p>}
      </details>
    </section>
  );
});

export const head: DocumentHead = { title: 'Sites' };
