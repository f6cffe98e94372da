import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { Fixture } from '../../test/helpers/query-fixtures';
import { refreshRollups } from './refresh';
import { runQuery } from '../query/run-query';

const NOW = Date.parse('2024-04-03T20:00:00Z');

describe('refresh backlog', () => {
  it('leaves what does not fit the time budget pending, newest day first, and drains it on later runs', async () => {
    const site = 'backlog.test';
    const f = new Fixture(site, 'UTC');
    for (const d of ['2024-03-20', '2024-03-21', '2024-03-22']) f.visit({ visitor: 1, at: `${d}T10:00:00Z` }, [{ path: '/' }]);
    await f.insert(env.DB);
    const state = () => env.DB.prepare('SELECT pending FROM rollup_state WHERE site_id = ?1').bind(site).first<{ pending: string }>();
    await refreshRollups(env, NOW, 0); // no budget: one day per site per run
    expect(JSON.parse((await state())!.pending)).toContain('2024-03-20');
    expect(JSON.parse((await state())!.pending)).not.toContain('2024-03-22');
    await refreshRollups(env, NOW, 0);
    await refreshRollups(env, NOW, 0);
    expect(JSON.parse((await state())!.pending)).toEqual([]);
    const body = { site_id: site, metrics: ['visitors'], date_range: ['2024-03-20', '2024-03-22'] };
    expect((await runQuery(env.DB, site, body, NOW, { mode: 'rollup' })).results[0]!.metrics).toEqual([3]);
  });
});

describe('refresh at the retention edge', () => {
  it('keeps the rollups of a day retention has begun to delete when a late event arrives for it', async () => {
    const site = 'edge.test';
    // retention 3 days at NOW (2024-04-03T20:00Z): the cutoff falls on 2024-03-31 at 20:00
    await new Fixture(site, 'UTC')
      .visit({ visitor: 1, at: '2024-03-31T08:00:00Z' }, [{ path: '/' }, { path: '/a', after: 60 }])
      .visit({ visitor: 2, at: '2024-03-31T21:00:00Z' }, [{ path: '/' }])
      .insert(env.DB);
    await env.DB.prepare('UPDATE sites SET retention_days = 3 WHERE id = ?1').bind(site).run();
    await refreshRollups(env, Date.parse('2024-04-01T00:10:00Z'));
    const body = { site_id: site, metrics: ['visitors', 'pageviews'], date_range: ['2024-03-31', '2024-03-31'] };
    expect((await runQuery(env.DB, site, body, NOW, { mode: 'rollup' })).results[0]!.metrics).toEqual([2, 3]);

    // retention deletes the morning; a late event arrives for the evening
    await env.DB.prepare('DELETE FROM events WHERE site_id = ?1 AND ts < ?2').bind(site, NOW - 3 * 86_400_000).run();
    const late = new Fixture(site, 'UTC').visit({ visitor: 3, at: '2024-03-31T22:00:00Z' }, [{ path: '/late' }], NOW - 120_000);
    await late.write(env.DB);
    await refreshRollups(env, NOW);
    // a rebuild would have left [2, 2] (the evening only); the day keeps what it had
    expect((await runQuery(env.DB, site, body, NOW, { mode: 'rollup' })).results[0]!.metrics).toEqual([2, 3]);
  });
});
