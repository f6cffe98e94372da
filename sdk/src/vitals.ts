import { sendViaGlobal } from './sink';
import type { Track } from './types';

type Shift = PerformanceEntry & { value: number; hadRecentInput: boolean };
type Timing = PerformanceEntry & { interactionId?: number };

const rating = (v: number, good: number, poor: number) => (v <= good ? 'good' : v <= poor ? 'needs-improvement' : 'poor');

/**
 * Reports web vitals as non-interactive `web-vital` events (props `metric`, `value` in ms or CLS
 * unitless to 4 decimals, `rating`), each once per page view:
 * - TTFB, FCP and LCP of the page load, attributed to the landing URL, measured as web-vitals
 *   does (from the navigation and paint timings; LCP final at the first input or page hide; paints
 *   after the page was first hidden do not count) but in a fraction of its bytes: the module
 *   stays in the size budget (vitals + errors ≤ 2.5 KB gzip). A page restored from the
 *   back/forward cache is not measured again;
 * - `FP` (first paint, from the paint observer: a small page can load before it paints) and, once
 *   the page has loaded, `DOM` (DOM complete);
 * - INP (the slowest interaction) and CLS (the largest burst of layout shifts, as web-vitals
 *   windows them) of every page view, sent when the page is hidden or when an SPA navigation
 *   leaves it, so each route of a single-page app is measured on its own and under its own URL.
 *
 * @param send where events go; defaults to `window.pulse`
 * @example
 * import { init } from '@pulse/sdk';
 * import { initVitals } from '@pulse/sdk/vitals';
 * init({ domain: 'example.com', api: 'https://pulse.example.com/api/event' });
 * initVitals();
 */
export function initVitals(send: Track = sendViaGlobal): void {
  const landing = location.href;
  const report = (metric: string, value: number, url: string, rated?: string) => {
    send('web-vital', {
      props: { metric, value: String(metric == 'CLS' ? Math.round(value * 1e4) / 1e4 : Math.round(value)), ...(rated ? { rating: rated } : {}) },
      interactive: false,
      url,
    });
  };
  // the load's metrics count only while the page is shown (a background tab paints late)
  let hiddenAt = document.visibilityState == 'hidden' ? 0 : Infinity;
  const shown = (t: number) => t < hiddenAt;
  const nav = () => performance.getEntriesByType('navigation')[0] as (PerformanceNavigationTiming & { activationStart?: number }) | undefined;
  // a prerendered page starts when it is shown, not when it began to load
  const since = (t: number) => Math.max(0, t - (nav()?.activationStart || 0));
  let lcp = -1;
  const loadDone = () => {
    const n = nav();
    if (n && n.responseStart > 0) report('TTFB', since(n.responseStart), landing, rating(since(n.responseStart), 800, 1800));
    if (n && n.domComplete) report('DOM', since(n.domComplete), landing);
  };
  // after the load event's own handlers, so domComplete is set
  if (document.readyState == 'complete') setTimeout(loadDone);
  else addEventListener('load', () => setTimeout(loadDone));
  // LCP is final at the first input or when the page is hidden, as web-vitals decides it
  const lcpDone = () => {
    if (lcp >= 0) report('LCP', lcp, landing, rating(lcp, 2500, 4000));
    lcp = -2;
  };
  for (const type of ['keydown', 'pointerdown']) addEventListener(type, () => setTimeout(lcpDone), { once: true, capture: true });

  // the page view being measured: its URL, slowest interaction, and layout-shift windows
  let url = landing;
  let path = location.pathname;
  let inp = -1;
  let cls = 0;
  let burst = 0;
  let first = 0;
  let last = 0;
  let sent = false;
  const flush = () => {
    if (sent) return;
    sent = true;
    if (inp >= 0) report('INP', inp, url, rating(inp, 200, 500));
    report('CLS', cls, url, rating(cls, 0.1, 0.25));
  };
  const observe = <E extends PerformanceEntry>(type: string, fn: (e: E) => void, opts?: object) => {
    try {
      new PerformanceObserver((list) => (list.getEntries() as E[]).forEach(fn)).observe({ type, buffered: true, ...opts });
    } catch {
      // why: a browser without this entry type simply does not report the metric
    }
  };
  observe('paint', (e) => {
    // first paint from the observer too: a small page can load before it paints
    if (e.name == 'first-paint' && shown(e.startTime)) report('FP', since(e.startTime), landing);
    if (e.name == 'first-contentful-paint' && shown(e.startTime)) report('FCP', since(e.startTime), landing, rating(since(e.startTime), 1800, 3000));
  });
  observe('largest-contentful-paint', (e) => {
    if (lcp > -2 && shown(e.startTime)) lcp = since(e.startTime);
  });
  observe<Timing>('event', (e) => {
    if (e.interactionId) inp = Math.max(inp, e.duration);
  }, { durationThreshold: 16 });
  observe<Shift>('layout-shift', (e) => {
    if (e.hadRecentInput) return;
    // a burst ends after 1 s without shifts or 5 s after it began (web-vitals' session windows)
    if (e.startTime - last > 1000 || e.startTime - first > 5000) {
      burst = 0;
      first = e.startTime;
    }
    burst += e.value;
    last = e.startTime;
    cls = Math.max(cls, burst);
  });
  addEventListener('visibilitychange', () => {
    if (document.visibilityState != 'hidden') return;
    hiddenAt = Math.min(hiddenAt, performance.now());
    lcpDone();
    flush();
  }, true);
  // an SPA navigation ends the page view: report it under its URL, then measure the next one
  const navigated = () => {
    if (location.pathname == path) return;
    flush();
    url = location.href;
    path = location.pathname;
    inp = -1;
    cls = burst = 0;
    first = last = performance.now();
    sent = false;
  };
  for (const method of ['pushState', 'replaceState'] as const) {
    const original = history[method];
    history[method] = function (this: History) {
      original.apply(this, arguments as unknown as Parameters<History[typeof method]>);
      navigated();
    };
  }
  addEventListener('popstate', navigated);
}
