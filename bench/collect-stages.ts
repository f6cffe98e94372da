/**
 * `npx tsx bench/collect-stages.ts`: microseconds per stage of the collector's pipeline
 * (workers/collect/pipeline.ts) in Node, over requests like the bench's (a few user agents,
 * a few pages and referrers). V8 is workerd's engine, so the split between stages holds there.
 * `rejectBot` and `parseDevice` are the uncached work; the pipeline's steps memoize them per UA.
 */
import { parseEventBody } from '../workers/collect/parse-body';
import * as steps from '../workers/collect/pipeline';
import type { RequestContext } from '../workers/collect/pipeline';
import { rejectBot } from '../workers/collect/reject-bots';
import { parseDevice } from '../workers/collect/parse-device';
import { PATHS, REFERRERS, UAS } from './lib/requests.mjs';

const N = Number(process.argv[2] ?? 20000);
// one page with a UTM query, so normalizeUrl's query handling is in the profile
const PAGES = PATHS.map((path) => (path === '/docs/getting-started' ? `${path}?utm_source=news` : path));
const cf = { country: 'DE', region: 'Berlin', regionCode: 'BE', city: 'Berlin' } as unknown as IncomingRequestCfProperties;

const bodies = Array.from({ length: 64 }, (_, i) =>
  JSON.stringify({ n: 'pageview', u: `https://bench.example${PAGES[(i * 7) % PAGES.length]}`, d: 'bench.example', r: REFERRERS[i % REFERRERS.length] }),
);
const reqs: RequestContext[] = Array.from({ length: 64 }, (_, i) => ({ ip: `10.0.${i}.1`, ua: UAS[i % UAS.length]!, cf, now: Date.now() }));

function time(label: string, fn: (i: number) => unknown): void {
  for (let i = 0; i < 2000; i++) fn(i); // warm up (JIT)
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) fn(i);
  const us = Number(process.hrtime.bigint() - t0) / 1000 / N;
  console.log(`${label.padEnd(18)} ${us.toFixed(2).padStart(8)} µs`);
}

const parsed = bodies.map((b) => parseEventBody(b, { trusted: false, now: Date.now() })[0]!);
const drafts = parsed.map((incoming) => steps.normalizeUrl({ incoming }));
const sourced = drafts.map((d) => steps.attachSource(d));
const withGeo = sourced.map((d, i) => steps.attachGeo(d, reqs[i]!));
const withDevice = withGeo.map((d, i) => steps.attachDevice(d, reqs[i]!));

time('parse', (i) => parseEventBody(bodies[i % 64]!, { trusted: false, now: 0 }));
time('rejectBot', (i) => rejectBot(reqs[i % 64]!.ua));
time('rejectBots memo', (i) => steps.rejectBots(drafts[i % 64]!, reqs[i % 64]!));
time('normalizeUrl', (i) => steps.normalizeUrl({ incoming: parsed[i % 64]! }));
time('rejectSpam', (i) => steps.rejectSpam(drafts[i % 64]!));
time('attachSource', (i) => steps.attachSource(drafts[i % 64]!));
time('attachGeo', (i) => steps.attachGeo(sourced[i % 64]!, reqs[i % 64]!));
time('parseDevice', (i) => parseDevice(reqs[i % 64]!.ua));
time('attachDevice memo', (i) => steps.attachDevice(withGeo[i % 64]!, reqs[i % 64]!));
time('scrubErrorProps', (i) => steps.scrubErrorProps(withDevice[i % 64]!));
time('toCollected', (i) => steps.toCollected(withDevice[i % 64]!, reqs[i % 64]!));
time('runPipeline', (i) => steps.runPipeline(parsed[i % 64]!, reqs[i % 64]!));
time('JSON stringify', (i) => JSON.stringify(withDevice[i % 64]));
