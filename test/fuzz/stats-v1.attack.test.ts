/**
 * The legacy Stats API v1 (`GET /api/v1/stats/…`) fuzzed through the real Worker: every parameter
 * drawn from valid values, near misses and junk, in random combinations. Any 5xx fails, and so
 * does a 4xx whose body is not `{error, code}`; each finding prints the seed, the index and the URL.
 */
import { env, SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { adminToken, call, makeKey, makeSite, ok, uniqueDomain } from '../helpers/api';
import { fuzzSeed, judgeAnswer } from '../helpers/fuzz';
import { prng } from '../helpers/prng';
import { Fixture } from '../helpers/query-fixtures';

const COUNT = 600;
const seed = fuzzSeed(env.FUZZ_SEED) + 5;

let site: string;
let keys: string[];

beforeAll(async () => {
  site = await makeSite(uniqueDomain('fuzz-v1'));
  await ok(call(`/api/v1/sites/${site}/goals`, { token: adminToken(), body: { event_name: 'Signup' } }), 201);
  await new Fixture(site, 'UTC', ['Signup'])
    .visit({ visitor: 1, at: '2024-01-15T10:00:00Z', source: 'Google', country: 'DE', utm_source: 'news' }, [
      { path: '/' }, { path: '/pricing', after: 5 }, { name: 'Signup', after: 10, props: { plan: 'pro' } },
    ])
    .visit({ visitor: 2, at: '2024-01-16T11:00:00Z', device: 'Mobile' }, [{ path: '/blog/a' }])
    .write(env.DB);
  keys = await Promise.all([1, 2, 3, 4].map(async () => (await makeKey([site], 'stats:read', { rate_limit: 1_000_000 })).token));
});

const ENDPOINTS = ['aggregate', 'timeseries', 'breakdown', 'realtime/visitors'];
const VALUES: Record<string, string[]> = {
  period: ['day', '7d', '30d', 'month', '6mo', '12mo', 'custom', 'year', 'all', '', '30D', 'realtime'],
  date: ['2024-01-15', 'today', '2024-01-15,2024-01-16', '2024-01-16,2024-01-15', '0001-01-01,9999-12-31', '2024-02-30', '', ',', '2024-01-15,', '9999-12-31', '0000-00-00'],
  metrics: ['visitors', 'visitors,pageviews,bounce_rate,visit_duration', 'events,visits,views_per_visit', 'conversion_rate', 'time_on_page', 'visitors,visitors', '', ',', 'scroll_depth', 'percentage'],
  filters: ['event:goal==Signup', 'visit:country==DE|FR', 'event:page==/blog/**', 'event:page!=/*', 'event:page~pri', 'event:page!~a|b', 'event:props:plan==pro', 'visit:source==Google;event:page==/',
    '==', ';', 'event:page==', 'event:goal==Nope', 'visit:country==Germany', 'x==y', 'event:page==\\|', `event:page==${'*'.repeat(600)}`, 'event:props:==x', 'event:page===/', '[["is","event:page",["/"]]]'],
  property: ['event:page', 'event:goal', 'event:props:plan', 'visit:source', 'visit:browser_version', 'visit:utm_source', 'visit:country', 'event:hostname', 'event:props:', 'visit:nope', ''],
  interval: ['date', 'day', 'month', 'week', 'hour', ''],
  limit: ['1', '9', '1000', '0', '1001', '-1', 'x', '1e3'],
  page: ['1', '2', '999999999', '0', 'x', '1.5'],
  compare: ['previous_period', 'year_over_year', ''],
};

function makeUrl(random: () => number, i: number): string {
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)]!;
  const params = new URLSearchParams();
  if (random() > 0.05) params.set('site_id', random() > 0.03 ? site : pick(['', 'other.example', site.toUpperCase()]));
  for (const [name, values] of Object.entries(VALUES)) if (random() < 0.45) params.set(name, pick(values));
  if (random() < 0.05) params.append('metrics', 'pageviews'); // a repeated parameter
  return `/api/v1/stats/${ENDPOINTS[i % ENDPOINTS.length]}?${params}`;
}

describe('GET /api/v1/stats, fuzzed', () => {
  it(`answers ${COUNT} random parameter sets without a 5xx, every 4xx as {error, code} (seed ${seed})`, async () => {
    const random = prng(seed);
    const urls = Array.from({ length: COUNT }, (_, i) => makeUrl(random, i));
    const findings: string[] = [];
    const statuses: Record<number, number> = {};
    for (let start = 0; start < urls.length; start += 20) {
      await Promise.all(urls.slice(start, start + 20).map(async (url, j) => {
        const res = await SELF.fetch(`https://pulse.test${url}`, { headers: { authorization: `Bearer ${keys[(start + j) % keys.length]}` } });
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        const verdict = await judgeAnswer(res, 'GET');
        if (verdict) findings.push(`${verdict.problem}: seed ${seed} index ${start + j} ${url.slice(0, 400)} → ${res.status} ${verdict.text.slice(0, 300)}`);
      }));
    }
    expect(findings).toEqual([]);
    // the fuzzer reaches both answers
    expect(statuses[200]).toBeGreaterThan(30);
    expect(statuses[400]).toBeGreaterThan(100);
  }, 120_000);
});
