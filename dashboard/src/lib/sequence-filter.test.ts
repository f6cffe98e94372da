import { describe, expect, it } from 'vitest';
import { parseSequenceSteps, sequenceText, sequenceValue, type SequenceStep } from './sequence-filter';
import { topMetrics } from './top-metrics';
import { apiFilters, formatFilter, readView } from './view';

const steps: SequenceStep[] = [['is', 'event:page', ['/pricing|plans']], ['is', 'event:goal', ['Sign, up']]];
const url = (search: string) => new URL(`http://d.test/sites/a.com/?${search}`);

describe('funnel steps as an overview filter (f=sequence,is,<JSON>)', () => {
  it('round-trips through the URL, with | and , inside values', () => {
    const spec = { dimension: 'sequence', op: 'is' as const, values: [sequenceValue(steps)] };
    const search = new URLSearchParams({ f: formatFilter(spec) }).toString();
    const view = readView(url(search));
    expect(view.filters).toEqual([spec]);
    expect(apiFilters(view.filters)).toEqual([['sequence', steps]]);
    expect(sequenceText(steps)).toBe('/pricing|plans → Sign, up');
  });

  it('refuses what a funnel could not make', () => {
    const bad = [
      'not json',
      '[]',
      JSON.stringify([['is', 'visit:source', ['Google']]]), // visit dimensions are not steps
      JSON.stringify([['matches', 'event:page', ['.*']]]), // no regular expressions from a link
      JSON.stringify([['is', 'event:page', []]]),
      JSON.stringify([['is', 'event:page', ['x'.repeat(301)]]]),
      JSON.stringify(Array.from({ length: 9 }, () => ['is', 'event:page', ['/']])),
      JSON.stringify([['sequence', [['is', 'event:page', ['/']]]]]),
    ];
    for (const raw of bad) expect(parseSequenceSteps(raw), raw).toBeNull();
    expect(readView(url(`f=${encodeURIComponent(`sequence,is_not,${sequenceValue(steps)}`)}`)).filters).toEqual([]);
    expect(parseSequenceSteps(JSON.stringify(Array.from({ length: 8 }, () => ['contains', 'event:props:plan', ['pro']])))).toHaveLength(8);
  });

  it('drops views per visit from the top stats when a step is a page, as the API refuses it', () => {
    const metrics = (s: SequenceStep[]) => topMetrics([{ dimension: 'sequence', op: 'is', values: [sequenceValue(s)] }]).map((m) => m.metric);
    expect(metrics([['is', 'event:page', ['/']], ['is', 'event:name', ['Signup']]])).not.toContain('views_per_visit');
    expect(metrics([['is', 'event:goal', ['Signup']], ['is', 'event:name', ['Buy']]])).toContain('views_per_visit');
  });
});
