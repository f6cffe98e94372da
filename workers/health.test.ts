import { SELF } from 'cloudflare:test';
import { expect, it } from 'vitest';

it('reports every binding healthy', async () => {
  const res = await SELF.fetch('https://pulse.test/api/health');
  expect(res.status).toBe(200);
  const body = await res.json<{ ok: boolean; bindings: Record<string, { ok: boolean }> }>();
  expect(body.ok).toBe(true);
  // every data database is probed, not only the primary
  expect(Object.keys(body.bindings).sort()).toEqual(['ARCHIVE', 'DB', 'DB_2', 'DB_3', 'EVENTS_QUEUE', 'SITE_DO']);
});

it('answers unknown routes with a JSON 404', async () => {
  const res = await SELF.fetch('https://pulse.test/nope');
  expect(res.status).toBe(404);
  expect(await res.json()).toEqual({ error: 'no such route', code: 'not_found' });
});
