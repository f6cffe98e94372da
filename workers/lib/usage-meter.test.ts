/**
 * The meters' arithmetic, on stand-in bindings whose answers are written out here, so every count
 * below is computed by hand. That the real bindings report what these stand-ins do is checked in
 * workerd (usage-meter-runtime.test.ts).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { fetchStage, meterAlarm, meterD1, meterEnv, meterNamespace, meterQueue, meterR2, meterSql, readUsage, realBinding, resetUsage, totalUsage } from './usage-meter';

type Meta = { rows_read: number; rows_written: number };

/** A D1 stand-in: every statement answers the meta its SQL names, `R<read> W<written>`. */
function fakeD1() {
  const metaOf = (sql: string): Meta => {
    const [, r, w] = /R(\d+) W(\d+)/.exec(sql)!;
    return { rows_read: Number(r), rows_written: Number(w) };
  };
  const statement = (sql: string, params: unknown[] = []) => ({
    sql,
    params,
    bind: (...values: unknown[]) => statement(sql, values),
    run: async () => ({ results: [], meta: metaOf(sql), success: true }),
    all: async () => ({ results: [{ n: 7, sql }], meta: metaOf(sql), success: true }),
    first: async () => {
      throw new Error('the meter must not call first (it returns no meta)');
    },
    raw: async () => [[7]],
  });
  const seen: unknown[][] = [];
  return {
    seen,
    db: {
      prepare: (sql: string) => statement(sql),
      batch: async (statements: ReturnType<typeof statement>[]) => {
        seen.push(statements);
        return statements.map((s) => ({ results: [], meta: metaOf(s.sql), success: true }));
      },
      exec: async (sql: string) => ({ count: sql.split(';').length, duration: 1 }),
    } as unknown as D1Database,
  };
}

/** A DO SQLite stand-in: cursors whose counts grow as rows are taken, like the real ones. */
function fakeSql() {
  const cursors: { rowsRead: number; rowsWritten: number }[] = [];
  const sql = {
    databaseSize: 4096,
    exec(query: string) {
      const [, r, w] = /R(\d+) W(\d+)/.exec(query)!;
      // writes happen when the statement runs; reads as its rows are consumed
      const cursor = { rowsRead: 0, rowsWritten: Number(w), take: () => (cursor.rowsRead = Number(r)) };
      cursors.push(cursor);
      return cursor;
    },
  };
  return { sql: sql as unknown as SqlStorage, cursors: cursors as unknown as { take(): void }[] };
}

beforeEach(() => resetUsage());

describe('D1 meter', () => {
  it('adds up rows read and written of run, all, first, batch; exec counts statements only', async () => {
    const { db, seen } = fakeD1();
    const m = meterD1(db, 'consumer');
    await m.prepare('R3 W1').bind(1).run();
    await m.prepare('R10 W0').all();
    expect(await m.prepare('R2 W0').first('n')).toBe(7);
    expect(await m.prepare('R2 W0').first()).toEqual({ n: 7, sql: 'R2 W0' });
    await m.batch([m.prepare('R1 W7').bind('a'), m.prepare('R5 W4')]);
    await m.exec('CREATE TABLE a (x); CREATE TABLE b (y)');
    expect(readUsage().consumer!.d1).toEqual({ statements: 6 + 2, rowsRead: 3 + 10 + 2 + 2 + 1 + 5, rowsWritten: 1 + 7 + 4 });
    // the real binding gets its own statements back, bound as the caller bound them
    expect((seen[0] as { params: unknown[] }[]).map((s) => s.params)).toEqual([['a'], []]);
  });

  it('a session counts like its database and keeps its bookmark', async () => {
    const { db } = fakeD1();
    const withSession = () => ({ prepare: db.prepare, batch: db.batch, getBookmark: () => 'bookmark-1' });
    const m = meterD1(Object.assign(db, { withSession }) as D1Database, 'query');
    const session = m.withSession('first-primary');
    await session.prepare('R6 W0').all();
    await session.batch([session.prepare('R1 W1')]);
    expect(session.getBookmark()).toBe('bookmark-1');
    expect(readUsage().query!.d1).toEqual({ statements: 2, rowsRead: 7, rowsWritten: 1 });
  });

  it('first(column) of a missing column throws as D1 does', async () => {
    const m = meterD1(fakeD1().db, 'query');
    await expect(m.prepare('R1 W0').first('missing')).rejects.toThrow(/D1_COLUMN_NOTFOUND/);
  });

  it('re-metering relabels instead of counting twice, and one wrapper per stage', async () => {
    const { db } = fakeD1();
    const cron = meterD1(db, 'cron');
    const retention = meterD1(cron, 'retention');
    await retention.prepare('R4 W2').run();
    const usage = readUsage();
    expect(usage.retention!.d1).toEqual({ statements: 1, rowsRead: 4, rowsWritten: 2 });
    expect(usage.cron).toBeUndefined();
    expect(meterD1(db, 'cron')).toBe(cron);
    expect(realBinding(retention)).toBe(db);
  });
});

