/**
 * The bench's synthetic site: 30 days of traffic with skewed pages, sources, countries and devices,
 * 10 % identified visitors. Deterministic: session k is always the same. Used by the bench Worker
 * (site, clock) and by the bulk loader in Node (rows).
 */
import { prng } from '../test/helpers/prng';
import { fingerprintError } from '../workers/reports/errors/fingerprint';

export const SITE = 'bench.example';
export const TZ = 'Europe/Berlin';
/** 30 days of data end the day before NOW (local), so `30d` covers exactly the data. */
export const NOW = Date.parse('2026-10-31T11:00:00Z');
export const FIRST_DAY = Date.parse('2026-09-30T22:00:00Z'); // 2026-10-01 00:00 Berlin (CEST)
const DAYS = 30;

const PAGES = Array.from({ length: 300 }, (_, i) => (i === 0 ? '/' : i < 20 ? `/docs/${i}` : `/blog/post-${i}`));
const SOURCES: [string, string, string | null][] = [
  ['Direct / None', 'Direct', null], ['Google', 'Organic Search', 'https://www.google.com/'],
  ['Bing', 'Organic Search', 'https://www.bing.com/'], ['DuckDuckGo', 'Organic Search', 'https://duckduckgo.com/'],
  ['Twitter', 'Organic Social', 'https://t.co/'], ['Reddit', 'Organic Social', 'https://www.reddit.com/'],
  ['Hacker News', 'Referral', 'https://news.ycombinator.com/'], ['GitHub', 'Referral', 'https://github.com/'],
  ['Newsletter', 'Email', null], ['LinkedIn', 'Organic Social', 'https://www.linkedin.com/'],
];
const COUNTRIES: [string, string, string, string][] = [
  ['US', 'US-CA', 'California', 'San Francisco'], ['US', 'US-NY', 'New York', 'New York'], ['DE', 'DE-BE', 'Berlin', 'Berlin'],
  ['GB', 'GB-ENG', 'England', 'London'], ['FR', 'FR-IDF', 'Île-de-France', 'Paris'], ['IN', 'IN-KA', 'Karnataka', 'Bengaluru'],
  ['BR', 'BR-SP', 'São Paulo', 'São Paulo'], ['JP', 'JP-13', 'Tokyo', 'Tokyo'], ['CA', 'CA-ON', 'Ontario', 'Toronto'],
  ['NL', 'NL-NH', 'North Holland', 'Amsterdam'], ['ES', 'ES-MD', 'Madrid', 'Madrid'], ['PL', 'PL-14', 'Mazovia', 'Warsaw'],
];
const DEVICES: [string, string, string][] = [
  ['Desktop', 'Chrome', 'Windows'], ['Desktop', 'Chrome', 'Mac'], ['Desktop', 'Firefox', 'Windows'],
  ['Desktop', 'Safari', 'Mac'], ['Mobile', 'Safari', 'iOS'], ['Mobile', 'Chrome', 'Android'], ['Tablet', 'Safari', 'iOS'],
];

/**
 * Web vitals and errors as the SDK's modules send them: a share of page views report LCP, FCP,
 * TTFB and CLS (and INP when the visitor interacted); a few slow pages, phones slower. About one
 * page view in a hundred throws one of a few errors (ids in the message differ; fingerprints group).
 */
const VITALS_SHARE = 0.3;
const SLOW_PAGES = new Set(['/docs/3', '/docs/7', '/blog/post-42']);
const ERRORS: [string, string][] = [
  ['TypeError: Cannot read properties of undefined (reading \'id\')', 'at renderCart (https://bench.example/app.js:120:9)'],
  ['Error: Request 4711 failed with status 503', 'at fetchJson (https://bench.example/api.js:31:11)'],
  ['ReferenceError: gtag is not defined', 'at https://bench.example/analytics.js:2:1'],
  ['TypeError: item 88 not found', 'at loadItem (https://bench.example/app.js:410:3)'],
  ['Error: ResizeObserver loop limit exceeded', 'at https://bench.example/vendor.js:1:9000'],
];
const gauss = (rnd: () => number) => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());

/** Zipf-ish pick: low indexes are much more likely. */
const skewed = <T>(rnd: () => number, xs: readonly T[]): T => xs[Math.floor(xs.length * rnd() ** 2.5)]!;

type Row = Record<string, string | number | null>;

/** The local day NOW falls in, and its midnight (CET): where `today` sessions start from. */
export const TODAY = '2026-10-31';
export const TODAY_START = Date.parse('2026-10-30T23:00:00Z');

/**
 * Sessions [from, from + count): deterministic, ~3.2 events each. `today` makes them sessions of
 * NOW's local day instead (ids of their own), for the incremental-refresh measurement.
 */
