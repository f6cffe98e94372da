import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';

describe('a broken percent escape in a path (issue 13)', () => {
  it('answers 400 naming the parameter, never 500', async () => {
    for (const [method, path, name] of [
      ['GET', '/api/v1/sites/%zz', 'site'],
      ['GET', '/api/v1/sites/%zz/realtime', 'site'],
      ['POST', '/api/v1/sites/%zz/live-token', 'site'],
      ['GET', '/api/v1/sites/%E0%A4%A/export.csv', 'site'],
    ] as const) {
      const res = await SELF.fetch(`https://pulse.test${path}`, { method });
      expect(res.status, path).toBe(400);
      expect(await res.json()).toEqual({ error: `${name}: not a valid percent-encoded path segment`, code: 'invalid_request' });
    }
  });
});
