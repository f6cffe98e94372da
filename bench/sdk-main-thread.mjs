// Main-thread time a tracker adds to a page load in headless Chromium: the median, over many
// loads, of CDP Performance.getMetrics ScriptDuration and TaskDuration with the tracker, minus
// the same page without one. Pages run on a non-localhost host with navigator.webdriver hidden,
// so every tracker does its full work (they all skip automated browsers and localhost).
import { createServer } from 'node:http';
import { launchChromium, MAP_EXAMPLE_HOSTS } from '../test/helpers/browser.mjs';

const CONTENT = Array.from({ length: 200 }, (_, i) => `<p>Paragraph ${i}: privacy-first analytics, measured.</p>`).join('');

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * Loads a page `runs` times per variant (interleaved, so drift in machine load hits all alike).
 * `variants` maps a name to the script source to inline as a classic <script> in <head>, or '' for none.
 * Returns { name: { script, task, events } } with medians in ms.
 */
export async function measureMainThread(variants, { runs = 15 } = {}) {
  let events = 0;
  const server = createServer((req, res) => {
    if (req.method === 'POST') {
      events++;
      req.resume();
      res.writeHead(202, { 'access-control-allow-origin': '*' }).end('ok');
      return;
    }
    const name = decodeURIComponent(new URL(req.url, 'http://x').pathname.slice(1));
    if (name.startsWith('js/')) {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(variants[name.slice(3)]);
      return;
    }
    const script = variants[name] ? `<script src="/js/${encodeURIComponent(name)}" data-domain="bench.example"></script>` : '';
    res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><html><head><meta charset="utf-8"><title>bench</title>${script}</head><body>${CONTENT}</body></html>`);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://bench.example:${server.address().port}`;
  const browser = await launchChromium({ args: [MAP_EXAMPLE_HOSTS] });
  const context = await browser.newContext();
  await context.addInitScript('Object.defineProperty(Navigator.prototype, "webdriver", { get: () => false })');
  const samples = Object.fromEntries(Object.keys(variants).map((k) => [k, { script: [], task: [], events: 0 }]));
  try {
    for (let i = -1; i < runs; i++) {
      for (const name of Object.keys(variants)) {
        const page = await context.newPage();
        const cdp = await context.newCDPSession(page);
        await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
        const before = events;
        await page.goto(`${origin}/${encodeURIComponent(name)}`, { waitUntil: 'load' });
        await page.waitForTimeout(300); // let deferred tracker work (batch flush, beacons) run
        const { metrics } = await cdp.send('Performance.getMetrics');
        const m = Object.fromEntries(metrics.map((x) => [x.name, x.value]));
        await page.close();
        if (i < 0) continue; // first round warms caches and the renderer
        samples[name].script.push(m.ScriptDuration * 1000);
        samples[name].task.push(m.TaskDuration * 1000);
        samples[name].events += events - before;
      }
    }
  } finally {
    await browser.close();
    server.close();
  }
  return Object.fromEntries(Object.entries(samples).map(([k, s]) => [k, { script: median(s.script), task: median(s.task), events: s.events / runs }]));
}
