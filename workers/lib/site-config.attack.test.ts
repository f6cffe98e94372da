import { createExecutionContext, env, runInDurableObject, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { createSite, siteStub } from '../../test/helpers/fixtures';
import { waiting } from '../../test/helpers/site-do-state';
import { HttpError } from './http-error';
import { getSiteConfig, getSiteConfigs, LOAD_TIMEOUT_MS, STALE_MS, type SiteConfig } from './site-config';
import { fanOut } from '../collect/fan-out';
import { parseEventBody } from '../collect/parse-body';
import { runPipeline } from '../collect/pipeline';

const UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const failing = async (): Promise<SiteConfig[]> => {
  throw new Error('D1_ERROR: simulated outage');
};
const hanging = (): Promise<SiteConfig[]> => new Promise(() => {});

describe('the site cache under a flood of unknown domains (issue 13)', () => {
  it('keeps a known site while 12,000 junk names pass through (negatives have their own bound)', async () => {
    const site = await createSite(`lru-${Date.now().toString(36)}.example`);
    const now = Date.now();
    expect(await getSiteConfig(env.DB, site.id, now)).toMatchObject({ id: site.id });
    // The row goes; a cached config that survived the flood still answers within its 30 s.
    await env.DB.prepare('DELETE FROM sites WHERE id = ?').bind(site.id).run();
    const junk = Array.from({ length: 12_000 }, (_, i) => `junk-${i}-${site.id}`);
    for (let i = 0; i < junk.length; i += 500) await getSiteConfigs(env.DB, junk.slice(i, i + 500), now);
    expect(await getSiteConfig(env.DB, site.id, now)).toMatchObject({ id: site.id });
  });
});

describe('the site lookup when D1 fails or is slow (issue 13)', () => {
  const DAY = Date.UTC(2094, 2, 3, 9);

  it('serves a known site from a stale config while D1 errors, up to a bound, then 503', async () => {
    const site = await createSite(`stale-${Date.now().toString(36)}.example`);
    const id = site.id;
    expect(await getSiteConfig(env.DB, id, DAY)).toMatchObject({ id });
    expect(await getSiteConfig(env.DB, id, DAY + 31_000, { load: failing })).toMatchObject({ id });
    expect(await getSiteConfig(env.DB, id, DAY + STALE_MS - 1_000, { load: failing })).toMatchObject({ id });
    const tooOld = getSiteConfig(env.DB, id, DAY + STALE_MS + 1_000, { load: failing });
    await expect(tooOld).rejects.toBeInstanceOf(HttpError);
    await expect(tooOld).rejects.toMatchObject({ status: 503, code: 'unavailable', headers: { 'retry-after': '5' } });
  });

  it('answers 503 for a site it never saw while D1 errors (neither stored nor silently dropped)', async () => {
    await expect(getSiteConfig(env.DB, `never-${Date.now().toString(36)}.example`, DAY, { load: failing })).rejects.toMatchObject({ status: 503 });
  });

  it('never waits on a slow D1 much longer than a second, and the stale config answers', async () => {
    const site = await createSite(`slow-${Date.now().toString(36)}.example`);
    expect(await getSiteConfig(env.DB, site.id, DAY)).toMatchObject({ id: site.id });
    let calls = 0;
    const slow = () => {
      calls += 1;
      return hanging();
    };
    let started = Date.now();
    expect(await getSiteConfig(env.DB, site.id, DAY + 40_000, { load: slow })).toMatchObject({ id: site.id });
    expect(Date.now() - started).toBeGreaterThanOrEqual(LOAD_TIMEOUT_MS - 50);
    expect(Date.now() - started).toBeLessThan(LOAD_TIMEOUT_MS + 500);
    // Right after a slow answer, requests do not queue up on D1 again: the stale config at once.
    started = Date.now();
    expect(await getSiteConfig(env.DB, site.id, DAY + 41_000, { load: slow })).toMatchObject({ id: site.id });
    expect(Date.now() - started).toBeLessThan(200);
    expect(calls).toBe(1);
  });

  it('keeps a known site ingesting through fan-out while the loader fails', async () => {
    const site = await createSite(`ingest-stale-${Date.now().toString(36)}.example`);
    const now = Date.now();
    expect(await getSiteConfig(env.DB, site.id, now)).toMatchObject({ id: site.id });
    // D1 now says "no such site" too: only a lookup that used the (failing) loader and fell back to
    // the cached config ingests the event; one that asked D1 would drop it as unknown_site.
    await env.DB.prepare('DELETE FROM sites WHERE id = ?').bind(site.id).run();
    const later = now + 60_000;
    const [event] = parseEventBody(JSON.stringify({ n: 'pageview', u: `https://${site.id}/stale`, d: site.id }), { trusted: false, now: later });
    const outgoing = [{ domains: event!.domains, outcome: runPipeline(event!, { ip: '198.51.100.140', ua: UA, cf: undefined, now: later }) }];
    const ctx = createExecutionContext();
    expect(await fanOut(env, ctx, outgoing, later, { loadSites: failing })).toBe(0);
    await waitOnExecutionContext(ctx);
    const stored = (await waiting(site.id)).events.filter((e) => e.pathname === '/stale').length;
    expect(stored).toBe(1);
  });
});
