/**
 * Realistic demo traffic for the seeded site: 30 days of visits with weekly and daily rhythm,
 * a handful of sources, pages, devices, custom events with props and revenue, engagement, web
 * vitals and JavaScript errors.
 * Deterministic (seeded PRNG), so every fresh `npm run dev` shows the same history.
 * Events go through the real `POST /api/event` with an `events:write` key, as a backfill would.
 */
import { demoError, demoVitals } from './demo-reports.mjs';

const DAY = 86_400_000;

function prng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = (rand, list) => list[Math.floor(rand() * list.length)];
function weighted(rand, entries) {
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  let x = rand() * total;
  for (const [value, w] of entries) if ((x -= w) < 0) return value;
  return entries[0][0];
}

const ENTRIES = [
  [{ r: 'https://www.google.com/' }, 34],
  [{ r: '' }, 25],
  [{ r: 'https://news.ycombinator.com/' }, 8],
  [{ r: 'https://t.co/x1y2' }, 6],
  [{ r: 'https://duckduckgo.com/' }, 5],
  [{ r: 'https://www.bing.com/' }, 4],
  [{ r: 'https://github.com/pulse/pulse' }, 5],
  [{ r: 'https://www.reddit.com/r/selfhosted/' }, 4],
  [{ r: '', query: '?utm_source=newsletter&utm_medium=email&utm_campaign=november' }, 6],
  [{ r: 'https://www.google.com/', query: '?utm_source=google&utm_medium=cpc&utm_campaign=brand' }, 3],
];
const LANDING = [['/', 40], ['/blog/privacy-first-analytics', 18], ['/pricing', 12], ['/docs/getting-started', 14], ['/blog/cloudflare-workers', 10], ['/about', 6]];
const NEXT = ['/pricing', '/docs/getting-started', '/docs/api', '/blog', '/signup', '/features', '/about'];
const AGENTS = [
  ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36', 30],
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36', 25],
  ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1', 20],
  ['Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36', 10],
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0', 8],
  ['Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1', 4],
  ['Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0', 3],
];

/** Visits per day: ~220 on weekdays, fewer at weekends, slowly growing over the month. */
function visitsOn(day, index, rand) {
  const weekday = new Date(day).getUTCDay();
  const base = weekday === 0 || weekday === 6 ? 130 : 220;
  return Math.round(base * (0.85 + index / 100) * (0.9 + rand() * 0.2));
}

/** Hour of day with a daytime peak (UTC, roughly Europe + US). */
function hourOfDay(rand) {
  return weighted(rand, Array.from({ length: 24 }, (_, h) => [h, 1 + 6 * Math.exp(-((h - 15) ** 2) / 18)]));
}

const VISIT_SPAN_MS = 15 * 60_000;

/** Yields batches (≤ 50 events, one site) of demo events from `days` ago until `now`. */
export function* demoEventBatches({ site, now, days = 30, seed = 42 }) {
  const rand = prng(seed);
  const start = Math.floor(now / DAY) * DAY - (days - 1) * DAY;
  let batch = [];
  for (let d = 0; d < days; d++) {
    const day = start + d * DAY;
    const visits = visitsOn(day, d, rand);
    for (let v = 0; v < visits; v++) {
      let ts = day + hourOfDay(rand) * 3_600_000 + Math.floor(rand() * 3_600_000);
      // a visit runs up to ~12 minutes past its first event, and the collector refuses events
      // from the future: visits start early enough to end before `now`
      if (ts > now - VISIT_SPAN_MS) continue;
      const entry = weighted(rand, ENTRIES);
      const ua = weighted(rand, AGENTS);
      const ip = `198.51.${Math.floor(rand() * 200)}.${Math.floor(rand() * 250)}`;
      const path = weighted(rand, LANDING);
      const base = { d: site, ip, ua };
      const firstTs = ts;
      batch.push({ ...base, n: 'pageview', u: `https://${site}${path}${entry.query ?? ''}`, r: entry.r, ts });
      const pages = rand() < 0.45 ? 1 : 1 + Math.floor(rand() * 4);
      let current = path;
      for (let p = 1; p < pages; p++) {
        ts += 20_000 + Math.floor(rand() * 150_000);
        current = pick(rand, NEXT);
        batch.push({ ...base, n: 'pageview', u: `https://${site}${current}`, r: '', ts });
      }
      batch.push({ ...base, n: 'engagement', u: `https://${site}${current}`, sd: Math.floor(20 + rand() * 80), e: Math.floor(5_000 + rand() * 120_000), ts: ts + 10_000 });
      if (current === '/signup' || rand() < 0.04) {
        batch.push({ ...base, n: 'Signup', u: `https://${site}/signup`, p: { plan: weighted(rand, [['free', 6], ['pro', 3], ['team', 1]]) }, ts: ts + 20_000 });
        if (rand() < 0.3) batch.push({ ...base, n: 'Purchase', u: `https://${site}/checkout`, $: { amount: pick(rand, ['19.00', '49.00', '99.00']), currency: 'EUR' }, ts: ts + 40_000 });
      }
      // vitals of the landing page view, an error maybe on the last page (scripts/demo-reports.mjs)
      batch.push(...demoVitals(rand, { site, path, ua, base, ts: firstTs }));
      const error = demoError(rand, { site, path: current, ua, base, ts });
      if (error) batch.push(error);
      if (rand() < 0.1) batch.push({ ...base, n: 'Outbound Link: Click', u: `https://${site}${current}`, p: { url: 'https://github.com/pulse/pulse' }, ts: ts + 30_000 });
      if (batch.length >= 34) { // a visit adds at most 16 events; a batch holds 50
        yield batch;
        batch = [];
      }
    }
  }
  if (batch.length) yield batch;
}
