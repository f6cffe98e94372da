import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';

describe('tracker scripts served as static assets', () => {
  it('serves /js/pulse.js as JavaScript with CORS and a cache lifetime', async () => {
    const res = await SELF.fetch('https://pulse.test/js/pulse.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('cache-control')).toBe('public, max-age=3600');
    const body = await res.text();
    expect(body.length).toBeGreaterThan(500);
    expect(body).toContain('/api/event');
  });

  it('serves the content-hashed name as immutable, matching the manifest SRI', async () => {
    const manifest = await (await SELF.fetch('https://pulse.test/js/manifest.json')).json<Record<string, { file: string; sri: string }>>();
    const res = await SELF.fetch(`https://pulse.test/js/${manifest['pulse.js']!.file}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const digest = await crypto.subtle.digest('SHA-384', await res.arrayBuffer());
    expect(`sha384-${btoa(String.fromCharCode(...new Uint8Array(digest)))}`).toBe(manifest['pulse.js']!.sri);
  });

  it('serves the opt-in modules next to the core', async () => {
    for (const name of ['pulse.vitals.js', 'pulse.errors.js', 'pulse.links.js', 'pulse.persist.js', 'pulse.hash.js']) {
      expect((await SELF.fetch(`https://pulse.test/js/${name}`)).status, name).toBe(200);
    }
  });

  it('still routes the API to the Worker', async () => {
    expect((await SELF.fetch('https://pulse.test/api/health')).status).toBe(200);
    expect((await SELF.fetch('https://pulse.test/js/nope.js')).status).toBe(404);
  });
});
