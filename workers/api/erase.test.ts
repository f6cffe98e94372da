import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { hashUid } from '../lib/visitor-id';
import { runErasureJobs } from '../cron/erasures';
import { ERASURE_GRACE_MS } from './erase';
import { adminToken, call, makeKey, makeSite, ok } from '../../test/helpers/api';

async function insertEvent(site: string, id: string, visitorId: number, identified: 0 | 1) {
  await env.DB.prepare(
    `INSERT INTO events (id, site_id, ts, visitor_id, session_id, identified, name, hostname, pathname, source, channel, device, browser, browser_version, os, os_version, inserted_at)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'pageview', 'h', '/', 'Direct / None', 'Direct', 'Desktop', 'Chrome', '1', 'Linux', '1', ?3)`,
  ).bind(id, site, Date.now(), visitorId, `s-${visitorId}`, identified).run();
}

async function insertSession(site: string, visitorId: number, identified: 0 | 1) {
  await env.DB.prepare(
    `INSERT INTO sessions (id, site_id, visitor_id, identified, version, start, "end", duration, pageviews, events, interactive_events, is_bounce, hostname, source, channel, device, browser, browser_version, os, os_version, inserted_at)
     VALUES (?1, ?2, ?3, ?4, 1, 0, 0, 0, 1, 1, 1, 1, 'h', 'Direct / None', 'Direct', 'Desktop', 'Chrome', '1', 'Linux', '1', 0)`,
  ).bind(`s-${visitorId}-${identified}`, site, visitorId, identified).run();
}

const gzipLines = async (lines: object[]) =>
  new Response(new Blob([lines.map((l) => JSON.stringify(l)).join('\n') + '\n']).stream().pipeThrough(new CompressionStream('gzip'))).arrayBuffer();

const readLines = async (key: string) => {
  const object = await env.ARCHIVE.get(key);
  if (!object) return null;
  const text = await new Response(object.body.pipeThrough(new DecompressionStream('gzip'))).text();
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { id: string });
};

describe('DELETE /api/v1/sites/{site}/visitors/{uid}', () => {
  it('hashUid: first 53 bits of HMAC-SHA256, stable and keyed', async () => {
    const a = await hashUid('secret', 'user-42');
    expect(Number.isSafeInteger(a)).toBe(true);
    expect(a).toBeLessThan(2 ** 53);
    expect(await hashUid('secret', 'user-42')).toBe(a);
    expect(await hashUid('other', 'user-42')).not.toBe(a);
    // Reference: bytes 0..6 of the HMAC, big-endian, masked to 53 bits.
    const key = await crypto.subtle.importKey('raw', new TextEncoder().encode('secret'), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode('user-42')));
    const big = mac.slice(0, 7).reduce((acc, b) => (acc << 8n) | BigInt(b), 0n) & ((1n << 53n) - 1n);
    expect(BigInt(a)).toBe(big);
  });

  it("removes the user's D1 rows and archive lines, and nothing else", async () => {
    const site = await makeSite();
    const other = await makeSite();
    const secret = (await env.DB.prepare('SELECT uid_secret FROM sites WHERE id = ?').bind(site).first<{ uid_secret: string }>())!.uid_secret;
    const target = await hashUid(secret, 'alice@example.com');
    const bystander = await hashUid(secret, 'bob@example.com');
    await insertEvent(site, 'e-target-1', target, 1);
    await insertEvent(site, 'e-target-2', target, 1);
    await insertEvent(site, 'e-anon-same-number', target, 0); // an anonymous id that happens to collide: not the user
    await insertEvent(site, 'e-bob', bystander, 1);
    await insertEvent(other, 'e-other-site', target, 1);
    await insertSession(site, target, 1);
    await insertSession(site, bystander, 1);

    const mixedKey = `raw/v1/site=${site}/dt=2026-11-20/hr=10/b1.ndjson.gz`;
    const onlyTargetKey = `raw/v1/site=${site}/dt=2026-11-20/hr=11/b2.ndjson.gz`;
    const otherSiteKey = `raw/v1/site=${other}/dt=2026-11-20/hr=10/b1.ndjson.gz`;
    await env.ARCHIVE.put(mixedKey, await gzipLines([
      { id: 'a1', visitorId: target, identified: true },
      { id: 'b1', visitorId: bystander, identified: true },
      { id: 'n1', visitorId: target, identified: false },
    ]));
    await env.ARCHIVE.put(onlyTargetKey, await gzipLines([{ id: 'a2', visitorId: target, identified: true }]));
    await env.ARCHIVE.put(otherSiteKey, await gzipLines([{ id: 'x1', visitorId: target, identified: true }]));

    const result = await ok<{ id: string }>(call(`/api/v1/sites/${site}/visitors/${encodeURIComponent('alice@example.com')}`, { method: 'DELETE', token: adminToken() }), 202);
    expect(result).toMatchObject({ site, status: 'pending', events_deleted: 2, sessions_deleted: 1, outbox_events_deleted: 0, rollup_days_rebuilt: 0 });
    // The archive is rewritten by the erasure job, after the grace for messages still on their way.
    const job = () => ok<{ status: string }>(call(`/api/v1/sites/${site}/erasures/${result.id}`, { token: adminToken() }));
    for (let i = 0; i < 50 && (await job()).status !== 'done'; i++) await runErasureJobs(env, Date.now() + ERASURE_GRACE_MS + 1_000);
    expect(await job()).toMatchObject({ status: 'done', archive: { objects_scanned: 2, objects_rewritten: 2, lines_removed: 2 } });

    const { results } = await env.DB.prepare('SELECT id FROM events ORDER BY id').all<{ id: string }>();
    const ids = results.map((r) => r.id);
    expect(ids).not.toContain('e-target-1');
    expect(ids).not.toContain('e-target-2');
    expect(ids).toEqual(expect.arrayContaining(['e-anon-same-number', 'e-bob', 'e-other-site']));
    expect(await env.DB.prepare('SELECT count(*) AS n FROM sessions WHERE site_id = ? AND visitor_id = ? AND identified = 1').bind(site, target).first('n')).toBe(0);
    expect(await env.DB.prepare('SELECT count(*) AS n FROM sessions WHERE site_id = ?').bind(site).first('n')).toBe(1);

    expect((await readLines(mixedKey))!.map((l) => l.id)).toEqual(['b1', 'n1']);
    expect(await readLines(onlyTargetKey)).toBeNull(); // emptied objects are deleted
    expect((await readLines(otherSiteKey))!.map((l) => l.id)).toEqual(['x1']);
  });

  it('an admin key of another site cannot erase here', async () => {
    const site = await makeSite();
    const key = await makeKey([await makeSite()], 'sites:admin');
    expect((await call(`/api/v1/sites/${site}/visitors/u1`, { method: 'DELETE', token: key.token })).status).toBe(403);
  });
});
