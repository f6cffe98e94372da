import { createExecutionContext, env, SELF, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { createSite } from '../../test/helpers/fixtures';
import { parseEventBody } from './parse-body';
import { runPipeline } from './pipeline';
import { fanOut, UNKNOWN_SITE, type Outgoing } from './fan-out';
import type { SiteConfig } from '../lib/site-config';

const UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

function post(body: unknown) {
  return SELF.fetch('https://pulse.test/api/event', {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'text/plain', 'user-agent': UA, 'cf-connecting-ip': '198.51.100.131' },
  });
}

/** What route.ts hands fan-out for one anonymous event naming `d`. */
function outgoing(d: string, now: number): Outgoing[] {
  return parseEventBody(JSON.stringify({ n: 'pageview', u: `https://${d.split(',')[0]}/`, d }), { trusted: false, now }).map((event) => ({
    domains: event.domains,
    outcome: runPipeline(event, { ip: '198.51.100.132', ua: UA, cf: undefined, now }),
  }));
}

describe('domain fan-out (issue 13)', () => {
  it('answers 400 naming domain to an event naming thousands of sites, and writes nothing', async () => {
    // Short names so 3,000 of them fit the 64 KB body (the attack sent 6,000).
    const run = `f${Date.now().toString(36).slice(-6)}`;
    const domains = Array.from({ length: 3_000 }, (_, i) => `${run}${i}.ex`).join(',');
    const started = Date.now();
    const res = await post({ n: 'pageview', u: `https://${run}0.ex/`, d: domains });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'invalid event', code: 'invalid_event', errors: { domain: ['should name at most 10 sites'] } });
    expect(Date.now() - started).toBeLessThan(2_000);
    await new Promise((r) => setTimeout(r, 1_500));
    const rows = await env.DB.prepare("SELECT count(*) AS n FROM drop_counts WHERE site_id LIKE ? || '%'").bind(run).first<number>('n');
    expect(rows).toBe(0);
  });

  it('answers 400 to a domain longer than a DNS name can be', async () => {
    const res = await post({ n: 'pageview', u: 'https://a.example/', d: `${'a'.repeat(300)}.example` });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: object }).errors).toEqual({ domain: ['each domain should be at most 253 characters'] });
  });

  it('counts unknown domains under one fixed key per day, never a row per claimed domain', async () => {
    const run = `unknown-${Date.now().toString(36)}`;
    const names = Array.from({ length: 10 }, (_, i) => `${run}-${i}.example`);
    const res = await post({ n: 'pageview', u: `https://${names[0]}/`, d: names.join(',') });
    expect(res.status).toBe(202);
    expect(res.headers.get('x-pulse-dropped')).toBe('10');
    await new Promise((r) => setTimeout(r, 1_800));
    const rows = await env.DB.prepare("SELECT count(*) AS n FROM drop_counts WHERE site_id LIKE ? || '%'").bind(run).first<number>('n');
    expect(rows).toBe(0);

    // A day of its own (the year 2093), so this file's count is the only one in that row.
    const day = Date.UTC(2093, 4, 17, 12);
    const ctx = createExecutionContext();
    for (let i = 0; i < 5; i++) expect(await fanOut(env, ctx, outgoing(names.slice(0, 4).join(','), day), day)).toBe(4);
    await waitOnExecutionContext(ctx);
    // Another file's request in this isolate may hold the pending flush: wait for the row itself.
    let counted: unknown[] = [];
    for (let i = 0; i < 50 && counted.length === 0; i++) {
      counted = (await env.DB.prepare("SELECT site_id, reason, count FROM drop_counts WHERE day = '2093-05-17'").all()).results;
      if (counted.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(counted).toEqual([{ site_id: UNKNOWN_SITE, reason: 'unknown_site', count: 20 }]);
  });

  it('looks every domain of a request up in one read', async () => {
    const run = `oneread-${Date.now().toString(36)}`;
    const site = await createSite(`${run}-a.example`);
    const asked: string[][] = [];
    const loadSites = async (ids: string[]): Promise<SiteConfig[]> => {
      asked.push(ids);
      return ids.includes(site.id) ? [site] : [];
    };
    const now = Date.now();
    const ctx = createExecutionContext();
    const d = [site.id, ...Array.from({ length: 9 }, (_, i) => `${run}-${i}.example`)].join(',');
    expect(await fanOut(env, ctx, outgoing(d, now), now, { loadSites })).toBe(9);
    await waitOnExecutionContext(ctx);
    expect(asked).toHaveLength(1);
    expect(asked[0]).toHaveLength(10);
  });
});
