/**
 * Erasure end to end: identified events sent with an events:write key go through the real
 * collector, SiteDO, Queue and consumer into D1 and R2; then the erase route removes them.
 */
import { env } from 'cloudflare:test';
import { expect, it } from 'vitest';
import { drainToD1 } from '../../test/helpers/drain';
import { archivedEvents } from '../../test/helpers/archive';
import { hashUid } from '../lib/visitor-id';
import { refreshRollups } from '../rollups/refresh';
import { runErasureJobs } from '../cron/erasures';
import { ERASURE_GRACE_MS } from './erase';
import { adminToken, call, makeKey, makeSite, ok } from '../../test/helpers/api';

const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

const archiveLines = archivedEvents;

it("erases an identified visitor's ingested events from D1 and the R2 archive", async () => {
  const site = await makeSite();
  const key = await makeKey([site], 'events:write');
  const event = (path: string, uid?: string) => ({ name: 'pageview', url: `https://${site}${path}`, domain: site, ip: '203.0.113.7', ua: UA, ...(uid ? { uid } : {}) });
  const res = await call('/api/event', { token: key.token, body: [event('/a', 'alice'), event('/b', 'alice'), event('/c', 'bob'), event('/d')] });
  expect(res.status).toBe(202);
  expect(await drainToD1(site, site, 4)).toBe(4);
  const deadline = Date.now() + 10_000;
  while ((await archiveLines(site)).length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));

  const secret = (await env.DB.prepare('SELECT uid_secret FROM sites WHERE id = ?').bind(site).first<string>('uid_secret'))!;
  const alice = await hashUid(secret, 'alice');
  expect((await archiveLines(site)).filter((l) => l.visitorId === alice && l.identified)).toHaveLength(2);
  expect(await env.DB.prepare('SELECT count(*) AS n FROM events WHERE site_id = ? AND visitor_id = ? AND identified = 1').bind(site, alice).first('n')).toBe(2);

  await refreshRollups(env, Date.now(), undefined, undefined, [site]);
  const inRollups = (id: number) =>
    env.DB.prepare("SELECT count(*) AS n FROM rollup_daily WHERE site_id = ? AND (EXISTS (SELECT 1 FROM json_each(e_ident_ids) WHERE value = ?2) OR EXISTS (SELECT 1 FROM json_each(s_ident_ids) WHERE value = ?2))")
      .bind(site, id)
      .first<number>('n');
  expect(await inRollups(alice)).toBeGreaterThan(0);

  const result = await ok<{ id: string }>(call(`/api/v1/sites/${site}/visitors/alice`, { method: 'DELETE', token: adminToken() }), 202);
  expect(result).toMatchObject({ events_deleted: 2, rollup_days_rebuilt: 1 });
  const job = () => ok<{ status: string }>(call(`/api/v1/sites/${site}/erasures/${result.id}`, { token: adminToken() }));
  for (let i = 0; i < 50 && (await job()).status !== 'done'; i++) await runErasureJobs(env, Date.now() + ERASURE_GRACE_MS + 1_000);
  expect(await job()).toMatchObject({ status: 'done', archive: { lines_removed: 2 } });
  expect(await inRollups(alice)).toBe(0);
  expect(await inRollups(await hashUid(secret, 'bob'))).toBeGreaterThan(0);
  const { results } = await env.DB.prepare('SELECT pathname FROM events WHERE site_id = ? ORDER BY pathname').bind(site).all<{ pathname: string }>();
  expect(results.map((r) => r.pathname)).toEqual(['/c', '/d']);
  expect((await archiveLines(site)).map((l) => l.pathname).sort()).toEqual(['/c', '/d']);
}, 30_000);
