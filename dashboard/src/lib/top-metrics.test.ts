import { describe, expect, it } from 'vitest';
import { topMetrics } from './top-metrics';
import { readView } from './view';

const metrics = (f: { dimension: string; op: string; values: string[] }[]) => topMetrics(f).map((m) => m.metric);

describe('top stats per filter', () => {
  it('shows conversions under a goal filter, events under a custom event filter', () => {
    expect(metrics([])).toEqual(['visitors', 'visits', 'pageviews', 'views_per_visit', 'bounce_rate', 'visit_duration']);
    expect(metrics([{ dimension: 'event:goal', op: 'is', values: ['Signup'] }])).toEqual(['visitors', 'events', 'conversion_rate']);
    expect(topMetrics([{ dimension: 'event:goal', op: 'is', values: ['Signup'] }]).map((m) => m.label)).toEqual(['Unique conversions', 'Total conversions', 'Conversion rate']);
    expect(metrics([{ dimension: 'event:name', op: 'is', values: ['Outbound Link: Click'] }])).toEqual(['visitors', 'events']);
    expect(metrics([{ dimension: 'event:page', op: 'is', values: ['/'] }])).not.toContain('views_per_visit');
  });

  it('charts only a metric the view offers', () => {
    const u = (s: string) => new URL(`http://d.test/sites/a.com/${s}`);
    expect(readView(u('?metric=conversion_rate')).metric).toBe('visitors');
    expect(readView(u('?metric=conversion_rate&f=event:goal,is,Signup')).metric).toBe('conversion_rate');
    expect(readView(u('?metric=views_per_visit&f=event:page,is,/')).metric).toBe('visitors');
  });
});
