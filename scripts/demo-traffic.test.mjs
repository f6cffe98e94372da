import { describe, expect, it } from 'vitest';
import { demoEventBatches } from './demo-traffic.mjs';

describe('demo traffic', () => {
  it('never sends an event from the future, whatever the time of day (the collector refuses them)', () => {
    for (let hour = 0; hour < 24; hour++) {
      const now = Date.parse('2026-11-24T00:00:00Z') + hour * 3_600_000 + 17 * 60_000;
      let latest = 0;
      let events = 0;
      for (const batch of demoEventBatches({ site: 'demo.test', now, days: 2 })) {
        expect(batch.length).toBeLessThanOrEqual(50);
        for (const e of batch) latest = Math.max(latest, e.ts);
        events += batch.length;
      }
      expect(events).toBeGreaterThan(0);
      expect(latest).toBeLessThanOrEqual(now);
    }
  });
});
