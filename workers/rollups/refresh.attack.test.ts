import { env } from 'cloudflare:test';
import { expect, it } from 'vitest';
import { Fixture } from '../../test/helpers/query-fixtures';
import { runQuery } from '../query/run-query';
import { refreshRollups } from './refresh';

const NOW = Date.parse('2024-05-02T12:00:00Z');

// One site's failing refresh (here a time zone the runtime does not know, as an old row or a
// hand edit could leave) used to throw out of the loop: every site after it went unrefreshed.
it('a site whose refresh fails does not stop the refresh of the sites after it', async () => {
  const broken = 'refresh-broken.attack.test';
  const good = 'refresh-good.attack.test';
  await new Fixture(broken, 'UTC').visit({ visitor: 1, at: '2024-05-01T10:00:00Z' }, [{ path: '/' }]).insert(env.DB);
  await env.DB.prepare("UPDATE sites SET timezone = 'Not/A_Zone' WHERE id = ?1").bind(broken).run();
  await new Fixture(good, 'UTC')
    .visit({ visitor: 1, at: '2024-05-01T10:00:00Z' }, [{ path: '/' }, { path: '/a', after: 30 }])
    .visit({ visitor: 2, at: '2024-05-01T11:00:00Z' }, [{ path: '/' }])
    .insert(env.DB);

  const result = await refreshRollups(env, NOW, undefined, undefined, [broken, good]);

  expect(result.failed).toBe(1);
  const body = { site_id: good, metrics: ['visitors', 'pageviews'], date_range: ['2024-05-01', '2024-05-01'] };
  expect((await runQuery(env.DB, good, body, NOW, { mode: 'rollup' })).results[0]!.metrics).toEqual([2, 3]);
});
