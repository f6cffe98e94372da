import { describe, expect, it } from 'vitest';
import { mergeSnapshots } from './realtime-merge';
import type { RealtimeSnapshot } from './realtime';

describe('mergeSnapshots', () => {
  const empty = (site: string, at: string): RealtimeSnapshot => ({
    site, at, visitors: 0, visitors_30m: 0, pageviews: 0, events: 0, minutes: [], pages: [], sources: [], countries: [], devices: [], goals: [], recent: [],
  });

  it('ranks a page that leads on no single shard first once shards are summed', () => {
    const a = { ...empty('s', '2026-11-20T12:00:00.000Z'), visitors_30m: 4, pages: [{ name: '/a', visitors: 3, pageviews: 3 }, { name: '/b', visitors: 2, pageviews: 2 }], goals: [{ name: 'G', visitors: 1, events: 2, conversion_rate: 25 }] };
    const b = { ...empty('s', '2026-11-20T12:00:01.000Z'), visitors_30m: 6, pages: [{ name: '/c', visitors: 4, pageviews: 4 }, { name: '/b', visitors: 3, pageviews: 5 }], goals: [{ name: 'G', visitors: 2, events: 2, conversion_rate: 33.3 }] };
    const merged = mergeSnapshots('s', [a, b], 2);
    expect(merged.pages).toEqual([{ name: '/b', visitors: 5, pageviews: 7 }, { name: '/c', visitors: 4, pageviews: 4 }]);
    expect(merged.goals).toEqual([{ name: 'G', visitors: 3, events: 4, conversion_rate: 30 }]);
    expect(merged.at).toBe('2026-11-20T12:00:01.000Z');
  });
});
