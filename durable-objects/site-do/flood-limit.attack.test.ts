import { env, runDurableObjectAlarm, runInDurableObject, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { createSite, siteStub } from '../../test/helpers/fixtures';
import { DEFAULT_FLOOD_LIMIT, siteFromRow } from '../../workers/lib/site-config';
import { adminToken, call, makeSite, ok, uniqueDomain } from '../../test/helpers/api';

const UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
let address = 1;

/** Every event from a fresh address: the per-IP limit never sees the flood. */
function post(d: string) {
  const ip = `10.13.${Math.floor(address / 250)}.${(address++ % 250) + 1}`;
  return SELF.fetch('https://pulse.test/api/event', {
    method: 'POST',
    body: JSON.stringify({ n: 'pageview', u: `https://${d.split(',')[0]}/`, d }),
    headers: { 'content-type': 'text/plain', 'user-agent': UA, 'cf-connecting-ip': ip },
  });
}

const SLOW = { perSecond: 0.01, burst: 5 };

describe('the per-site flood limit (issue 13)', () => {
  it('answers 429 with Retry-After once a site takes more than its burst from rotating addresses', async () => {
    const site = await createSite(`flood-${Date.now().toString(36)}.example`, { floodLimit: SLOW });
    const other = await createSite(`calm-${Date.now().toString(36)}.example`, { floodLimit: SLOW });
    for (let i = 0; i < 5; i++) expect((await post(site.id)).status).toBe(202);
    const refused = await post(site.id);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await refused.json()).toEqual({ error: 'too many events for this site', code: 'rate_limited' });
    // Another site is not affected.
    expect((await post(other.id)).status).toBe(202);
  });

  it('still refuses after the object is evicted and started again', async () => {
    const site = await createSite(`flood-evict-${Date.now().toString(36)}.example`, { floodLimit: SLOW });
    for (let i = 0; i < 5; i++) expect((await post(site.id)).status).toBe(202);
    expect((await post(site.id)).status).toBe(429);
    const saved = await runInDurableObject(siteStub(site.id), (_, state) =>
      state.storage.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'flood'").toArray(),
    );
    expect(saved).toHaveLength(1);
    // Reset the object: the next call runs its constructor again, with only what storage kept.
    await runInDurableObject(siteStub(site.id), (instance) => void Object.assign(instance, { marker: 'old instance' }));
    await runInDurableObject(siteStub(site.id), (_, state) => {
      try {
        state.abort('simulated eviction');
      } catch {
        // abort() throws in the calling request by design; the object is reset all the same
      }
    }).catch((err: unknown) => expect(String(err)).toContain('simulated eviction'));
    expect(await runInDurableObject(siteStub(site.id), (instance) => (instance as unknown as { marker?: string }).marker)).toBeUndefined();
    const again = await post(site.id);
    expect(again.status).toBe(429);
    expect(again.headers.get('retry-after')).not.toBeNull();
  });

  it('counts the refused events as rate_limited drops, and 202s a request another site accepted', async () => {
    const run = Date.now().toString(36);
    const site = await createSite(`flood-mixed-${run}.example`, { floodLimit: SLOW });
    const roomy = await createSite(`roomy-${run}.example`);
    for (let i = 0; i < 5; i++) expect((await post(site.id)).status).toBe(202);
    // One event for both sites: the roomy one stored it, so a 429 would make the client resend it.
    const mixed = await post(`${site.id},${roomy.id}`);
    expect(mixed.status).toBe(202);
    expect(mixed.headers.get('x-pulse-dropped')).toBe('1');
    // The refusal checkpointed at once (the bucket ran dry); the alarm sends it on to D1.
    await runDurableObjectAlarm(siteStub(site.id));
    let delivered = 0;
    for (let i = 0; i < 100 && delivered === 0; i++) {
      delivered = (await env.DB.prepare("SELECT coalesce(sum(count), 0) AS n FROM drop_counts WHERE site_id = ? AND reason = 'rate_limited'").bind(site.id).first<number>('n')) ?? 0;
      if (delivered === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(delivered).toBe(1);
  });

  it('is a per-site setting of the management API (flood_limit), shown with its default', async () => {
    const site = await makeSite(uniqueDomain('flood-api'));
    const shown = await ok<{ flood_limit: unknown }>(call(`/api/v1/sites/${site}`, { token: adminToken() }));
    expect(shown.flood_limit).toEqual({ per_second: 1_000, burst: 5_000 });
    const patched = await ok<{ flood_limit: unknown }>(call(`/api/v1/sites/${site}`, { method: 'PATCH', token: adminToken(), body: { flood_limit: { per_second: 1, burst: 3 } } }));
    expect(patched.flood_limit).toEqual({ per_second: 1, burst: 3 });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await post(site)).status);
    expect(statuses.slice(0, 3)).toEqual([202, 202, 202]);
    expect(statuses.at(-1)).toBe(429);
    const bad = await call(`/api/v1/sites/${site}`, { method: 'PATCH', token: adminToken(), body: { flood_limit: { per_second: 0, burst: 3 } } });
    expect(bad.status).toBe(400);
  });

  it('defaults to 1,000 events a second with a burst of 5,000, and reads a per-site setting', () => {
    const row = { id: 'x.example', timezone: 'UTC', retention_days: 30, uid_secret: 's', settings: '{}', created_at: 0 };
    expect(siteFromRow(row).floodLimit).toEqual(DEFAULT_FLOOD_LIMIT);
    expect(DEFAULT_FLOOD_LIMIT).toEqual({ perSecond: 1_000, burst: 5_000 });
    expect(siteFromRow({ ...row, settings: '{"floodLimit":{"perSecond":50,"burst":200}}' }).floodLimit).toEqual({ perSecond: 50, burst: 200 });
  });
});