export function generate(from: number, count: number, sessionsPerDay: number, today = false): { events: Row[]; sessions: Row[] } {
  const events: Row[] = [];
  const sessions: Row[] = [];
  for (let k = from; k < from + count; k++) {
    const rnd = prng(k * 2654435761 + (today ? 17 : 0));
    const day = today ? DAYS : Math.floor(k / sessionsPerDay) % DAYS;
    const hourShape = (rnd() + rnd() + rnd()) / 3; // bell-shaped over the day
    const start = (today ? TODAY_START : FIRST_DAY + day * 86_400_000) + Math.floor(hourShape * 86_400_000);
    const identified = rnd() < 0.1 ? 1 : 0;
    const visitor = identified ? 1 + Math.floor(rnd() * 3000) : day * 1_000_000 + Math.floor(rnd() * sessionsPerDay * 0.7);
    const [source, channel, referrer] = skewed(rnd, SOURCES);
    const [country, region, region_name, city] = skewed(rnd, COUNTRIES);
    const [device, browser, os] = skewed(rnd, DEVICES);
    const attribution = {
      referrer, source, channel, utm_source: source === 'Newsletter' ? 'newsletter' : null, utm_medium: source === 'Newsletter' ? 'email' : null,
      utm_campaign: source === 'Newsletter' ? `issue-${day % 4}` : null, utm_content: null, utm_term: null,
      device, browser, browser_version: '120', os, os_version: '14', country, region, region_name, city,
    };
    const id = `${today ? 'bt' : 'bs'}${k}`;
    let ts = start;
    const pageviews = 1 + Math.floor(-Math.log(1 - rnd() * 0.999) * 1.3);
    const paths: string[] = [];
    let n = 0;
    let interactive = 0;
    const push = (name: string, path: string, extra: Row = {}) => {
      events.push({
        id: `${id}-${n++}`, site_id: SITE, ts, visitor_id: visitor, session_id: id, identified, name, hostname: SITE, pathname: path,
        props: '{}', revenue_amount: null, revenue_currency: null, interactive: 1, scroll_depth: null, engaged_ms: null,
        ...attribution, inserted_at: 1, ...extra,
      });
    };
    for (let p = 0; p < pageviews; p++) {
      if (p) ts += Math.floor(rnd() * 240_000);
      const path = skewed(rnd, PAGES);
      paths.push(path);
      push('pageview', path);
      if (rnd() < 0.35) push('engagement', path, { scroll_depth: Math.floor(rnd() * 100), engaged_ms: Math.floor(rnd() * 60_000) });
      if (rnd() < VITALS_SHARE) {
        const slow = (SLOW_PAGES.has(path) ? 2.2 : 1) * (device === 'Mobile' ? 1.7 : 1);
        const vital = (metric: string, median: number, spread = 0.45) => {
          const v = metric === 'CLS' ? Math.round(Math.max(0, median * Math.exp(spread * gauss(rnd))) * 1e4) / 1e4 : Math.round(median * slow * Math.exp(spread * gauss(rnd)));
          push('web-vital', path, { interactive: 0, props: JSON.stringify({ metric, value: String(v) }) });
        };
        vital('TTFB', 350);
        vital('FCP', 1100);
        vital('LCP', 1900);
        vital('CLS', 0.04 * slow, 0.9);
        if (rnd() < 0.5) vital('INP', 140);
      }
      if (rnd() < 0.01) {
        const [message, frame] = skewed(rnd, ERRORS);
        const props = { message: message.replace(/\d+/, String(Math.floor(rnd() * 9000))), source: 'https://bench.example/app.js', stack: `${message}\n    ${frame}` };
        push('error', path, { interactive: 0, props: JSON.stringify({ ...props, fingerprint: fingerprintError(props) }) });
      }
    }
    const end = ts;
    if (rnd() < 0.04) {
      ts += 5000;
      push('Signup', paths.at(-1)!, { props: JSON.stringify({ plan: rnd() < 0.3 ? 'pro' : 'free' }) });
      interactive++;
    }
    const counted = n - events.slice(-n).filter((e) => e.name === 'engagement' || e.name === 'web-vital' || e.name === 'error').length;
    sessions.push({
      id, site_id: SITE, visitor_id: visitor, identified, version: 1, start, end: ts, duration: Math.round((Math.max(end, ts) - start) / 1000),
      pageviews, events: counted, interactive_events: interactive, is_bounce: pageviews < 2 && interactive === 0 ? 1 : 0,
      entry_page: paths[0]!, exit_page: paths.at(-1)!, hostname: SITE, ...attribution, inserted_at: 1,
    });
  }
  return { events, sessions };
}

