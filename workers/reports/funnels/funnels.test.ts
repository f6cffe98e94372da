import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { Fixture } from '../../../test/helpers/query-fixtures';
import { QueryDb } from '../../query/db';
import { refreshRollups } from '../../rollups/refresh';
import { runFunnel, type FunnelRequest } from './run-funnel';
import { parseSteps, type Window } from './steps';

/*
 * funnels.test (UTC). Goals: g0 Signup, g1 Visit /pricing, g2 Visit /blog/**.
 * 2024-02-01
 *   v1 anon   10:00 Google  /  +10 /pricing  +20 /about  +30 Signup{plan:pro}      both, 50 s
 *   v2 anon   11:00         Signup  +5 /pricing                                     out of order
 *   v3 anon   12:00 Twitter /pricing  +5 /pricing  +100 Signup{plan:free}           repeat: 105 s from the first
 *   v4 ident  13:00         /pricing;  2024-02-02 09:00 Signup (next session, 20 h later)
 *   v5 ident  08:00         /pricing;  2024-02-02 10:00 Signup (26 h later)
 *   v6 anon   14:00         /pricing;  15:00 Signup (a second session: anonymous, never followed)
 * 2024-02-02
 *   v7 anon   10:00         /blog/x/y  +60 Signup
 *   v8 anon   11:00         /blog      +60 Signup     (/blog is not /blog/**)
 */
const SITE = 'funnels.test';
const RANGE = ['2024-02-01', '2024-02-03'];
const NOW = Date.parse('2024-02-10T00:00:00Z');
const NY = 'funnels-ny.test';

beforeAll(async () => {
  const f = new Fixture(SITE, 'UTC', ['Signup', 'Visit /pricing', 'Visit /blog/**']);
  const signup = (after: number, props?: Record<string, string>) => ({ name: 'Signup', path: '/signup', after, props });
  f.visit({ visitor: 1, at: '2024-02-01T10:00:00Z', source: 'Google' }, [{ path: '/' }, { path: '/pricing', after: 10 }, { path: '/about', after: 20 }, signup(30, { plan: 'pro' })]);
  f.visit({ visitor: 2, at: '2024-02-01T11:00:00Z' }, [signup(0), { path: '/pricing', after: 5 }]);
  f.visit({ visitor: 3, at: '2024-02-01T12:00:00Z', source: 'Twitter' }, [{ path: '/pricing' }, { path: '/pricing', after: 5 }, signup(100, { plan: 'free' })]);
  f.visit({ visitor: 4, identified: true, at: '2024-02-01T13:00:00Z' }, [{ path: '/pricing' }]);
  f.visit({ visitor: 4, identified: true, at: '2024-02-02T09:00:00Z' }, [signup(0)]);
  f.visit({ visitor: 5, identified: true, at: '2024-02-01T08:00:00Z' }, [{ path: '/pricing' }]);
  f.visit({ visitor: 5, identified: true, at: '2024-02-02T10:00:00Z' }, [signup(0)]);
  f.visit({ visitor: 6, at: '2024-02-01T14:00:00Z' }, [{ path: '/pricing' }]);
  f.visit({ visitor: 6, at: '2024-02-01T15:00:00Z' }, [signup(0)]);
  f.visit({ visitor: 7, at: '2024-02-02T10:00:00Z' }, [{ path: '/blog/x/y' }, signup(60)]);
  f.visit({ visitor: 8, at: '2024-02-02T11:00:00Z' }, [{ path: '/blog' }, signup(60)]);
  await f.insert(env.DB);

  // New York, 2024-03-10: 02:00 EST jumps to 03:00 EDT (07:00 UTC)
  const ny = new Fixture(NY, 'America/New_York', ['Signup', 'Visit /pricing']);
  // across local midnight: 2024-03-09 23:50 EST -> 2024-03-10 00:10 EST
  ny.visit({ visitor: 1, at: '2024-03-10T04:50:00Z' }, [{ path: '/pricing' }, { name: 'Signup', path: '/signup', after: 1200 }]);
  // across the jump: 01:50 EST -> 03:10 EDT, 20 minutes later (80 on the wall clock)
  ny.visit({ visitor: 2, at: '2024-03-10T06:50:00Z' }, [{ path: '/pricing' }, { name: 'Signup', path: '/signup', after: 1200 }]);
  await ny.insert(env.DB);
});

const db = () => new QueryDb(env.DB);
const G = (i: number, site = SITE) => `${site}-g${i}`;

async function funnel(steps: unknown[], extra: Partial<FunnelRequest> & { window?: Window } = {}, site = SITE) {
  const answer = await runFunnel(db(), site, { funnel: { id: null, name: 't' }, steps: parseSteps(steps), dateRange: RANGE, filters: undefined, window: 'session', ...extra }, NOW);
  return answer;
}
const counts = async (steps: unknown[], extra: Partial<FunnelRequest> = {}, site = SITE) =>
  (await funnel(steps, extra, site)).steps.map((s) => [s.visitors, s.conversion_rate, s.step_conversion_rate, s.dropoff, s.median_seconds]);

