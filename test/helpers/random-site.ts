/**
 * A seeded random site for the property tests (rollup plan against raw plan) and the refresh
 * tests: 260 visits over ten days around the 2024 DST change in Berlin, a fifth of them identified.
 */
import { Fixture, type Step } from './query-fixtures';
import { prng } from './prng';

export const SITE = 'prop.test';
export const TZ = 'Europe/Berlin'; // DST starts 2024-03-31
export const NOW = Date.parse('2024-04-03T20:00:00Z');

export const PAGES = ['/', '/pricing', '/blog/a', '/blog/b', '/docs'];
export const SOURCES = [['Google', 'Organic Search'], ['Direct / None', 'Direct'], ['Twitter', 'Organic Social'], ['Newsletter', 'Email']];
const COUNTRIES = [['US', 'US-CA', 'California', 'San Francisco'], ['DE', 'DE-BE', 'Berlin', 'Berlin'], [null, null, null, null], ['GB', null, null, null]];
export const DEVICES = ['Desktop', 'Mobile', 'Tablet'];

/** `site`: test files share one D1 (vitest isolate: false), so each file builds under its own name. */
export function buildRandom(seed: number, insertedAt: number, site = SITE): Fixture {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const f = new Fixture(site, TZ, ['Signup', 'Visit /pricing']);
  for (let i = 0; i < 260; i++) {
    const start = Date.parse('2024-03-25T00:00:00Z') + Math.floor(rnd() * 9.5 * 86_400_000);
    const identified = rnd() < 0.2;
    // anonymous ids are daily: reuse a small pool per UTC day; identified ids persist
    const visitor = identified ? 1 + Math.floor(rnd() * 6) : 1000 * Math.floor(start / 86_400_000) + Math.floor(rnd() * 40);
    const [source, channel] = pick(SOURCES);
    const [country, region, region_name, city] = pick(COUNTRIES);
    const steps: Step[] = [];
    const n = 1 + Math.floor(rnd() * 4);
    for (let k = 0; k < n; k++) {
      const r = rnd();
      if (r < 0.7) steps.push({ path: pick(PAGES), after: k ? Math.floor(rnd() * 900) : 0 });
      else if (r < 0.85) steps.push({ name: 'Signup', path: pick(PAGES), after: Math.floor(rnd() * 600), interactive: rnd() < 0.7 });
      else steps.push({ name: 'engagement', path: pick(PAGES), after: 5, scrollDepth: 50, engagedMs: 3000 });
    }
    if (steps.every((s) => s.name === 'engagement')) steps.unshift({ path: pick(PAGES) });
    f.visit({
      visitor, identified, at: new Date(start).toISOString(), source: source!, channel: channel!,
      referrer: source === 'Google' ? 'https://google.com/' : null, utm_source: rnd() < 0.3 ? 'spring' : null,
      country, region, region_name, city, device: pick(DEVICES), browser: pick(['Chrome', 'Safari']), os: pick(['Mac', 'iOS', 'Windows']),
    }, steps, insertedAt);
  }
  return f;
}
