/**
 * Issue 13, item 4: `POST /api/event` fuzzed through the real Worker (SELF.fetch) with real D1,
 * SiteDOs and rate limiters. Any 5xx fails, and so does a 4xx whose body is not `{error, code}`;
 * each finding prints the seed, the index and the body (`FUZZ_SEED=<n>` replays another seed).
 */
import { env, SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeKey, makeSite, uniqueDomain } from '../helpers/api';
import { fuzzSeed, runFuzz, type Fuzzer, type FuzzCase } from '../helpers/fuzz';

// 3,000 bodies for the route, 2,000 of them anonymous (the path open to the internet): keyed calls
// cost more (ES256 verify, the key's limiter), and the file stays near 20 s on a loaded 2-core machine
const ANONYMOUS = 2_000;
const KEYED = 1_000;
const UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const seed = fuzzSeed(env.FUZZ_SEED);

let site: string;
let other: string;
// several keys: each key's rate limit is one RateLimiterDO, which would serialise every keyed call
let writeKeys: string[];

beforeAll(async () => {
  site = await makeSite(uniqueDomain('fuzz-event'));
  other = await makeSite(uniqueDomain('fuzz-event-b'));
  writeKeys = await Promise.all([1, 2, 3, 4].map(async () => (await makeKey([site, other], 'events:write', { rate_limit: 1_000_000 })).token));
});

function validEvents(trusted: boolean): unknown[] {
  const u = `https://${site}/pricing?utm_source=news&x=%20y#top`;
  const pageview = { n: 'pageview', u, d: site, r: 'https://news.ycombinator.com/item?id=1' };
  const long = {
    name: 'Signup', url: u, domain: `${site},${other}`, referrer: 'https://www.google.com/',
    props: { plan: 'pro', seats: '5' }, revenue: { amount: 12.5, currency: 'EUR' }, interactive: false, hashMode: true,
  };
  const events: unknown[] = [
    pageview,
    long,
    { n: 'engagement', u, d: site, sd: 55, e: 12_345 },
    { n: 'web-vital', u, d: site, p: { metric: 'LCP', value: 1234.5, rating: 'good' } },
    { n: 'error', u, d: site, p: { message: 'TypeError: x is undefined', source: 'https://cdn.example/app.js', line: 12, stack: 'at f (app.js:12:3)' } },
    { n: 'Purchase', u, d: site, $: { amount: '99.90', currency: 'USD' }, p: { sku: 'A-1' }, uid: 'user-1' },
    [pageview, { ...pageview, n: 'Download' }],
    { events: [pageview, { n: 'engagement', u, d: site, sd: 100, e: 1 }] },
  ];
  if (trusted) {
    events.push(
      { ...pageview, ts: Date.now() - 60_000, ip: '203.0.113.9', ua: UA, uid: 'user-2' },
      { ...long, ts: new Date(Date.now() - 3_600_000).toISOString(), ip: '2001:db8::1', ua: UA },
    );
  }
  return events;
}

