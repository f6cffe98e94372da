/** The v1 API is reached with keys and share links: every bound answers a 4xx naming it, never a 5xx. */
import { beforeAll, expect, it } from 'vitest';
import { call, makeKey, makeSite } from '../../test/helpers/api';

let site: string;
let key: string;

beforeAll(async () => {
  site = await makeSite();
  key = (await makeKey([site], 'stats:read')).token;
});

const get = (endpoint: string, params: Record<string, string>) =>
  call(`/api/v1/stats/${endpoint}?${new URLSearchParams({ site_id: site, ...params })}`, { token: key });
const answer = async (endpoint: string, params: Record<string, string>) => {
  const res = await get(endpoint, params);
  return { status: res.status, body: (await res.json()) as { error?: string; code?: string; results?: unknown } };
};

it('bounds the URL, the filters and the pages', async () => {
  expect((await answer('aggregate', { filters: `event:page==/${'a'.repeat(70_000)}` })).status).toBe(414);
  const many = Array.from({ length: 60 }, (_, i) => `event:props:k${i}==v`).join(';');
  const tooMany = await answer('aggregate', { filters: many });
  expect(tooMany.status).toBe(400);
  expect(tooMany.body.error).toContain('more than 50 conditions');
  expect((await answer('breakdown', { property: 'event:page', limit: '1001' })).status).toBe(400);
  // a page far past the rows is an empty page, not an error
  expect(await answer('breakdown', { property: 'event:page', page: '999999999', limit: '1000' })).toEqual({ status: 200, body: { results: [] } });
  expect((await answer('breakdown', { property: 'event:page', page: '99999999999999999999' })).status).toBe(400);
});

it('refuses dates outside the calendar and patterns RE2 cannot run', async () => {
  const early = await answer('aggregate', { period: 'custom', date: '0000-01-01,0000-01-02' });
  expect(early.status).toBe(400);
  expect((await answer('timeseries', { period: 'custom', date: '2000-01-01,2024-12-31', interval: 'date' })).status).toBe(400);
  // RE2 runs any wildcard in linear time; a pattern over v2's 1,000 characters is refused
  const stars = await answer('aggregate', { filters: `event:page==${'/*'.repeat(100)}` });
  expect(stars).toEqual({ status: 200, body: { results: { visitors: { value: 0 } } } });
  const long = await answer('aggregate', { filters: `event:page==${'/*'.repeat(400)}` });
  expect(long.status).toBe(400);
  expect(long.body.error).toContain('#/filters/0/2/0');
});

it('answers on the last date the API accepts (the v1 fuzzer found a loop that never ended there)', async () => {
  expect(await answer('timeseries', { period: 'month', date: '9999-12-31', interval: 'month' })).toEqual({ status: 200, body: { results: [{ date: '9999-12-01', visitors: 0 }] } });
  expect((await answer('breakdown', { period: '7d', date: '9999-12-31', property: 'event:page' })).status).toBe(200);
  // month ends are computed past the calendar's end (+010000-01-01) and back: still 9999-12-31
  expect((await answer('aggregate', { period: 'custom', date: '9999-12-31,9999-12-31' })).status).toBe(200);
});

it('answers JSON errors with a code for junk in every parameter', async () => {
  // empty conditions are no conditions, as Plausible splits them
  expect((await answer('aggregate', { filters: ';;;' })).status).toBe(200);
  for (const [endpoint, params] of [
    ['aggregate', { metrics: ',,,' }],
    ['aggregate', { compare: 'year_over_year' }],
    ['timeseries', { interval: '' }],
    ['breakdown', { property: 'event:props:' }],
    ['aggregate', { filters: '==x' }],
    ['aggregate', { date: '2024-13-01' }],
  ] as const) {
    const { status, body } = await answer(endpoint, params);
    expect(status, JSON.stringify(params)).toBe(400);
    expect(typeof body.error === 'string' && typeof body.code === 'string', JSON.stringify(params)).toBe(true);
  }
});
