/** The errors report's groups: message, where it was thrown, counts, and the daily events as a spark line. */
import { component$ } from '@builder.io/qwik';
import { Link, useLocation } from '@builder.io/qwik-city';
import type { ErrorGroup } from '../../../../contract/reports';
import { formatNumber } from '../../lib/format';
import { viewSearch } from '../../lib/view';
import { Sparkline } from '../sparkline/sparkline';

export const ErrorGroups = component$<{ groups: ErrorGroup[]; daily: Record<string, number[]>; site: string }>(({ groups, daily, site }) => {
  const loc = useLocation();
  const search = viewSearch(loc.url);
  return (
    <ul class="error-groups" data-rows>
      {groups.map((g) => (
        <li key={g.fingerprint} class="error-group" data-group={g.fingerprint}>
          <Link prefetch={false} class="error-message" href={`/sites/${encodeURIComponent(site)}/errors/${g.fingerprint}/${search}`}>
            {g.message ?? '(no message)'}
          </Link>
          <span data-daily={daily[g.fingerprint]?.join(',') ?? ''}>
            {daily[g.fingerprint] && <Sparkline values={daily[g.fingerprint]!} label={`daily events of ${g.message ?? g.fingerprint}`} />}
          </span>
          <p class="error-counts muted">
            <span>
              <strong data-events={g.events}>{formatNumber(g.events)}</strong> events
            </span>
            <span>
              <strong data-visitors={g.visitors}>{formatNumber(g.visitors)}</strong> visitors
            </span>
            <span>
              last seen <time data-last-seen={g.last_seen} dateTime={g.last_seen}>{g.last_seen.replace('T', ' ').slice(0, 16)} UTC</time>
            </span>
            {g.source && (
              <span class="error-source">
                {g.source}
                {g.line !== null ? `:${g.line}` : ''}
              </span>
            )}
          </p>
        </li>
      ))}
    </ul>
  );
});
