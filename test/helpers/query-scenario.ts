/**
 * The hand-computed scenario shared by the query tests (expected numbers are worked out in
 * query.test.ts next to each assertion).
 *
 * 2024-01-15 (UTC site a.test):
 *   v1  10:00 Google/US/Desktop   /  +60s /pricing  +30s Signup{plan:pro}   engagement / (40%, 10s), (60%, 5s)
 *   v2  11:00 Direct/GB/Mobile    /blog/a            engagement /blog/a (80%, 20s)
 *   v3  12:00 Twitter/US/Mobile   /pricing  +10s Outbound Link: Click{url} (non-interactive)
 *   v10 15:00 identified, Direct  /
 * 2024-01-16:
 *   v4  09:00 Google/US/Desktop   /
 *   v10 15:00 identified, Direct  /
 * Only v1 has a region (US-CA, California) and a city (San Francisco).
 */
import { Fixture } from './query-fixtures';

export const SITE = 'a.test';

/** `site`: test files share one D1 (vitest isolate: false), so each file builds under its own name. */
export function buildScenario(site = SITE): Fixture {
  const f = new Fixture(site, 'UTC', ['Signup', 'Visit /blog/**', 'Visit /pricing']);
  f.visit({ visitor: 1, at: '2024-01-15T10:00:00Z', source: 'Google', channel: 'Organic Search', referrer: 'https://google.com/', country: 'US', region: 'US-CA', region_name: 'California', city: 'San Francisco', device: 'Desktop' }, [
    { path: '/' },
    { path: '/pricing', after: 60 },
    { name: 'Signup', path: '/pricing', after: 30, props: { plan: 'pro' }, revenue: [10, 'USD'] },
    { name: 'engagement', path: '/', after: 1, scrollDepth: 40, engagedMs: 10_000 },
    { name: 'engagement', path: '/', after: 1, scrollDepth: 60, engagedMs: 5_000 },
  ]);
  f.visit({ visitor: 2, at: '2024-01-15T11:00:00Z', country: 'GB', device: 'Mobile', browser: 'Safari', os: 'iOS' }, [
    { path: '/blog/a' },
    { name: 'engagement', path: '/blog/a', after: 20, scrollDepth: 80, engagedMs: 20_000 },
  ]);
  f.visit({ visitor: 3, at: '2024-01-15T12:00:00Z', source: 'Twitter', channel: 'Organic Social', country: 'US', device: 'Mobile', browser: 'Safari', os: 'iOS' }, [
    { path: '/pricing' },
    { name: 'Outbound Link: Click', path: '/pricing', after: 10, props: { url: 'https://x.com' }, interactive: false },
  ]);
  f.visit({ visitor: 10, identified: true, at: '2024-01-15T15:00:00Z', country: 'DE' }, [{ path: '/' }]);
  f.visit({ visitor: 4, at: '2024-01-16T09:00:00Z', source: 'Google', channel: 'Organic Search', referrer: 'https://google.com/', country: 'US', device: 'Desktop' }, [{ path: '/' }]);
  f.visit({ visitor: 10, identified: true, at: '2024-01-16T15:00:00Z', country: 'DE' }, [{ path: '/' }]);
  return f;
}

/** A New York site around the 2024 spring-forward (2024-03-10 02:00 EST -> 03:00 EDT). */
export const NY = 'ny.test';

export function buildDstScenario(): Fixture {
  const f = new Fixture(NY, 'America/New_York');
  const at = ['2024-03-10T04:30:00Z', '2024-03-10T05:30:00Z', '2024-03-10T07:30:00Z', '2024-03-11T03:30:00Z', '2024-03-11T04:30:00Z'];
  at.forEach((t, i) => f.visit({ visitor: 100 + i, at: t }, [{ path: '/' }]));
  return f;
}

/** Web vitals and errors live on their own site so they do not disturb the traffic numbers. */
export const VITALS = 'vitals.test';

export function buildVitalsScenario(): Fixture {
  const f = new Fixture(VITALS);
  f.visit({ visitor: 1, at: '2024-01-15T10:00:00Z' }, [
    { path: '/' },
    ...[1000, 2000, 3000, 4000].map((v) => ({ name: 'web-vital', path: '/', props: { metric: 'LCP', value: String(v), rating: 'good' } })),
    { name: 'web-vital', path: '/', props: { metric: 'CLS', value: '0.1234', rating: 'good' } },
    { name: 'error', path: '/', props: { message: 'boom' } },
    { name: 'error', path: '/', props: { message: 'bang' } },
  ]);
  return f;
}

/**
 * Revenue in two currencies (shop.test, UTC), 2024-01-15:
 *   v1 10:00 Google   /  +10s /cart  +20s Purchase 20.50 EUR
 *   v2 11:00 Direct   /cart  +5s Purchase 9.50 EUR
 *   v3 12:00 Twitter  /  +5s Purchase 1234 USD
 */
export const SHOP = 'shop.test';

export function buildRevenueScenario(): Fixture {
  const f = new Fixture(SHOP, 'UTC', ['Purchase', 'Visit /cart']);
  const google = { source: 'Google', channel: 'Organic Search', referrer: 'https://google.com/' };
  f.visit({ visitor: 1, at: '2024-01-15T10:00:00Z', ...google }, [
    { path: '/' }, { path: '/cart', after: 10 }, { name: 'Purchase', path: '/cart', after: 20, revenue: [20.5, 'EUR'] },
  ]);
  f.visit({ visitor: 2, at: '2024-01-15T11:00:00Z' }, [{ path: '/cart' }, { name: 'Purchase', path: '/cart', after: 5, revenue: [9.5, 'EUR'] }]);
  f.visit({ visitor: 3, at: '2024-01-15T12:00:00Z', source: 'Twitter', channel: 'Organic Social' }, [
    { path: '/' }, { name: 'Purchase', path: '/', after: 5, revenue: [1234, 'USD'] },
  ]);
  return f;
}