describe('funnels: in-order matching within a session', () => {
  it('counts visitors reaching each step in order, events allowed between, with rates, drop-off and median time', async () => {
    // step 1 Visit /pricing: v1..v6 = 6. Step 2 Signup after it in the same session: v1 (50 s), v3 (105 s from
    // the first /pricing) = 2; v2 signed up before /pricing, v4/v5/v6 in a later session. 2/6 = 33.3 %,
    // drop-off 4, median of 50 and 105 = 77.5 -> 78.
    const answer = await funnel([G(1), G(0)]);
    expect(answer.steps).toEqual([
      { name: 'Visit /pricing', visitors: 6, conversion_rate: 100, step_conversion_rate: 100, dropoff: 0, median_seconds: null },
      { name: 'Signup', visitors: 2, conversion_rate: 33.3, step_conversion_rate: 33.3, dropoff: 4, median_seconds: 78 },
    ]);
    expect(answer.meta).toEqual({ date_range: ['2024-02-01T00:00:00Z', '2024-02-03T23:59:59Z'], window: 'session', plan: 'raw' });
  });

  it('order matters: Signup then /pricing is v2 alone', async () => {
    // step 1 Signup: v1, v2, v3, v4, v5, v6, v7, v8 = 8; then /pricing in the same session: v2 (5 s)
    expect(await counts([G(0), G(1)])).toEqual([[8, 100, 100, 0, null], [1, 12.5, 12.5, 7, 5]]);
  });

  it('three steps: rates from step 1 and from the previous step', async () => {
    // Visit /pricing 6 -> /about (filter step) v1 = 1 (20 s) -> Signup v1 = 1 (30 s)
    expect(await counts([G(1), ['is', 'event:page', ['/about']], G(0)])).toEqual([
      [6, 100, 100, 0, null], [1, 16.7, 16.7, 5, 20], [1, 16.7, 100, 0, 30],
    ]);
  });
});

describe('funnels: windows across sessions (identified visitors only)', () => {
  it('24h follows v4 into the next day, not v5 (26 h), and never the anonymous v6', async () => {
    // step 2: v1 50, v3 105, v4 72000 -> 3 of 6 = 50 %, median 105
    expect(await counts([G(1), G(0)], { window: '24h' })).toEqual([[6, 100, 100, 0, null], [3, 50, 50, 3, 105]]);
  });

  it('7d adds v5 (93600 s)', async () => {
    // median of 50, 105, 72000, 93600 = (105 + 72000) / 2 = 36052.5 -> 36053
    const answer = await funnel([G(1), G(0)], { window: '7d' });
    expect(answer.steps.map((s) => [s.visitors, s.conversion_rate, s.median_seconds])).toEqual([[6, 100, null], [4, 66.7, 36053]]);
    expect(answer.meta.note).toMatch(/anonymous visitors .* only within a session/);
  });
});

describe('funnels: steps', () => {
  it('page goals with wildcards: /blog/** matches /blog/x/y, not /blog', async () => {
    expect(await counts([G(2), G(0)])).toEqual([[1, 100, 100, 0, null], [1, 100, 100, 0, 60]]);
  });

  it('props steps and and-groups', async () => {
    // Signup{plan:pro} after /pricing: v1 only; Signup and plan free: v3 only
    expect(await counts([G(1), ['is', 'event:props:plan', ['pro']]])).toEqual([[6, 100, 100, 0, null], [1, 16.7, 16.7, 5, 50]]);
    const answer = await funnel([G(1), ['and', [['is', 'event:name', ['Signup']], ['is', 'event:props:plan', ['free']]]]]);
    expect(answer.steps.map((s) => [s.name, s.visitors, s.median_seconds])).toEqual([['Visit /pricing', 6, null], ['Signup and event:props:plan is free', 1, 105]]);
  });

  it('or-groups: /about or /pricing, then Signup', async () => {
    const answer = await funnel([['or', [['is', 'event:page', ['/about']], ['is', 'event:page', ['/pricing']]]], G(0)]);
    expect(answer.steps.map((s) => [s.name, s.visitors])).toEqual([['Visit /about or Visit /pricing', 6], ['Signup', 2]]);
  });

  it('event:goal leaves and matches filters resolve like the query engine', async () => {
    expect(await counts([['is', 'event:goal', ['Visit /pricing']], ['matches', 'event:page', ['^/sign']]])).toEqual([[6, 100, 100, 0, null], [2, 33.3, 33.3, 4, 78]]);
  });
});

