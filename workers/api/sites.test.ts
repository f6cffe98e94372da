import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { refreshRollups } from '../rollups/refresh';
import { adminToken, call, makeKey, makeSite, makeUserSession, ok, uniqueDomain } from '../../test/helpers/api';

describe('sites', () => {
  it('a signed-in user creates a site and becomes its owner', async () => {
    const site = await makeSite();
    const owner = await makeUserSession(site, 'owner');
    const domain = uniqueDomain('mine');
    const created = await ok<{ id: string; role: string; timezone: string }>(
      call('/api/v1/sites', { token: owner.token, body: { domain, timezone: 'Europe/Berlin', allowed_hostnames: ['*.mine.example'] } }),
      201,
    );
    expect(created).toMatchObject({ id: domain, role: 'owner', timezone: 'Europe/Berlin', public: false, allowed_hostnames: ['*.mine.example'] });
    const { sites } = await ok<{ sites: { id: string; role: string }[] }>(call('/api/v1/sites', { token: owner.token }));
    expect(sites.map((s) => s.id).sort()).toEqual([site, domain].sort());
    const row = await env.DB.prepare('SELECT uid_secret FROM sites WHERE id = ?').bind(domain).first<{ uid_secret: string }>();
    expect(row!.uid_secret).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses a duplicate domain with 409 and never grants ownership of an existing site', async () => {
    const site = await makeSite();
    const other = await makeUserSession(await makeSite(), 'owner');
    const res = await call('/api/v1/sites', { token: other.token, body: { domain: site } });
    expect(res.status).toBe(409);
    expect((await call(`/api/v1/sites/${site}`, { token: other.token })).status).toBe(403);
  });

  it('validates domain, time zone and retention', async () => {
    for (const body of [{ domain: 'not a domain' }, { domain: uniqueDomain(), timezone: 'Mars/Olympus' }, { domain: uniqueDomain(), retention_days: 0 }]) {
      const res = await call('/api/v1/sites', { token: adminToken(), body });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: expect.any(String), code: expect.any(String) });
    }
  });

  it('updates settings and keeps unknown settings keys (e.g. shards)', async () => {
    const site = await makeSite();
    await env.DB.prepare(`UPDATE sites SET settings = json_set(settings, '$.shards', 4) WHERE id = ?`).bind(site).run();
    const updated = await ok(call(`/api/v1/sites/${site}`, { method: 'PATCH', token: adminToken(), body: { public: true, retention_days: 30 } }));
    expect(updated).toMatchObject({ public: true, retention_days: 30, timezone: 'UTC' });
    const row = await env.DB.prepare('SELECT settings FROM sites WHERE id = ?').bind(site).first<{ settings: string }>();
    expect(JSON.parse(row!.settings)).toMatchObject({ shards: 4, public: true });
  });

  it('deletes a site with its D1 rows, R2 archive and keys', async () => {
    const site = await makeSite();
    const key = await makeKey([site], 'stats:read');
    const now = Date.now();
    await env.DB.prepare(
      `INSERT INTO events (id, site_id, ts, visitor_id, session_id, name, hostname, pathname, source, channel, device, browser, browser_version, os, os_version, inserted_at)
       VALUES ('e1', ?1, ?2, 1, 's1', 'pageview', 'h', '/', 'Direct / None', 'Direct', 'Desktop', 'Chrome', '1', 'Linux', '1', ?2)`,
    ).bind(site, now).run();
    await env.DB.prepare('INSERT INTO goals (id, site_id, kind, event_name, display_name, created_at) VALUES (?, ?, ?, ?, ?, ?)').bind('g-del', site, 'event', 'Signup', 'Signup', now).run();
    await refreshRollups(env, now + 120_000, undefined, undefined, [site]);
    await env.ARCHIVE.put(`raw/v1/site=${site}/dt=2026-01-01/hr=00/b1.ndjson.gz`, 'x');
    await env.ARCHIVE.put(`raw/v1/site=${site}x/dt=2026-01-01/hr=00/b1.ndjson.gz`, 'other site, similar prefix');

    const res = await ok<{ rows_deleted: Record<string, number>; archive_objects_deleted: number }>(call(`/api/v1/sites/${site}`, { method: 'DELETE', token: adminToken() }));
    expect(res.rows_deleted.events).toBe(1);
    expect(res.rows_deleted.goals).toBe(1);
    // the rollup tables are WITHOUT ROWID: deleted a day at a time, not by rowid slices
    expect(res.rows_deleted.rollup_daily).toBeGreaterThan(0);
    expect(res.rows_deleted.rollup_pairs).toBeGreaterThan(0);
    for (const table of ['rollup_daily', 'rollup_pairs', 'rollup_hourly', 'rollup_state']) {
      expect(await env.DB.prepare(`SELECT count(*) AS n FROM ${table} WHERE site_id = ?`).bind(site).first('n')).toBe(0);
    }
    expect(res.archive_objects_deleted).toBe(1);
    expect(await env.DB.prepare('SELECT count(*) AS n FROM events WHERE site_id = ?').bind(site).first('n')).toBe(0);
    expect(await env.ARCHIVE.head(`raw/v1/site=${site}x/dt=2026-01-01/hr=00/b1.ndjson.gz`)).not.toBeNull();
    expect((await call(`/api/v1/sites/${site}`, { token: adminToken() })).status).toBe(404);
    // Re-creating the domain must not revive the old key.
    await makeSite(site);
    expect((await call(`/api/v1/sites/${site}`, { token: key.token })).status).toBe(401);
  });
});
