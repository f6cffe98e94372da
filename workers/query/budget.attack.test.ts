/**
 * Issue 13: the raw plan's bound was estimated from the rollups' daily totals only, so days the
 * rollups did not hold yet (a site never refreshed, a backfill since the last run) counted as
 * zero and a raw scan was unbounded; `matches` filters tested every distinct value in JS. The
 * events themselves are now counted (stopping one past the bound) and the pattern tests budgeted.
 * Budgets are parameters, so small fixtures can exceed them.
 */
import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { uniqueDomain } from '../../test/helpers/api';
import { Fixture } from '../../test/helpers/query-fixtures';
import { refreshSite } from '../rollups/refresh';
import { QueryDb } from './db';
import { runQuery } from './run-query';

const NOW = Date.parse('2024-01-20T12:00:00Z');
const range = ['2024-01-10', '2024-01-12'];
let unrefreshed: string;
let refreshed: string;

/** 60 visits of two pageviews over three days, each on its own pages. */
function traffic(site: string, goals: string[] = []): Fixture {
  const f = new Fixture(site, 'UTC', goals);
  for (let i = 0; i < 60; i++) {
    const at = `2024-01-1${i % 3}T${String(10 + (i % 10)).padStart(2, '0')}:00:00Z`;
    f.visit({ visitor: i + 1, at, source: i % 2 ? 'Google' : 'Bing' }, [{ path: `/blog/post-${i}` }, { path: `/docs/${i}`, after: 30 }]);
  }
  return f;
}

beforeAll(async () => {
  unrefreshed = uniqueDomain('budget-raw');
  await traffic(unrefreshed, ['Visit /blog/*']).insert(env.DB);
  refreshed = uniqueDomain('budget-rollup');
  await traffic(refreshed).insert(env.DB);
  await refreshSite(new QueryDb(env.DB), refreshed, 'UTC', NOW);
  // a late visit after the refresh: 2024-01-11 is stale in the rollups
  await new Fixture(refreshed).visit({ visitor: 999, at: '2024-01-11T09:00:00Z', source: 'Bing' }, [{ path: '/late' }], NOW + 60_000).write(env.DB);
});

const pages = (site: string, extra: Record<string, unknown> = {}) => ({ site_id: site, metrics: ['visitors'], dimensions: ['event:page'], date_range: range, ...extra });

describe('rows a raw plan may scan', () => {
  it('counts the events of days the rollups do not hold, and refuses past the bound', async () => {
    const db = new QueryDb(env.DB);
    const err = await runQuery(env.DB, unrefreshed, pages(unrefreshed), NOW, { maxRawRows: 50 }, db).then(() => null, (e: unknown) => e);
    expect(err).toMatchObject({ status: 400, code: 'query_too_large', message: 'This query would scan more than 50 events; narrow the date range or filters (the limit is 50)' });
    // the guard stopped one past the bound instead of reading all 120 events
    expect(db.rowsRead).toBeLessThan(120);
    const ok = await runQuery(env.DB, unrefreshed, pages(unrefreshed), NOW, { maxRawRows: 500 });
    expect(ok.results).toHaveLength(120);
  });

  it('falls back to the rollups when they can answer', async () => {
    const trace: ('rollup' | 'raw')[] = [];
    const body = { site_id: refreshed, metrics: ['visitors'], dimensions: ['visit:source'], date_range: range };
    // small enough to answer fresh by the daily totals, too big by the count: the rollups answer
    const res = await runQuery(env.DB, refreshed, body, NOW, { maxRawRows: 100, freshRawRows: 1000, trace });
    expect(trace).toEqual(['rollup']);
    expect(res.results).toEqual([{ dimensions: ['Bing'], metrics: [30] }, { dimensions: ['Google'], metrics: [30] }]);
    // with room for the raw plan, it answers exactly, the late visit included
    const fresh = await runQuery(env.DB, refreshed, body, NOW, { maxRawRows: 1000, freshRawRows: 1000, trace: (trace.length = 0, trace) });
    expect(trace).toEqual(['raw']);
    expect(fresh.results[0]).toEqual({ dimensions: ['Bing'], metrics: [31] });
  });
});

