/**
 * The `sequence` filter, case by case as Plausible's
 * test/plausible_web/controllers/api/external_stats_controller/sequence_test.exs (every case but
 * the imports warning: Pulse has no imported data). Each case is its own site; visits are one
 * session each, events a minute apart from 2021-01-01 00:00 UTC, as in Plausible's cases.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { Fixture, type Step } from '../../test/helpers/query-fixtures';
import { runQuery } from './run-query';

const NOW = Date.parse('2021-02-01T00:00:00Z');
let n = 0;

/** `visits`: [visitor, events, minutes after 00:00 of the first event]; events are page paths or event names. */
async function site(visits: [number, string[], number?][]): Promise<string> {
  const id = `sequence-${n++}.test`;
  const f = new Fixture(id);
  for (const [visitor, events, start = 0] of visits) {
    const steps: Step[] = events.map((e, i) => {
      const [name, props] = e.split('?');
      const step: Step = name!.startsWith('/') ? { path: name } : { name, path: '/' };
      if (props) step.props = Object.fromEntries(new URLSearchParams(props));
      return { ...step, after: i === 0 ? 0 : 60 };
    });
    f.visit({ visitor, identified: true, at: new Date(Date.parse('2021-01-01T00:00:00Z') + start * 60_000).toISOString() }, steps);
  }
  await f.insert(env.DB);
  return id;
}

const PRICING_SIGNUP = ['sequence', [['is', 'event:page', ['/pricing']], ['is', 'event:name', ['Signup']]]];

async function results(id: string, body: Record<string, unknown>) {
  return (await runQuery(env.DB, id, { site_id: id, metrics: ['visitors'], date_range: 'all', ...body }, NOW)).results;
}
const sorted = <T extends { dimensions: unknown[] }>(rows: T[]) => [...rows].sort((a, b) => String(a.dimensions[0]).localeCompare(String(b.dimensions[0])));

