/**
 * Issue 13: a date range spanning millennia answered 500 (invalid time) or ran for minutes; dates
 * before year 100 were read as 1900–1999. Ranges are now real dates in 0001–9999, at most 10 years
 * long (`all` is clamped), with a bound on time buckets; comparisons obey the same rules.
 */
import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, makeKey, uniqueDomain } from '../../test/helpers/api';
import { Fixture } from '../../test/helpers/query-fixtures';
import { addDays, localDay } from '../lib/timezone';

let site: string;
let key: string;
let kiri: string;
let kiriKey: string;

beforeAll(async () => {
  site = uniqueDomain('ranges');
  // data from 2004: `all` would reach back 20+ years
  await new Fixture(site)
    .visit({ visitor: 1, at: '2004-03-01T10:00:00Z' }, [{ path: '/old' }])
    .visit({ visitor: 2, at: '2024-01-15T10:00:00Z' }, [{ path: '/' }])
    .insert(env.DB);
  kiri = uniqueDomain('kiri');
  await new Fixture(kiri, 'Pacific/Kiritimati').visit({ visitor: 1, at: '2024-01-15T10:00:00Z' }, [{ path: '/' }]).insert(env.DB);
  key = (await makeKey([site], 'stats:read')).token;
  kiriKey = (await makeKey([kiri], 'stats:read')).token;
});

const query = (extra: Record<string, unknown>) => ({ site_id: site, metrics: ['visitors'], ...extra });

async function ask(body: Record<string, unknown>, token = key): Promise<{ status: number; json: Record<string, any> }> {
  const res = await call('/api/v2/query', { token, body });
  return { status: res.status, json: await res.json() };
}

describe('date range bounds', () => {
  it('answers the last representable day instead of a 500', async () => {
    const { status, json } = await ask(query({ date_range: ['9999-12-31', '9999-12-31'] }));
    expect(status).toBe(200);
    expect(json.query.date_range).toEqual(['9999-12-31T00:00:00Z', '9999-12-31T23:59:59Z']);
  });

  it('reads years before 100 as themselves, and refuses year 0000', async () => {
    const early = await ask(query({ date_range: ['0050-01-01', '0050-01-02'] }));
    expect(early.status).toBe(200);
    expect(early.json.query.date_range).toEqual(['0050-01-01T00:00:00Z', '0050-01-02T23:59:59Z']);
    const zero = await ask(query({ date_range: ['0000-01-01', '0000-01-02'] }));
    expect(zero).toEqual({ status: 400, json: { error: '#/date_range: Invalid date range: dates must be between 0001-01-01 and 9999-12-31', code: 'invalid_query' } });
  });

  it('refuses dates that do not exist with a 400', async () => {
    const { status, json } = await ask(query({ date_range: ['2024-13-45', '2024-14-01'] }));
    expect({ status, error: json.error }).toEqual({ status: 400, error: '#/date_range: Invalid date range ["2024-13-45","2024-14-01"]' });
    // the last second of 9999 in UTC ends at a midnight of year 10000: still representable
    expect((await ask(query({ date_range: ['9999-12-31T00:00:00Z', '9999-12-31T23:59:59Z'] }))).status).toBe(200);
  });

  it('refuses a datetime whose local day leaves year 9999', async () => {
    const { status, json } = await ask({ site_id: kiri, metrics: ['visitors'], date_range: ['9999-12-31T12:00:00Z', '9999-12-31T23:59:59Z'] }, kiriKey);
    expect(status).toBe(400);
    expect(json.error).toMatch(/^#\/date_range: .*between 0001-01-01 and 9999-12-31/);
  });

  it('refuses a range of millennia quickly, naming the span', async () => {
    const started = Date.now();
    const { status, json } = await ask(query({ date_range: ['0001-01-01', '9999-12-31'], dimensions: ['time:day'], include: { time_labels: true } }));
    expect(status).toBe(400);
    expect(json.error).toBe('#/date_range: Invalid date range: it spans 3652059 days; at most 3653 (10 years) may be queried at once');
    expect(Date.now() - started).toBeLessThan(2000);
    expect((await ask(query({ date_range: ['2014-01-01', '2024-12-31'] }))).status).toBe(400);
  });

  it('answers ten years', async () => {
    const { status, json } = await ask(query({ date_range: ['2015-01-01', '2024-12-31'], dimensions: ['time:month'], include: { time_labels: true } }));
    expect(status).toBe(200);
    expect(json.meta.time_labels).toHaveLength(120);
    expect(json.results).toEqual([{ dimensions: ['2024-01-01'], metrics: [1] }]);
  });

  it('clamps `all` to the last ten years', async () => {
    const { status, json } = await ask(query({ date_range: 'all' }));
    expect(status).toBe(200);
    const today = localDay(Date.now(), 'UTC');
    expect(json.query.date_range[0]).toBe(`${addDays(today, -3652)}T00:00:00Z`);
  });

  it('bounds the number of time buckets, naming the granularity', async () => {
    const { status, json } = await ask(query({ date_range: ['2023-01-01', '2024-12-31'], dimensions: ['time:hour'], include: { time_labels: true } }));
    expect(status).toBe(400);
    expect(json.error).toMatch(/^#\/dimensions: time:hour over 731 days gives about 17545 time buckets; at most 10080/);
    // a year of hours is fine
    expect((await ask(query({ date_range: ['2024-01-01', '2024-12-31'], dimensions: ['time:hour'] }))).status).toBe(200);
  });
});

describe('comparison range bounds', () => {
  const base = { date_range: ['2024-01-15', '2024-01-15'] };
  it('refuses custom comparison dates that are not real dates', async () => {
    const { status, json } = await ask(query({ ...base, include: { comparisons: { mode: 'custom', date_range: ['2024-13-45', '2024-14-01'] } } }));
    expect(status).toBe(400);
    expect(json.error).toBe('#/include/comparisons/date_range: Invalid date range ["2024-13-45","2024-14-01"]');
    const long = await ask(query({ ...base, include: { comparisons: { mode: 'custom', date_range: ['1000-01-01', '2024-01-01'] } } }));
    expect(long.status).toBe(400);
    expect(long.json.error).toMatch(/^#\/include\/comparisons\/date_range: Invalid date range: it spans/);
  });

  it('refuses a comparison that would start before year 1', async () => {
    for (const mode of ['previous_period', 'year_over_year']) {
      const { status, json } = await ask(query({ date_range: ['0001-03-01', '0001-03-31'], include: { comparisons: { mode } } }));
      expect(status, mode).toBe(400);
      expect(json.error).toBe('#/include/comparisons: Invalid comparison: the comparison period would start before 0001-01-01');
    }
  });

  it('bounds the comparison\'s time buckets too', async () => {
    const { status, json } = await ask(query({
      date_range: ['2024-01-01', '2024-01-31'], dimensions: ['time:hour'],
      include: { comparisons: { mode: 'custom', date_range: ['2020-01-01', '2023-12-31'] } },
    }));
    expect(status).toBe(400);
    expect(json.error).toMatch(/^#\/include\/comparisons: time:hour over 1461 days/);
  });
});
