/** Settings pages of a site (admins and owners; the API enforces it, this only hides the tabs). */
import { component$, Slot } from '@builder.io/qwik';
import { Link, useLocation } from '@builder.io/qwik-city';

export default component$(() => {
  const loc = useLocation();
  const base = `/sites/${encodeURIComponent(loc.params.site!)}/settings`;
  const tabs = [
    { href: `${base}/`, label: 'General' },
    { href: `${base}/goals/`, label: 'Goals & funnels' },
    { href: `${base}/members/`, label: 'Members' },
    { href: `${base}/keys/`, label: 'API keys' },
    { href: `${base}/reports/`, label: 'Digests' },
    { href: `${base}/alerts/`, label: 'Alerts' },
    { href: `${base}/webhooks/`, label: 'Webhooks' },
  ];
  return (
    <div class="settings">
      <nav class="tabs-nav" aria-label="Settings">
        {tabs.map((t) => (
          <Link prefetch={false} key={t.href} href={t.href} aria-current={loc.url.pathname === t.href ? 'page' : 'false'}>
            {t.label}
          </Link>
        ))}
      </nav>
      <Slot />
    </div>
  );
});