describe('sequence filter on events query (the next event after the sequence)', () => {
  it('returns next event after 2-step sequence', async () => {
    const id = await site([[1, ['/pricing', 'Signup', '/dashboard']], [2, ['/pricing', '/other']], [3, ['Signup', '/thanks']]]);
    expect(await results(id, { dimensions: ['event:page'], filters: [PRICING_SIGNUP] })).toEqual([{ dimensions: ['/dashboard'], metrics: [1] }]);
  });

  it('returns next event after 3-step sequence', async () => {
    const id = await site([[1, ['/a', '/b', '/c', '/result']], [2, ['/a', '/b', '/other']]]);
    const seq = ['sequence', [['is', 'event:page', ['/a']], ['is', 'event:page', ['/b']], ['is', 'event:page', ['/c']]]];
    expect(await results(id, { dimensions: ['event:page'], filters: [seq] })).toEqual([{ dimensions: ['/result'], metrics: [1] }]);
  });

  it('order is enforced — steps in wrong order do not match', async () => {
    const id = await site([[1, ['Signup', '/pricing', '/dashboard']]]);
    expect(await results(id, { dimensions: ['event:page'], filters: [PRICING_SIGNUP] })).toEqual([]);
  });

  it('sessions with no event after sequence are excluded', async () => {
    const id = await site([[1, ['/pricing', 'Signup']]]);
    expect(await results(id, { dimensions: ['event:page'], filters: [PRICING_SIGNUP] })).toEqual([]);
  });

  it('returns IMMEDIATE next event, not any future event', async () => {
    const id = await site([[1, ['/pricing', 'Signup', '/step1', '/step2']]]);
    expect(await results(id, { dimensions: ['event:page'], filters: [PRICING_SIGNUP] })).toEqual([{ dimensions: ['/step1'], metrics: [1] }]);
  });

  it('multiple sessions each contribute their own next event', async () => {
    const id = await site([[1, ['/pricing', 'Signup', '/dashboard']], [2, ['/pricing', 'Signup', '/settings']], [3, ['/pricing', 'Signup', '/dashboard']]]);
    expect(sorted(await results(id, { dimensions: ['event:page'], filters: [PRICING_SIGNUP] }))).toEqual([
      { dimensions: ['/dashboard'], metrics: [2] },
      { dimensions: ['/settings'], metrics: [1] },
    ]);
  });

  it('single-step sequence returns next event', async () => {
    const id = await site([[1, ['/landing', '/next']], [2, ['/landing', '/other-next']]]);
    expect(sorted(await results(id, { dimensions: ['event:page'], filters: [['sequence', [['is', 'event:page', ['/landing']]]]] }))).toEqual([
      { dimensions: ['/next'], metrics: [1] },
      { dimensions: ['/other-next'], metrics: [1] },
    ]);
  });

  it('step matching on event:name works', async () => {
    const id = await site([[1, ['AddToCart', 'Checkout', '/confirmation']], [2, ['Checkout', '/confirmation']]]);
    const seq = ['sequence', [['is', 'event:name', ['AddToCart']], ['is', 'event:name', ['Checkout']]]];
    expect(await results(id, { dimensions: ['event:page'], filters: [seq] })).toEqual([{ dimensions: ['/confirmation'], metrics: [1] }]);
  });

  it('step with `and` operator matches compound conditions on the same event', async () => {
    const id = await site([[1, ['/pricing', 'Signup', '/done']], [2, ['/other', 'Signup', '/done']]]);
    const seq = ['sequence', [['and', [['is', 'event:page', ['/pricing']], ['is', 'event:name', ['pageview']]]], ['is', 'event:name', ['Signup']]]];
    expect(await results(id, { dimensions: ['event:page'], filters: [seq] })).toEqual([{ dimensions: ['/done'], metrics: [1] }]);
  });

  it('sequence does not cross session boundaries', async () => {
    const id = await site([[1, ['/pricing']], [1, ['Signup', '/next'], 60]]);
    expect(await results(id, { dimensions: ['event:page'], filters: [PRICING_SIGNUP] })).toEqual([]);
  });

  it('sequence with event:name dimension works', async () => {
    const id = await site([[1, ['/pricing', 'Signup', 'Purchase']], [2, ['Signup', 'Purchase']]]);
    expect(await results(id, { dimensions: ['event:name'], filters: [PRICING_SIGNUP] })).toEqual([{ dimensions: ['Purchase'], metrics: [1] }]);
  });
});