describe('pattern tests per query', () => {
  const matches = (pattern: string) => pages(unrefreshed, { filters: [['matches', 'event:page', [pattern]]] });

  it('refuses a matches filter over more distinct values than the budget', async () => {
    // 120 distinct pages (and the day of slack each side holds no others)
    const err = await runQuery(env.DB, unrefreshed, matches('^/blog/post-1'), NOW, { maxRegexTests: 100 }).then(() => null, (e: unknown) => e);
    expect(err).toMatchObject({ status: 400, code: 'query_too_large' });
    expect((err as Error).message).toMatch(/^matches on event:page would test too many distinct values in this date range \(the limit is 100 units/);
    const ok = await runQuery(env.DB, unrefreshed, matches('^/blog/post-1'), NOW, { maxRegexTests: 1000 });
    expect(ok.results).toHaveLength(11); // post-1, post-10 … post-19
  });

  it('charges long values by their length, and patterns each', async () => {
    const site = uniqueDomain('budget-long');
    const f = new Fixture(site);
    for (let i = 0; i < 10; i++) f.visit({ visitor: i + 1, at: '2024-01-11T10:00:00Z' }, [{ path: `/${'x'.repeat(5000)}${i}` }]);
    await f.insert(env.DB);
    const body = (patterns: string[]) => ({ site_id: site, metrics: ['visitors'], date_range: range, filters: [['matches', 'event:page', patterns]] });
    // 10 values of 51 units each: 510 per pattern
    expect((await runQuery(env.DB, site, body(['9$']), NOW, { maxRegexTests: 600 })).results).toEqual([{ metrics: [1], dimensions: [] }]);
    await expect(runQuery(env.DB, site, body(['9$', '8$']), NOW, { maxRegexTests: 600 })).rejects.toMatchObject({ status: 400, code: 'query_too_large' });
  });

  it('charges a costly pattern by its program size: refused over long values at the default budget', async () => {
    const site = uniqueDomain('budget-costly');
    const f = new Fixture(site);
    for (let i = 0; i < 10; i++) f.visit({ visitor: i + 1, at: '2024-01-11T10:00:00Z' }, [{ path: `/${'x'.repeat(5000)}${i}` }]);
    await f.insert(env.DB);
    const body = (pattern: string) => ({ site_id: site, metrics: ['visitors'], date_range: range, filters: [['matches', 'event:page', [pattern]]] });
    // about 3,000 instructions over 50 KB of paths: most of a second of re2js before
    await expect(runQuery(env.DB, site, body('(.{1000})(.{1000})(.{1000})'), NOW)).rejects.toMatchObject({ status: 400, code: 'query_too_large' });
    expect((await runQuery(env.DB, site, body('x9$'), NOW)).results).toEqual([{ metrics: [1], dimensions: [] }]);
  });

  it('bounds the characters of patterns a query compiles', async () => {
    const body = { ...matches('a'), filters: [['matches', 'event:page', ['a'.repeat(1000), 'b'.repeat(1000), 'c'.repeat(10)]]] };
    await expect(runQuery(env.DB, unrefreshed, body, NOW)).rejects.toMatchObject({
      status: 400, message: '#/filters/0/2/2: Invalid filter: the regular expressions have more than 2000 characters in all',
    });
  });

  it('charges wildcard page goals too', async () => {
    const body = { site_id: unrefreshed, metrics: ['visitors'], dimensions: ['event:goal'], date_range: range };
    await expect(runQuery(env.DB, unrefreshed, body, NOW, { maxRegexTests: 100 })).rejects.toMatchObject({ status: 400, code: 'query_too_large', message: expect.stringMatching(/^the page goal "Visit \/blog\/\*"/) });
    expect((await runQuery(env.DB, unrefreshed, body, NOW)).results).toEqual([{ dimensions: ['Visit /blog/*'], metrics: [60] }]);
  });
});
