import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { adminToken, call, makeKey, makeSite, makeUserSession, ok } from '../../../test/helpers/api';
import { siteDb } from '../../lib/site-db';

type Annotation = { id: string; date: string; text: string; created_at: string; updated_at: string };
const path = (site: string, rest = '') => `/api/v1/sites/${site}/annotations${rest}`;

describe('annotations', () => {
  it('creates, lists by range, updates and deletes, in the site database', async () => {
    const site = await makeSite();
    const token = adminToken();
    const a = await ok<Annotation>(call(path(site), { token, body: { date: '2026-11-03', text: '  Launched v2  ' } }), 201);
    expect(a).toMatchObject({ id: expect.stringMatching(/^ann_/), date: '2026-11-03', text: 'Launched v2' });
    await ok(call(path(site), { token, body: { date: '2026-10-01', text: 'Newsletter' } }), 201);
    await ok(call(path(site), { token, body: { date: '2026-11-20', text: 'Price change' } }), 201);

    const all = await ok<{ annotations: Annotation[] }>(call(path(site), { token }));
    expect(all.annotations.map((x) => x.date)).toEqual(['2026-10-01', '2026-11-03', '2026-11-20']);
    const november = await ok<{ annotations: Annotation[] }>(call(path(site, '?from=2026-11-01&to=2026-11-19'), { token }));
    expect(november.annotations.map((x) => x.text)).toEqual(['Launched v2']);

    const moved = await ok<Annotation>(call(path(site, `/${a.id}`), { method: 'PATCH', token, body: { date: '2026-11-04' } }));
    expect(moved).toMatchObject({ date: '2026-11-04', text: 'Launched v2' });
    const db = await siteDb(env, site);
    expect(await db.prepare('SELECT date FROM annotations WHERE id = ?').bind(a.id).first('date')).toBe('2026-11-04');

    expect((await call(path(site, `/${a.id}`), { method: 'DELETE', token })).status).toBe(204);
    expect((await call(path(site, `/${a.id}`), { method: 'DELETE', token })).status).toBe(404);
    expect((await ok<{ annotations: Annotation[] }>(call(path(site), { token }))).annotations).toHaveLength(2);
  });

  it('answers bad input with a 400 naming the field', async () => {
    const site = await makeSite();
    const token = adminToken();
    const cases: [unknown, RegExp][] = [
      [{ date: '2026-02-30', text: 'x' }, /^date: must be a real calendar date/],
      [{ date: '30.11.2026', text: 'x' }, /^date: must be a date YYYY-MM-DD/],
      [{ date: '2026-11-30', text: '   ' }, /^text: must not be empty/],
      [{ date: '2026-11-30', text: 'x'.repeat(501) }, /^text: at most 500/],
      [{ date: '2026-11-30', text: 'x', color: 'red' }, /color/],
    ];
    for (const [body, message] of cases) {
      const res = await call(path(site), { token, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(message);
    }
    expect((await call(path(site, '?from=2026-12-01&to=2026-11-01'), { token })).status).toBe(400);
    const created = await ok<Annotation>(call(path(site), { token, body: { date: '2026-11-30', text: 'x' } }), 201);
    expect((await call(path(site, `/${created.id}`), { method: 'PATCH', token, body: {} })).status).toBe(400);
    expect((await call(path(site, '/ann_nope'), { method: 'PATCH', token, body: { text: 'y' } })).status).toBe(404);
  });

  it('viewers and stats:read keys read; only admins and sites:admin keys write; other sites never', async () => {
    const site = await makeSite();
    const other = await makeSite();
    const viewer = await makeUserSession(site, 'viewer');
    const reader = await makeKey([site], 'stats:read');
    const admin = await makeKey([site], 'sites:admin');
    const otherAdmin = await makeKey([other], 'sites:admin');
    const created = await ok<Annotation>(call(path(site), { token: admin.token, body: { date: '2026-11-30', text: 'by key' } }), 201);
    expect((await ok<{ annotations: Annotation[] }>(call(path(site), { token: viewer.token }))).annotations).toHaveLength(1);
    expect((await call(path(site), { token: reader.token })).status).toBe(200);
    expect((await call(path(site), { token: viewer.token, body: { date: '2026-11-30', text: 'no' } })).status).toBe(403);
    expect((await call(path(site), { token: reader.token, body: { date: '2026-11-30', text: 'no' } })).status).toBe(403);
    expect((await call(path(site), { token: otherAdmin.token })).status).toBe(403);
    // an id of this site through another site's path is not found there
    expect((await call(path(other, `/${created.id}`), { method: 'DELETE', token: adminToken() })).status).toBe(404);
    expect((await call(path(site))).status).toBe(401);
  });

  it('refuses an unknown site and caps the count per site', async () => {
    expect((await call(path('no-such-site.example'), { token: adminToken(), body: { date: '2026-11-30', text: 'x' } })).status).toBe(404);
    const site = await makeSite();
    const db = await siteDb(env, site);
    // fill to the cap directly (2,000 API calls would only test the loop)
    await db.prepare(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
      INSERT INTO annotations (id, site_id, date, text, created_at, updated_at) SELECT 'ann_cap' || i, ?, '2026-11-30', 'x', 0, 0 FROM n`).bind(site).run();
    const res = await call(path(site), { token: adminToken(), body: { date: '2026-11-30', text: 'one too many' } });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ code: 'limit_reached' });
  });
});