/** Values valid somewhere in an event, and the edges of each (see Fuzzer's vocabulary). */
function vocabulary(): unknown[] {
  const now = Date.now();
  return [
    'pageview', 'engagement', 'web-vital', 'error', 'Signup', '', ' ', 'x'.repeat(121),
    `https://${site}/`, `http://${site}:8080/a/../b?q=%zz#x`, `https://${site}/%E0%A4%A`, `https://${site.toUpperCase()}/`, 'https://[::1]/', 'https://xn--e1afmkfd.xn--p1ai/',
    'javascript:alert(1)', 'data:text/html,x', `https://user:pass@${site}/`, `https://${site}/${'a/'.repeat(1_200)}`, '//evil.example/', 'https://',
    site, `${site},${other}`, `${site},${site}`, `${site},`, ',', Array.from({ length: 11 }, () => site).join(','), `.${site}`, site.toUpperCase(), 'x'.repeat(254),
    'https://news.ycombinator.com/', 'android-app://com.google.android.gm/', 'https://www.google.com/search?q=x', `https://${site}/internal`,
    { metric: 'CLS', value: 0.12, rating: 'poor' }, { metric: 'LCP', value: 'NaN' }, { metric: 'TTFB', value: -1 }, { message: 'x', line: 'NaN', stack: 'y'.repeat(10_000) },
    Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`k${i}`, 'v'])), { ['k'.repeat(301)]: 'v' }, { k: 'v'.repeat(2_001) },
    { amount: 1e308, currency: 'EUR' }, { amount: '1e400', currency: 'eur' }, { amount: -5, currency: 'XXX' }, { amount: 10, currency: '€€€' },
    0, 100, 101, -1, 2_592_000_000, 1e21, true, false,
    now, now + 86_400_000, now - 400 * 86_400_000, -1, 0, 8.64e15, 8.64e15 + 1, '2024-02-30T00:00:00Z', '2026-13-01', new Date(now).toISOString(), `${now}`, '+275760-09-13T00:00:00.000Z',
    '203.0.113.9', '::1', '::ffff:10.0.0.1', '999.999.999.999', '10.0.0.1, 10.0.0.2', 'fe80::1%eth0', 'Googlebot/2.1', 'Mozilla/5.0', 'u'.repeat(257),
    [], [{}], Array.from({ length: 51 }, () => ({ n: 'pageview', u: `https://${site}/`, d: site })), { events: 'x' },
  ];
}

function eventCase(trusted: boolean) {
  const valid = validEvents(trusted);
  return (fuzzer: Fuzzer, index: number): FuzzCase & { headers: Record<string, string> } => {
    const c = fuzzer.makeCase(index, valid, fuzzer.chance(0.5) ? 'text/plain' : 'application/json');
    const headers: Record<string, string> = {
      // a fresh address per case: the per-IP limit (600/min) answers 429 otherwise, which is fine but fuzzes nothing
      'cf-connecting-ip': `10.113.${index >> 8}.${index & 255}`,
      'user-agent': fuzzer.chance(0.9) ? UA : fuzzer.pick(['', 'curl/8.0', 'Googlebot/2.1', fuzzer.junkString(200).replace(/[^\x20-\x7e]/g, '')]),
    };
    if (trusted) {
      headers.authorization = `Bearer ${writeKeys[index % writeKeys.length]}`;
      if (fuzzer.chance(0.2)) headers['x-forwarded-for'] = fuzzer.pick(['203.0.113.5, 10.0.0.1', 'not-an-ip', '', '::ffff:1.2.3.4', '999.1.1.1', ',,,']);
    }
    return { ...c, headers };
  };
}

function send(c: FuzzCase & { headers?: Record<string, string> }): Promise<Response> {
  const headers = { ...c.headers, ...(c.contentType === null ? {} : { 'content-type': c.contentType }) };
  return SELF.fetch('https://pulse.test/api/event', { method: 'POST', headers, body: c.body });
}

describe(`POST /api/event, fuzzed (seed ${seed})`, () => {
  it(`answers ${ANONYMOUS} anonymous mutated and junk bodies without a 5xx, every 4xx as {error, code}`, async () => {
    const { findings, statuses } = await runFuzz({ seed, count: ANONYMOUS, makeCase: eventCase(false), send, vocabulary: vocabulary() });
    expect(findings, findings.join('\n\n')).toEqual([]);
    // the generator reaches both sides: accepted events and refused ones
    expect(statuses[202]).toBeGreaterThan(50);
    expect(statuses[400]).toBeGreaterThan(250);
  }, 120_000);

  it(`answers ${KEYED} bodies with an events:write key (ts, ip, ua allowed) without a 5xx`, async () => {
    const { findings, statuses } = await runFuzz({ seed: seed + 1, count: KEYED, makeCase: eventCase(true), send, vocabulary: vocabulary() });
    expect(findings, findings.join('\n\n')).toEqual([]);
    expect(statuses[202]).toBeGreaterThan(50);
    expect(statuses[400]).toBeGreaterThan(250);
  }, 120_000);
});
