/**
 * Issue 13, item 4: `POST /api/v2/query` fuzzed through the real Worker with a `stats:read` key on
 * a site that has data (written through the consumer's write path). Any 5xx fails, and so does a
 * 4xx whose body is not `{error, code}`; each finding prints the seed, the index and the body.
 */
import { env, SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { adminToken, call, makeKey, makeSite, ok, uniqueDomain } from '../helpers/api';
import { fuzzSeed, runFuzz, type Fuzzer, type FuzzCase } from '../helpers/fuzz';
import { Fixture } from '../helpers/query-fixtures';
import { METRICS, SIMPLE_DIMENSIONS, TIME_DIMENSIONS } from '../../workers/query/types';

const COUNT = 2_000;
const seed = fuzzSeed(env.FUZZ_SEED) + 2;

let site: string;
let keys: string[];
let segment: number;

beforeAll(async () => {
  site = await makeSite(uniqueDomain('fuzz-query'));
  await new Fixture(site)
    .visit({ visitor: 1, at: '2024-01-15T10:00:00Z', source: 'Google', country: 'DE', utm_source: 'news' }, [
      { path: '/' }, { path: '/pricing', after: 5 }, { name: 'Signup', after: 10, props: { plan: 'pro' }, revenue: [12.5, 'EUR'] },
    ])
    .visit({ visitor: 2, at: '2024-01-15T11:00:00Z', device: 'Mobile' }, [{ path: '/' }, { name: 'engagement', scrollDepth: 80, engagedMs: 4_000 }])
    .visit({ visitor: 3, at: '2024-01-16T09:30:00Z', referrer: 'https://news.ycombinator.com/' }, [
      { path: '/blog/a' }, { name: 'web-vital', props: { metric: 'LCP', value: '2100', rating: 'good' } },
    ])
    .write(env.DB);
  // a few keys: each key's rate limit is one RateLimiterDO, which would serialise every query
  // a saved segment: its filters are spliced into mutated bodies
  segment = (await ok<{ id: number }>(call(`/api/v1/sites/${site}/segments`, { token: adminToken(), body: { name: 'S', scope: 'site', filters: [['is', 'visit:source', ['Google']], ['contains', 'event:page', ['pri']]] } }), 201)).id;
  keys = await Promise.all([1, 2, 3, 4].map(async () => (await makeKey([site], 'stats:read', { rate_limit: 1_000_000 })).token));
});

function validQueries(): unknown[] {
  const range = ['2024-01-15', '2024-01-16'];
  return [
    { site_id: site, metrics: ['visitors', 'pageviews'], date_range: range },
    { site_id: site, metrics: ['visitors', 'visits', 'bounce_rate', 'visit_duration', 'views_per_visit'], dimensions: ['event:page'], date_range: range, order_by: [['visitors', 'desc']] },
    { site_id: site, metrics: ['visitors', 'percentage'], dimensions: ['visit:source', 'visit:country'], date_range: '7d', filters: [['is', 'visit:country', ['DE']]] },
    { site_id: site, metrics: ['events', 'conversion_rate'], dimensions: ['event:goal'], date_range: 'all', filters: [['or', [['contains', 'event:page', ['pri'], { case_sensitive: false }], ['matches', 'event:page', ['^/blog/.*']]]]] },
    { site_id: site, metrics: ['visitors'], dimensions: ['time:day'], date_range: range, include: { time_labels: true, total_rows: true, comparisons: { mode: 'previous_period' } } },
    { site_id: site, metrics: ['visitors', 'scroll_depth', 'time_on_page'], dimensions: ['event:page'], date_range: ['2024-01-15T00:00:00Z', '2024-01-16T23:59:59Z'], pagination: { limit: 10, offset: 0 } },
    { site_id: site, metrics: ['total_revenue', 'average_revenue', 'visitors'], dimensions: ['event:props:plan'], date_range: '12mo', filters: [['not', ['is_not', 'event:name', ['Signup']]]] },
    { site_id: site, metrics: ['visitors'], dimensions: ['event:page'], date_range: range, filters: [['sequence', [['is', 'event:page', ['/']], ['is', 'event:name', ['Signup']]]]] },
    { site_id: site, metrics: ['lcp_p75', 'errors', 'visitors'], dimensions: ['visit:device', 'time:hour'], date_range: 'day', filters: [['has_done', ['is', 'event:name', ['Signup']]]] },
    { site_id: site, metrics: ['visitors', 'group_conversion_rate'], dimensions: ['event:goal', 'visit:new_vs_returning'], date_range: '30d' },
    { site_id: site, metrics: ['visitors', 'bounce_rate'], dimensions: ['visit:source'], date_range: range, filters: [['or', [['is', 'segment', [segment]], ['not', ['is', 'segment', [segment, segment]]]]]] },
  ];
}

const DIMENSIONS = [...SIMPLE_DIMENSIONS, ...TIME_DIMENSIONS, 'event:props:plan', 'event:props:', 'event:props:__proto__', 'segment'];
const DATES = [
  'day', '24h', '7d', '28d', '30d', '91d', 'month', '6mo', '12mo', 'year', 'all', '0d', '99999d',
  ['2024-01-15', '2024-01-16'], ['2024-01-16', '2024-01-15'], ['2024-02-30', '2024-03-01'], ['0001-01-01', '9999-12-31'],
  ['2024-01-15T10:00:00Z', '2024-01-15T10:00:00Z'], ['2024-01-15T10:00:00+14:00', '2024-01-15T23:59:59-12:00'], ['+275760-09-13', '2024-01-01'],
  ['2024-01-15'], ['2024-01-15', '2024-01-16', '2024-01-17'], ['2024-03-31T02:30:00', '2024-03-31T03:30:00'],
];
const FILTERS = [
  ['is', 'event:page', ['/', '/pricing']], ['is_not', 'visit:source', ['Google']], ['contains', 'event:props:plan', ['pr'], { case_sensitive: false }],
  ['matches', 'event:page', ['^/(blog|pricing)/?$']], ['matches_not', 'event:hostname', ['.*\\.example$']], ['is', 'event:goal', ['Signup']],
  ['is', 'visit:country', ['DE', 'XX']], ['is', 'segment', [1]], ['has_not_done', ['is', 'event:name', ['Signup']]],
  ['and', [['is', 'visit:device', ['Mobile']], ['not', ['is', 'event:page', ['/']]]]], ['or', []], ['and', [[]]],
  ['sequence', [['is', 'event:page', ['/']]]], ['sequence', [['is', 'event:page', ['/']], ['and', [['is', 'event:name', ['Signup']], ['is', 'event:props:plan', ['pro']]]]]],
  ['is', 'time:day', ['2024-01-15']], ['contains', 'visit:utm_source', ['']],
];
const VOCABULARY = [
  ...METRICS, ...DIMENSIONS, ...DATES, ...FILTERS, 'asc', 'desc', 'is', 'and', 'sequence', 'previous_period', 'year_over_year', 'custom',
  [...METRICS], [...DIMENSIONS], [FILTERS[0], FILTERS[9]], [['visitors', 'asc'], ['event:page', 'desc']], { limit: 10_000, offset: 10_000_000 },
  { time_labels: true, total_rows: true, comparisons: { mode: 'custom', date_range: ['2023-01-01', '2023-12-31'], match_day_of_week: true } },
];

function queryCase(fuzzer: Fuzzer, index: number): FuzzCase & { token: string | null } {
  const c = fuzzer.makeCase(index, validQueries());
  // a few anonymous callers and junk tokens: the body is parsed before auth
  const token = fuzzer.chance(0.03) ? fuzzer.pick([null, 'junk', 'a.b.c']) : keys[index % keys.length];
  return { ...c, token };
}

function send(c: FuzzCase & { token?: string | null }): Promise<Response> {
  const headers: Record<string, string> = c.contentType === null ? {} : { 'content-type': c.contentType };
  if (c.token) headers.authorization = `Bearer ${c.token}`;
  return SELF.fetch('https://pulse.test/api/v2/query', { method: 'POST', headers, body: c.body });
}

describe(`POST /api/v2/query, fuzzed (seed ${seed})`, () => {
  it(`answers ${COUNT} mutated and junk query bodies without a 5xx, every 4xx as {error, code}`, async () => {
    const { findings, statuses } = await runFuzz({ seed, count: COUNT, makeCase: queryCase, send, vocabulary: VOCABULARY });
    expect(findings, findings.join('\n\n')).toEqual([]);
    // the generator reaches both sides: answered queries and refused ones
    expect(statuses[200]).toBeGreaterThan(100);
    expect(statuses[400]).toBeGreaterThan(500);
  }, 120_000);
});
