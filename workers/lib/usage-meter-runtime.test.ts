/**
 * The meters on the real bindings in workerd: a known statement sequence gives the counts measured
 * on this runtime (preamble of issue 14: an insert is 1 row plus 1 per index, DELETE 1 per row,
 * DROP TABLE 0, CREATE TABLE 2, CREATE INDEX 1, INSERT OR IGNORE of an existing key 0), and the
 * production entry points count under their stages. Stages named `probe-…` are this file's own;
 * the shared ones (`collect`, `site-do`) are only compared before and after.
 */
import { env, runInDurableObject, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { meterD1, meterSql, readUsage } from './usage-meter';
import { createSite } from '../../test/helpers/fixtures';
import { uniqueDomain } from '../../test/helpers/api';

const probe = () => `probe-${crypto.randomUUID().slice(0, 8)}`;

describe('DO SQLite meter on a real object', () => {
  it('counts the measured rows of each statement', async () => {
    const stage = probe();
    const stub = env.SITE_DO.get(env.SITE_DO.idFromName(`meter-${stage}`));
    await runInDurableObject(stub, (_instance, ctx) => {
      const sql = meterSql(ctx.storage.sql, stage);
      const written = () => readUsage()[stage]!.doSql.rowsWritten;
      const steps: [string, number][] = [];
      const step = (label: string, run: () => void) => {
        const before = readUsage()[stage]?.doSql.rowsWritten ?? 0;
        run();
        steps.push([label, written() - before]);
      };
      step('create table', () => void sql.exec('CREATE TABLE probe (id INTEGER PRIMARY KEY, a TEXT, b TEXT)'));
      step('create index', () => void sql.exec('CREATE INDEX probe_a ON probe (a)'));
      step('insert, one index', () => void sql.exec("INSERT INTO probe (id, a, b) VALUES (1, 'x', 'y')"));
      step('insert or ignore, existing', () => void sql.exec("INSERT OR IGNORE INTO probe (id, a, b) VALUES (1, 'x', 'y')"));
      step('update, indexed column', () => void sql.exec("UPDATE probe SET a = 'z' WHERE id = 1"));
      step('update, other column', () => void sql.exec("UPDATE probe SET b = 'w' WHERE id = 1"));
      step('insert two more', () => void sql.exec("INSERT INTO probe (id, a, b) VALUES (2, 'p', 'q'), (3, 'r', 's')"));
      step('delete all', () => void sql.exec('DELETE FROM probe'));
      step('drop table', () => void sql.exec('DROP TABLE probe'));
      expect(steps).toEqual([
        ['create table', 2],
        ['create index', 1],
        ['insert, one index', 2],
        ['insert or ignore, existing', 0],
        ['update, indexed column', 2],
        ['update, other column', 1],
        ['insert two more', 4],
        ['delete all', 3],
        ['drop table', 0],
      ]);
      expect(readUsage()[stage]!.doSql.statements).toBe(9);
      // reads are counted as the cursor is consumed, even when it is consumed late
      sql.exec('CREATE TABLE probe2 (id INTEGER PRIMARY KEY)');
      sql.exec('INSERT INTO probe2 (id) VALUES (1), (2), (3), (4)');
      const readBefore = readUsage()[stage]!.doSql.rowsRead;
      const cursor = sql.exec('SELECT id FROM probe2'); // the runtime steps to the first row at once
      expect(cursor.toArray()).toHaveLength(4);
      expect(readUsage()[stage]!.doSql.rowsRead - readBefore).toBe(4);
      sql.exec('DROP TABLE probe2');
    });
  });
});

describe('D1 meter on the real database', () => {
  it('counts the measured rows of each statement, in batches too', async () => {
    const stage = probe();
    const table = `meter_${stage.replace(/\W/g, '_')}`;
    const db = meterD1(env.DB, stage);
    const written = () => readUsage()[stage]?.d1.rowsWritten ?? 0;
    const steps: [string, number][] = [];
    const step = async (label: string, run: () => Promise<unknown>) => {
      const before = written();
      await run();
      steps.push([label, written() - before]);
    };
    await step('create table', () => db.prepare(`CREATE TABLE ${table} (id INTEGER PRIMARY KEY, a TEXT)`).run());
    await step('insert by json_each', () =>
      db.prepare(`INSERT INTO ${table} (id, a) SELECT value ->> 'id', value ->> 'a' FROM json_each(?)`).bind(JSON.stringify([{ id: 1, a: 'x' }, { id: 2, a: 'y' }])).run(),
    );
    await step('insert or ignore, existing', () => db.prepare(`INSERT OR IGNORE INTO ${table} (id, a) VALUES (1, 'x')`).run());
    await step('batch: insert + delete one', () =>
      db.batch([db.prepare(`INSERT INTO ${table} (id, a) VALUES (3, 'z')`), db.prepare(`DELETE FROM ${table} WHERE id = ?`).bind(1)]),
    );
    const n = await db.prepare(`SELECT count(*) AS n FROM ${table}`).first<number>('n');
    await step('drop table', () => db.prepare(`DROP TABLE ${table}`).run());
    expect(n).toBe(2);
    expect(steps.slice(1)).toEqual([
      ['insert by json_each', 2],
      ['insert or ignore, existing', 0],
      ['batch: insert + delete one', 2],
      ['drop table', 0],
    ]);
    expect(readUsage()[stage]!.d1.statements).toBe(7);
    expect(readUsage()[stage]!.d1.rowsRead).toBeGreaterThan(0);
  });
});

describe('production entry points', () => {
  it('an event through the Worker counts under collect and site-do', async () => {
    const site = uniqueDomain('meter');
    await createSite(site);
    const before = readUsage();
    const res = await SELF.fetch('https://pulse.test/api/event', {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36', 'cf-connecting-ip': '203.0.113.9' },
      body: JSON.stringify({ n: 'pageview', u: `https://${site}/`, d: site }),
    });
    expect(res.status).toBe(202);
    const after = readUsage();
    const grew = (stage: string, read: (u: NonNullable<typeof after[string]>) => number) => read(after[stage]!) - (before[stage] ? read(before[stage]!) : 0);
    expect(grew('collect', (u) => u.doRequests.SITE_DO ?? 0)).toBeGreaterThanOrEqual(1);
    expect(grew('collect', (u) => u.d1.statements)).toBeGreaterThanOrEqual(1); // the site's config
    expect(grew('site-do', (u) => u.doSql.rowsWritten)).toBeGreaterThanOrEqual(2); // the outbox row and the alarm
    expect(grew('site-do', (u) => u.doSql.alarmsSet)).toBeGreaterThanOrEqual(1);
  });
});
