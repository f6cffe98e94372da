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

  it('sends web vitals (phones slower on the slow pages) and a few error groups', () => {
    const lcp = { phone: [], desktop: [] };
    const errors = new Set();
    for (const batch of demoEventBatches({ site: 'demo.test', now: Date.parse('2026-11-24T12:00:00Z'), days: 7 })) {
      for (const e of batch) {
        if (e.n === 'web-vital' && e.p.metric === 'LCP' && e.u.endsWith('/pricing')) lcp[/iPhone|Android/.test(e.ua) ? 'phone' : 'desktop'].push(Number(e.p.value));
        if (e.n === 'error') errors.add(e.p.message.replace(/\d+/g, 'N'));
      }
    }
    const p75 = (xs) => [...xs].sort((a, b) => a - b)[Math.ceil(0.75 * xs.length) - 1];
    expect(lcp.phone.length).toBeGreaterThan(20);
    expect(p75(lcp.phone)).toBeGreaterThan(4000); // poor on phones
    expect(p75(lcp.desktop)).toBeLessThan(p75(lcp.phone) / 1.5);
    expect(errors.size).toBeGreaterThanOrEqual(3);
  });
});
