/**
 * The demo site's web vitals and JavaScript errors (issue 17), as the SDK's vitals and errors
 * modules send them, so the Performance and Errors reports are filled on a fresh `npm run dev`:
 * most page views report TTFB, FCP, LCP, CLS and navigation timing (first paint, DOM complete),
 * INP when the visitor interacted; two heavy pages are slow and phones slower (the pricing page's
 * LCP is poor on phones); a few error groups, one of them thrown only by Safari.
 */
const SLOW = { '/blog/cloudflare-workers': 1.9, '/pricing': 1.5 };

const gauss = (rand) => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
const isPhone = (ua) => /iPhone|Android/.test(ua);
const isSafari = (ua) => /Version\/[\d.]+.*Safari/.test(ua);

/** The web-vital events of one page view at `ts` (≤ 7 events). */
export function demoVitals(rand, { site, path, ua, base, ts }) {
  if (rand() >= 0.8) return [];
  const slow = (SLOW[path] ?? 1) * (isPhone(ua) ? 1.8 : 1);
  const ms = (median, spread = 0.4) => Math.round(median * slow * Math.exp(spread * gauss(rand)));
  const ttfb = ms(260);
  const fp = ttfb + ms(500);
  const fcp = fp + ms(60, 0.3);
  const lcp = fcp + ms(700, 0.6);
  const dom = lcp + ms(400);
  const cls = Math.round(Math.max(0, 0.03 * slow * Math.exp(0.9 * gauss(rand))) * 1e4) / 1e4;
  const values = [['TTFB', ttfb], ['FP', fp], ['FCP', fcp], ['LCP', lcp], ['DOM', dom], ['CLS', cls]];
  if (rand() < 0.6) values.push(['INP', ms(120, 0.7)]);
  return values.map(([metric, value], i) => ({ ...base, n: 'web-vital', u: `https://${site}${path}`, i: false, p: { metric, value: String(value) }, ts: ts + 1_000 + i * 200 }));
}

const frame = (ua, fn, file, line) => (/Firefox|Safari/.test(ua) && !/Chrome/.test(ua) ? `${fn}@${file}:${line}:7` : `    at ${fn} (${file}:${line}:7)`);

/** At most one error event for a page view at `ts`, or none. */
export function demoError(rand, { site, path, ua, base, ts }) {
  const app = `https://${site}/assets/app.js?v=3.2.1`;
  let message;
  let stack;
  const x = rand();
  if (path === '/signup' && x < 0.12) {
    message = "TypeError: Cannot read properties of undefined (reading 'plan')";
    stack = `${message}\n${frame(ua, 'selectPlan', app, 118)}\n${frame(ua, 'onSubmit', app, 90)}`;
  } else if (isSafari(ua) && x < 0.05) {
    message = `TypeError: undefined is not an object (evaluating 'navigator.userAgentData.brands')`;
    stack = `${frame(ua, 'detectBrowser', `https://${site}/assets/vendor.js`, 2)}`;
  } else if (path === '/docs/api' && x < 0.06) {
    message = `Error: Request ${1000 + Math.floor(rand() * 9000)} failed with status 503`;
    stack = `${message}\n${frame(ua, 'fetchExample', app, 412)}`;
  } else if (x < 0.01) {
    message = 'ResizeObserver loop completed with undelivered notifications.';
  } else {
    return null;
  }
  return { ...base, n: 'error', u: `https://${site}${path}`, i: false, p: { message, source: app, line: '118', ...(stack ? { stack } : {}) }, ts: ts + 2_500 };
}