describe('funnels: visit filters and time zones', () => {
  it('visit filters keep the sessions that pass them', async () => {
    // Google: v1 only; Twitter or Google via a regex: v1, v3
    expect(await counts([G(1), G(0)], { filters: [['is', 'visit:source', ['Google']]] })).toEqual([[1, 100, 100, 0, null], [1, 100, 100, 0, 50]]);
    expect(await counts([G(1), G(0)], { filters: [['matches', 'visit:source', ['^(Goo|Twi)']]] })).toEqual([[2, 100, 100, 0, null], [2, 100, 100, 0, 78]]);
  });

  it('a session across local midnight and across the DST jump is one session, timed in real seconds', async () => {
    // 03-09..03-10: both visitors reach both steps, 1200 s each (the jump's 80 wall-clock minutes are 20)
    expect(await counts([G(1, NY), G(0, NY)], { dateRange: ['2024-03-09', '2024-03-10'] }, NY)).toEqual([[2, 100, 100, 0, null], [2, 100, 100, 0, 1200]]);
    // 03-10 alone: v1's /pricing was on 03-09 (23:50 EST), outside the range
    const one = await funnel([G(1, NY), G(0, NY)], { dateRange: ['2024-03-10', '2024-03-10'] }, NY);
    expect(one.steps.map((s) => s.visitors)).toEqual([1, 1]);
    expect(one.meta.date_range).toEqual(['2024-03-10T00:00:00-05:00', '2024-03-10T23:59:59-04:00']);
  });

  it('an empty range answers zeros, not NaN', async () => {
    expect(await counts([G(1), G(0)], { dateRange: ['2023-01-01', '2023-01-02'] })).toEqual([[0, 0, 0, 0, null], [0, 0, 0, 0, null]]);
  });
});

describe('funnels: validation and bounds', () => {
  const message = async (fn: () => unknown) => {
    try {
      await fn();
    } catch (err) {
      return `${(err as { status: number }).status} ${(err as Error).message}`;
    }
    return 'no error';
  };

  it('refuses bad definitions with a 400 naming the step', async () => {
    expect(await message(() => parseSteps([G(1)]))).toBe('400 #/steps: a funnel has 2 to 8 steps, got 1');
    expect(await message(() => parseSteps(Array.from({ length: 9 }, (_, i) => `g${i}`)))).toBe('400 #/steps: a funnel has 2 to 8 steps, got 9');
    expect(await message(() => parseSteps([G(1), G(0), G(1)]))).toBe('400 #/steps/2: repeats step 1; each step may appear once');
    expect(await message(() => parseSteps([G(1), ['is', 'visit:source', ['Google']]]))).toMatch(/^400 #\/steps\/1: Invalid filter: Behavioral filters .* can only be used with event dimension filters/);
    expect(await message(() => parseSteps([G(1), ['has_done', ['is', 'event:page', ['/a']]]]))).toMatch(/^400 #\/steps\/1: Invalid filter: Behavioral filters .* cannot be nested/);
    expect(await message(() => parseSteps([G(1), ['is', 'event:nope', ['x']]]))).toMatch(/^400 #\/steps\/1: Invalid filter dimension/);
    expect(await message(() => parseSteps([G(1), 42]))).toMatch(/^400 #\/steps\/1: Expected a goal id or an event filter/);
    expect(await message(() => funnel([G(1), 'no-such-goal']))).toBe('400 #/steps/1: no goal "no-such-goal" on this site');
    expect(await message(() => funnel([G(1), G(0)], { filters: [['is', 'event:page', ['/']]] }))).toMatch(/^400 #\/filters: reports take filters on visit dimensions only/);
    expect(await message(() => funnel([G(1), G(0)], { dateRange: 'forever' }))).toMatch(/^400 #\/date_range/);
  });

  it('a goal of another site is not a step here', async () => {
    expect(await message(() => funnel([G(1, NY), G(0)]))).toBe(`400 #/steps/0: no goal "${G(1, NY)}" on this site`);
  });

  it('refuses a range with more raw events than the bound, reading at most bound + 1 rows to know', async () => {
    const d = db();
    const err = await message(() => runFunnel(d, SITE, { funnel: { id: null, name: 't' }, steps: parseSteps([G(1), G(0)]), dateRange: RANGE, filters: undefined, window: 'session' }, NOW, { maxRawRows: 5 }));
    expect(err).toBe('400 This report would scan more than 5 events; narrow the date range');
  });

  it('once the rollups hold the range, the bound is checked from their daily totals, not by counting events', async () => {
    await refreshRollups(env, NOW, 60_000, undefined, [SITE]);
    const d = db();
    const req = { funnel: { id: null, name: 't' }, steps: parseSteps([G(1), G(0)]), dateRange: RANGE, filters: undefined, window: 'session' as const };
    expect(await message(() => runFunnel(d, SITE, req, NOW, { maxRawRows: 5 }))).toBe('400 This report would scan more than 5 events; narrow the date range');
    // the site rows, the stale-day check and the daily totals (11 rows): counting would read the range's 19 events
    expect(d.rowsRead).toBeLessThan(19);
    expect((await runFunnel(db(), SITE, req, NOW, { maxRawRows: 19 })).steps.map((s) => s.visitors)).toEqual([6, 2]);
    expect(await message(() => runFunnel(db(), SITE, req, NOW, { maxRawRows: 18 }))).toBe('400 This report would scan more than 18 events; narrow the date range');
  });
});
