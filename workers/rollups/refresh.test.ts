import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { Fixture } from '../../test/helpers/query-fixtures';
import { buildRandom, NOW, TZ } from '../../test/helpers/random-site';
import { queueMessage, writeMessages } from '../../test/helpers/write-path';
import { refreshRollups, refreshSite } from './refresh';
import { QueryDb } from '../query/db';

// rollups.test.ts builds the same random site; each file keeps its own (they share one D1).
const SITE = 'prop-refresh.test';
import { runQuery } from '../query/run-query';

describe('refresh backlog', () => {
  it('leaves what does not fit the time budget pending, newest day first, and drains it on later runs', async () => {
    const site = 'backlog.test';
    const f = new Fixture(site, 'UTC');
    for (const d of ['2024-03-20', '2024-03-21', '2024-03-22']) f.visit({ visitor: 1, at: `${d}T10:00:00Z` }, [{ path: '/' }]);
    await f.insert(env.DB);
    const state = () => env.DB.prepare('SELECT pending FROM rollup_state WHERE site_id = ?1').bind(site).first<{ pending: string }>();
    await refreshRollups(env, NOW, 0, undefined, [site]); // no budget: one day per site per run
    expect(JSON.parse((await state())!.pending)).toContain('2024-03-20');
    expect(JSON.parse((await state())!.pending)).not.toContain('2024-03-22');
    await refreshRollups(env, NOW, 0, undefined, [site]);
    await refreshRollups(env, NOW, 0, undefined, [site]);
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
    await refreshRollups(env, Date.parse('2024-04-01T00:10:00Z'), undefined, undefined, [site]);
    const body = { site_id: site, metrics: ['visitors', 'pageviews'], date_range: ['2024-03-31', '2024-03-31'] };
    expect((await runQuery(env.DB, site, body, NOW, { mode: 'rollup' })).results[0]!.metrics).toEqual([2, 3]);

    // retention deletes the morning; a late event arrives for the evening
    await env.DB.prepare('DELETE FROM events WHERE site_id = ?1 AND ts < ?2').bind(site, NOW - 3 * 86_400_000).run();
    const late = new Fixture(site, 'UTC').visit({ visitor: 3, at: '2024-03-31T22:00:00Z' }, [{ path: '/late' }], NOW - 120_000);
    await late.write(env.DB);
    await refreshRollups(env, NOW, undefined, undefined, [site]);
    // a rebuild would have left [2, 2] (the evening only); the day keeps what it had
    expect((await runQuery(env.DB, site, body, NOW, { mode: 'rollup' })).results[0]!.metrics).toEqual([2, 3]);
  });
});

describe('refreshRollups', () => {
  let random: Fixture;
  beforeAll(async () => {
    random = buildRandom(42, 1_000, SITE);
    await random.insert(env.DB);
    await refreshRollups(env, NOW, undefined, undefined, [SITE]);
  });

  it('is incremental and idempotent: repeated runs and redelivered rows never double-count', async () => {
    const body = { site_id: SITE, metrics: ['visitors', 'pageviews', 'visits'], date_range: ['2024-03-25', '2024-04-03'] };
    const before = await runQuery(env.DB, SITE, body, NOW, { mode: 'rollup' });
    await refreshRollups(env, NOW + 300_000, undefined, undefined, [SITE]); // nothing new: same numbers
    expect((await runQuery(env.DB, SITE, body, NOW, { mode: 'rollup' })).results).toEqual(before.results);

    // the consumer gets a message again (same ids): the stored rows stay as they were, same numbers
    const { results: some } = await env.DB.prepare('SELECT id FROM events WHERE site_id = ?1 ORDER BY ts DESC LIMIT 50').bind(SITE).all<{ id: string }>();
    const ids = new Set(some.map((e) => e.id));
    const events = random.events.filter((e) => ids.has(e.id));
    const sessions = random.sessions.filter((s) => events.some((e) => e.sessionId === s.id));
    await writeMessages(env.DB, [{ body: queueMessage(SITE, 'again', events, sessions), insertedAt: NOW + 400_000 }]);
    await refreshRollups(env, NOW + 450_000, undefined, undefined, [SITE]);
    expect((await runQuery(env.DB, SITE, body, NOW, { mode: 'rollup' })).results).toEqual(before.results);

    // a late event for an existing day, written after the watermark
    const late = new Fixture(SITE, TZ).visit({ visitor: 777, at: '2024-03-26T10:00:00Z', source: 'Google' }, [{ path: '/late' }], NOW + 400_000);
    await late.write(env.DB);
    await refreshRollups(env, NOW + 600_000, undefined, undefined, [SITE]);
    await refreshRollups(env, NOW + 600_000, undefined, undefined, [SITE]);
    const after = await runQuery(env.DB, SITE, body, NOW, { mode: 'rollup' });
    const raw = await runQuery(env.DB, SITE, body, NOW, { mode: 'raw' });
    expect(after.results).toEqual(raw.results);
    expect(after.results[0]!.metrics).toEqual((before.results[0]!.metrics as number[]).map((v) => v + 1));
  });
});

describe('refresh interval for the incremental days', () => {
  it('a site with only the delta to apply waits incrementalEveryMs after its last refresh, then applies it exactly', async () => {
    const site = 'interval.refresh.test';
    const db = new QueryDb(env.DB);
    const day = '2024-04-03';
    await new Fixture(site, 'UTC').visit({ visitor: 1, at: `${day}T08:00:00Z` }, [{ path: '/' }], NOW - 3_600_000).insert(env.DB);
    await refreshSite(db, site, 'UTC', NOW, { incrementalEveryMs: 15 * 60_000 }); // the first run rebuilds: never waits
    await new Fixture(site, 'UTC').visit({ visitor: 2, at: `${day}T19:00:00Z` }, [{ path: '/a' }, { path: '/b', after: 30 }], NOW + 60_000).insert(env.DB);
    const pageviews = async () => (await runQuery(env.DB, site, { site_id: site, metrics: ['pageviews'], date_range: [day, day] }, NOW, { mode: 'rollup' })).results[0]!.metrics[0];
    expect(await pageviews()).toBe(1);
    // 10 minutes after the last refresh: waits, writes nothing
    expect((await refreshSite(db, site, 'UTC', NOW + 10 * 60_000, { incrementalEveryMs: 15 * 60_000 })).incremental).toEqual([]);
    expect(await pageviews()).toBe(1);
    // 16 minutes after it: applies the 2 pageviews
    expect((await refreshSite(db, site, 'UTC', NOW + 16 * 60_000, { incrementalEveryMs: 15 * 60_000 })).incremental).toContain(day);
    expect(await pageviews()).toBe(3);
  });
});