describe('DO SQLite meter', () => {
  it('counts writes at once and reads as cursors are consumed, folded on the next exec and on read', () => {
    const { sql, cursors } = fakeSql();
    const m = meterSql(sql, 'site-do');
    m.exec('R0 W4'); // e.g. an insert with three indexes
    m.exec('R9 W0');
    cursors[1]!.take(); // consumed after it was made: counted when counters are read
    expect(readUsage()['site-do']!.doSql).toEqual({ statements: 2, rowsRead: 9, rowsWritten: 4, alarmsSet: 0 });
    m.exec('R1 W2');
    meterAlarm('site-do');
    expect(readUsage()['site-do']!.doSql).toEqual({ statements: 3, rowsRead: 9, rowsWritten: 4 + 2 + 1, alarmsSet: 1 });
    expect(m.databaseSize).toBe(4096); // everything else is the real object's
  });
});

describe('R2, Queue and DO meters', () => {
  it('sorts R2 calls into Class A and B and adds the bytes', async () => {
    const calls: string[] = [];
    const bucket = {
      put: async (key: string) => void calls.push(`put ${key}`),
      get: async () => ({ size: 300 }),
      head: async () => null,
      list: async () => ({ objects: [], truncated: false }),
      delete: async () => undefined,
      createMultipartUpload: async () => ({}),
    } as unknown as R2Bucket;
    const m = meterR2(bucket, 'consumer');
    await m.put('a', new Uint8Array(1000));
    await m.put('b', 'héllo'); // 6 bytes in UTF-8
    await m.get('a');
    await m.head('a');
    await m.list({ prefix: 'x' });
    await m.delete('a');
    expect(readUsage().consumer!.r2).toEqual({ classA: 3, classB: 2, bytesPut: 1006, bytesGot: 300 });
    expect(calls).toEqual(['put a', 'put b']);
  });

  it('bills a message 3 operations per started 64 KB, and only once the Queue took it', async () => {
    let refuse = false;
    const queue = {
      send: async () => undefined,
      sendBatch: async () => {
        if (refuse) throw new Error('refused');
      },
    } as unknown as Queue<unknown>;
    const m = meterQueue(queue, 'site-do');
    const big = 'x'.repeat(70_000); // JSON adds 2 quotes: 70,002 bytes, two 64 KB slices
    await m.sendBatch([{ body: { a: 1 } }, { body: big }]);
    await m.send('hi'); // "hi" as JSON: 4 bytes
    refuse = true;
    await expect(m.sendBatch([{ body: 1 }])).rejects.toThrow('refused');
    expect(readUsage()['site-do']!.queue).toEqual({ sends: 2, messages: 3, bytes: 7 + 70_002 + 4, ops: 3 + 6 + 3 });
  });

  it('counts every method called on a stub as one request of its binding', async () => {
    const stub = { id: 'x', ingest: async (n: number) => n * 2, snapshot: async () => 'snap' };
    const namespace = { idFromName: (name: string) => name, get: () => stub } as unknown as DurableObjectNamespace;
    const m = meterNamespace(namespace, 'collect', 'SITE_DO');
    const s = m.get(m.idFromName('a')) as unknown as typeof stub;
    expect(await s.ingest(2)).toBe(4);
    await s.snapshot();
    expect(s.id).toBe('x');
    expect(readUsage().collect!.doRequests).toEqual({ SITE_DO: 2 });
  });
});

describe('meterEnv', () => {
  it('wraps the bindings by name, leaves the rest, and is one copy per (env, stage)', async () => {
    const { db } = fakeD1();
    const env = { DB: db, DB_2: fakeD1().db, PULSE_ENV: 'test', ASSETS: { fetch: () => null } };
    const m = meterEnv(env, 'query');
    expect(meterEnv(env, 'query')).toBe(m);
    expect(m.ASSETS).toBe(env.ASSETS);
    expect(m.PULSE_ENV).toBe('test');
    await m.DB.prepare('R1 W0').run();
    await m.DB_2.prepare('R2 W1').run();
    expect(readUsage().query!.d1).toEqual({ statements: 2, rowsRead: 3, rowsWritten: 1 });
  });

  it('adds stages together and names the stage of a request', () => {
    meterAlarm('a');
    meterAlarm('b');
    expect(totalUsage(readUsage()).doSql.rowsWritten).toBe(2);
    expect(totalUsage(readUsage(), ['a']).doSql.alarmsSet).toBe(1);
    const stage = (path: string) => fetchStage(new Request(`https://x${path}`));
    expect([stage('/api/event'), stage('/api/v2/query'), stage('/api/v1/sites/a.com/realtime'), stage('/api/v1/sites')]).toEqual(['collect', 'query', 'query', 'api']);
  });
});