describe('sequence filter on sessions query (sessions where the sequence occurred)', () => {
  it('restricts sessions to those where sequence occurred', async () => {
    const id = await site([[1, ['/pricing', 'Signup']], [2, ['/pricing']]]);
    expect(await results(id, { dimensions: ['visit:source'], filters: [PRICING_SIGNUP] })).toEqual([{ dimensions: ['Direct / None'], metrics: [1] }]);
  });

  it('counts session even when there is no next event after the sequence', async () => {
    const id = await site([[1, ['/pricing', 'Signup']]]);
    expect(await results(id, { dimensions: ['visit:source'], filters: [PRICING_SIGNUP] })).toEqual([{ dimensions: ['Direct / None'], metrics: [1] }]);
  });

  it('session membership is not affected by events after the sequence', async () => {
    const id = await site([[1, ['/pricing', 'Signup', '/dashboard', '/settings']]]);
    expect(await results(id, { dimensions: ['visit:source'], filters: [PRICING_SIGNUP] })).toEqual([{ dimensions: ['Direct / None'], metrics: [1] }]);
  });

  it('order is enforced on sessions query', async () => {
    const id = await site([[1, ['Signup', '/pricing']]]);
    expect(await results(id, { dimensions: ['visit:source'], filters: [PRICING_SIGNUP] })).toEqual([]);
  });

  it('3-step sequence on sessions query', async () => {
    const id = await site([[1, ['/a', '/b', '/c']], [2, ['/a', '/b']]]);
    const seq = ['sequence', [['is', 'event:page', ['/a']], ['is', 'event:page', ['/b']], ['is', 'event:page', ['/c']]]];
    expect(await results(id, { dimensions: ['visit:source'], filters: [seq] })).toEqual([{ dimensions: ['Direct / None'], metrics: [1] }]);
  });

  it('aggregate visitors with no dimensions', async () => {
    const id = await site([[1, ['/pricing', 'Signup']], [2, ['/pricing', 'Signup']], [3, ['/pricing']]]);
    expect(await results(id, { filters: [PRICING_SIGNUP] })).toEqual([{ dimensions: [], metrics: [2] }]);
  });

  it('visits metric counts sessions with sequence', async () => {
    const id = await site([[1, ['/pricing', 'Signup']], [2, ['/pricing']]]);
    expect(await results(id, { metrics: ['visitors', 'visits'], filters: [PRICING_SIGNUP] })).toEqual([{ dimensions: [], metrics: [1, 1] }]);
  });

  it('multiple users completing sequence are all counted', async () => {
    const id = await site([[1, ['/pricing', 'Signup']], [2, ['/pricing', 'Signup']], [3, ['/pricing', 'Signup']]]);
    expect(await results(id, { filters: [PRICING_SIGNUP] })).toEqual([{ dimensions: [], metrics: [3] }]);
  });

  it('sequence steps satisfied multiple times in one session count visitor once', async () => {
    const id = await site([[1, ['/pricing', 'Signup', '/pricing', 'Signup']]]);
    expect(await results(id, { filters: [PRICING_SIGNUP] })).toEqual([{ dimensions: [], metrics: [1] }]);
  });

  it('sequence combined with a top-level event filter', async () => {
    const id = await site([[1, ['/pricing', 'Signup', '/dashboard']], [2, ['/pricing', 'Signup']]]);
    expect(await results(id, { filters: [PRICING_SIGNUP, ['is', 'event:page', ['/dashboard']]] })).toEqual([{ dimensions: [], metrics: [1] }]);
  });

  it('sequence does not cross session boundaries on sessions query', async () => {
    const id = await site([[1, ['/pricing']], [1, ['Signup'], 60]]);
    expect(await results(id, { filters: [PRICING_SIGNUP] })).toEqual([{ dimensions: [], metrics: [0] }]);
  });
});

