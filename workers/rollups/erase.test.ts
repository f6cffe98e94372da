import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { Fixture } from '../../test/helpers/query-fixtures';
import { forgetVisitorInRollups } from './erase';
import { refreshRollups } from './refresh';
import { runQuery } from '../query/run-query';

const NOW = Date.parse('2024-04-03T20:00:00Z');

/** Rollup rows (daily and pairs) whose id lists still name `id`. */
async function rollupRowsListing(site: string, id: number): Promise<number> {
  const row = await env.DB.prepare(
    "SELECT count(*) AS n FROM (SELECT e_ident_ids, s_ident_ids, site_id FROM rollup_daily UNION ALL SELECT e_ident_ids, s_ident_ids, site_id FROM rollup_pairs) WHERE site_id = ?1 AND (e_ident_ids LIKE '%' || ?2 || '%' OR s_ident_ids LIKE '%' || ?2 || '%')",
  ).bind(site, String(id)).first<{ n: number }>();
  return row!.n;
}

describe('forgetVisitorInRollups', () => {
  it('removes an erased identified visitor from the rollups of the days they were seen', async () => {
    const site = 'erase.test';
    const f = new Fixture(site, 'UTC')
      .visit({ visitor: 4242, identified: true, at: '2024-03-26T10:00:00Z' }, [{ path: '/' }])
      .visit({ visitor: 4242, identified: true, at: '2024-03-28T10:00:00Z' }, [{ path: '/' }])
      .visit({ visitor: 7, at: '2024-03-28T11:00:00Z' }, [{ path: '/' }]);
    await f.insert(env.DB);
    await refreshRollups(env, NOW, undefined, undefined, [site]);
    const body = { site_id: site, metrics: ['visitors', 'visits'], date_range: ['2024-03-25', '2024-03-31'] };
    expect((await runQuery(env.DB, site, body, NOW, { mode: 'rollup' })).results[0]!.metrics).toEqual([2, 3]);

    await env.DB.batch([
      env.DB.prepare('DELETE FROM events WHERE site_id = ?1 AND visitor_id = 4242 AND identified = 1').bind(site),
      env.DB.prepare('DELETE FROM sessions WHERE site_id = ?1 AND visitor_id = 4242 AND identified = 1').bind(site),
    ]);
    expect(await forgetVisitorInRollups(env.DB, site, 4242, NOW)).toEqual(['2024-03-26', '2024-03-28']);
    expect((await runQuery(env.DB, site, body, NOW, { mode: 'rollup' })).results[0]!.metrics).toEqual([1, 1]);
    expect(await rollupRowsListing(site, 4242)).toBe(0);
  });
});

describe('forgetVisitorInRollups past retention', () => {
  it('takes the id out of days whose raw rows retention deleted, keeping their aggregates', async () => {
    const site = 'frozen.test';
    await new Fixture(site, 'UTC')
      .visit({ visitor: 4242, identified: true, at: '2024-03-26T10:00:00Z' }, [{ path: '/' }])
      .visit({ visitor: 7, at: '2024-03-26T11:00:00Z' }, [{ path: '/' }])
      .visit({ visitor: 4242, identified: true, at: '2024-04-02T10:00:00Z' }, [{ path: '/' }])
      .insert(env.DB);
    await refreshRollups(env, NOW, undefined, undefined, [site]);
    const body = { site_id: site, metrics: ['visitors', 'visits'], date_range: ['2024-03-25', '2024-04-03'] };
    // anonymous 7 on the 26th + identified 4242 (both days, once): 2 visitors, 3 visits
    expect((await runQuery(env.DB, site, body, NOW, { mode: 'rollup' })).results[0]!.metrics).toEqual([2, 3]);

    // retention of 3 days has deleted the 26th's raw rows; then 4242 is erased
    const cutoff = NOW - 3 * 86_400_000;
    await env.DB.batch([
      env.DB.prepare('UPDATE sites SET retention_days = 3 WHERE id = ?1').bind(site),
      env.DB.prepare('DELETE FROM events WHERE site_id = ?1 AND (ts < ?2 OR visitor_id = 4242)').bind(site, cutoff),
      env.DB.prepare('DELETE FROM sessions WHERE site_id = ?1 AND ("end" < ?2 OR visitor_id = 4242)').bind(site, cutoff),
    ]);
    expect(await forgetVisitorInRollups(env.DB, site, 4242, NOW)).toEqual(['2024-03-26', '2024-04-02']);
    // the 26th keeps its counts (7's visit and the now anonymous visit of 4242) without the id;
    // the 2nd, rebuilt from raw rows, is empty
    expect((await runQuery(env.DB, site, body, NOW, { mode: 'rollup' })).results[0]!.metrics).toEqual([1, 2]);
    expect(await rollupRowsListing(site, 4242)).toBe(0);
    const kept = await env.DB.prepare("SELECT pageviews, visits FROM rollup_daily WHERE site_id = ?1 AND day = '2024-03-26' AND dim = '' AND dim2 = ''").bind(site).first();
    expect(kept).toEqual({ pageviews: 2, visits: 2 });
  });
});