describe('sequence filter validation', () => {
  const error = async (filters: unknown[]) => {
    try {
      await runQuery(env.DB, 'sequence-validation.test', { site_id: 'sequence-validation.test', metrics: ['visitors'], date_range: 'all', filters }, NOW);
    } catch (err) {
      return `${(err as { status: number }).status} ${(err as Error).message}`;
    }
    return 'no error';
  };
  it('set up the site', async () => {
    await new Fixture('sequence-validation.test').visit({ visitor: 1, at: '2021-01-01T00:00:00Z' }, [{ path: '/' }]).insert(env.DB);
  });

  it('rejects sequence with visit dimension in steps', async () => {
    expect(await error([['sequence', [['is', 'visit:source', ['Google']], ['is', 'event:name', ['Signup']]]]]))
      .toContain('Behavioral filters (has_done, has_not_done, sequence) can only be used with event dimension filters');
  });

  it('rejects sequence nested inside has_done', async () => {
    expect(await error([['has_done', PRICING_SIGNUP]])).toContain('Behavioral filters (has_done, has_not_done, sequence) cannot be nested');
  });

  it('rejects sequence wrapped in not', async () => {
    expect(await error([['not', PRICING_SIGNUP]])).toContain('sequence filters cannot be wrapped in not');
  });

  it('rejects has_done nested inside sequence steps', async () => {
    expect(await error([['sequence', [['has_done', ['is', 'event:page', ['/pricing']]], ['is', 'event:name', ['Signup']]]]]))
      .toContain('Behavioral filters (has_done, has_not_done, sequence) cannot be nested');
  });

  it('rejects sequence nested inside sequence', async () => {
    expect(await error([['sequence', [['sequence', [['is', 'event:page', ['/a']], ['is', 'event:page', ['/b']]]], ['is', 'event:name', ['Signup']]]]]))
      .toContain('Behavioral filters (has_done, has_not_done, sequence) cannot be nested');
  });

  it('rejects sequence with non-list steps (schema validation)', async () => {
    expect(await error([['sequence', 'not-a-list']])).toMatch(/^400 #\/filters\/0: Invalid filter/);
  });

  it('bounds the steps', async () => {
    const steps = Array.from({ length: 11 }, (_, i) => ['is', 'event:page', [`/${i}`]]);
    expect(await error([['sequence', steps]])).toBe('400 #/filters/0/1: Invalid filter: a sequence has at most 10 steps');
  });
});

describe('sequence filter edge cases', () => {
  it('step 1 event that also satisfies step 2 does not cause self-join match', async () => {
    const id = await site([[1, ['/pricing', '/next']], [2, ['/pricing', '/pricing', '/done']]]);
    const seq = ['sequence', [['is', 'event:page', ['/pricing']], ['is', 'event:page', ['/pricing']]]];
    expect(await results(id, { dimensions: ['event:page'], filters: [seq] })).toEqual([{ dimensions: ['/done'], metrics: [1] }]);
  });

  it('sequence with multiple possible step1 anchors uses the earliest one', async () => {
    const id = await site([[1, ['/pricing', 'Signup', '/pricing', '/done']]]);
    expect(await results(id, { dimensions: ['event:page'], filters: [PRICING_SIGNUP] })).toEqual([{ dimensions: ['/pricing'], metrics: [1] }]);
  });

  it('sequence with or operator in step', async () => {
    const id = await site([[1, ['/plans', 'Signup', '/dashboard']], [2, ['/pricing', 'Signup', '/dashboard']], [3, ['/other', 'Signup', '/dashboard']]]);
    const seq = ['sequence', [['or', [['is', 'event:page', ['/pricing']], ['is', 'event:page', ['/plans']]]], ['is', 'event:name', ['Signup']]]];
    expect(await results(id, { dimensions: ['event:page'], filters: [seq] })).toEqual([{ dimensions: ['/dashboard'], metrics: [2] }]);
  });

  it('sequence combined with has_done at top level', async () => {
    const id = await site([[1, ['/pricing', 'Signup', 'Purchase']], [2, ['/pricing', 'Signup']]]);
    expect(await results(id, { filters: [PRICING_SIGNUP, ['has_done', ['is', 'event:name', ['Purchase']]]] })).toEqual([{ dimensions: [], metrics: [1] }]);
  });

  it('sequence with event:props step filter', async () => {
    const id = await site([[1, ['FileDownload?type=pdf', 'Signup']], [2, ['FileDownload?type=doc', 'Signup']]]);
    const seq = ['sequence', [['and', [['is', 'event:name', ['FileDownload']], ['is', 'event:props:type', ['pdf']]]], ['is', 'event:name', ['Signup']]]];
    expect(await results(id, { filters: [seq] })).toEqual([{ dimensions: [], metrics: [1] }]);
  });
});

describe('sequence filter bounds', () => {
  it('a deeply nested step is refused at once (the nesting check is linear in the body)', async () => {
    const deep = (n: number): unknown => (n === 0 ? ['is', 'event:page', ['/']] : ['and', [deep(n - 1)]]);
    // an exponential walk of this body (the first nesting check) took a minute: the test's timeout
    await expect(runQuery(env.DB, 'sequence-validation.test', { site_id: 'sequence-validation.test', metrics: ['visitors'], date_range: 'all', filters: [['sequence', [deep(25)]]] }, NOW))
      .rejects.toThrow('nest at most 8 levels deep');
  });
});
