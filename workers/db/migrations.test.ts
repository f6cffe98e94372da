import { applyD1Migrations, env } from 'cloudflare:test';
import { beforeAll, describe, expect, test } from 'vitest';

type D1Migration = (typeof env.TEST_MIGRATIONS)[number];

/**
 * Every database a deployment can hold reaches the current schema. D1 records applied migrations by
 * file name and runs each unapplied file once, so a database migrated at an earlier landed step
 * gets the rest of `migrations/` applied over whatever that step left. Two migrations were edited
 * after they landed, each before the next one landed (`git log --follow migrations/`):
 * `0008_rollups_without_rowid.sql` became `0008_rollups_clustered.sql`, and 0009 changed the rollup
 * ledger's key (0010 repairs that). Their first versions are kept verbatim in
 * `test/landed-migrations/`. Step k as it first landed is therefore the current migrations before k
 * plus k's first version; once edited, the current migrations up to k.
 */
const CURRENT = env.TEST_MIGRATIONS;
const FIRST_VERSIONS = env.TEST_LANDED_MIGRATIONS;
const db = env.MIGRATION_TEST_DB;

const step = (m: D1Migration) => m.name.slice(0, 4);
const landedSteps: { label: string; migrations: D1Migration[] }[] = CURRENT.filter((m) => m.name < '0010').flatMap((m, k) => {
  const before = CURRENT.slice(0, k);
  const first = FIRST_VERSIONS.find((f) => step(f) === step(m));
  return [
    ...(first ? [{ label: `${first.name} as first landed`, migrations: [...before, first] }] : []),
    { label: `${m.name} as it stands`, migrations: [...before, m] },
  ];
});

// schema objects of the database itself, not D1's or SQLite's bookkeeping
const OWN = `name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name != 'd1_migrations'`;

async function tableNames(): Promise<string[]> {
  const { results } = await db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND ${OWN} ORDER BY name`).all<{ name: string }>();
  return results.map((r) => r.name);
}

/** Empties the database, migrations table included (the tables have no foreign keys). */
async function reset(): Promise<void> {
  const { results } = await db
    .prepare(`SELECT type, name FROM sqlite_master WHERE type IN ('table', 'view', 'trigger') AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'`)
    .all<{ type: string; name: string }>();
  for (const { type, name } of results) await db.exec(`DROP ${type.toUpperCase()} IF EXISTS "${name}"`);
  expect(await tableNames()).toEqual([]);
}

/** Everything that makes up the schema: each object's SQL, each table's columns and indexes. */
async function readSchema() {
  const objects = await db.prepare(`SELECT type, name, tbl_name, sql FROM sqlite_master WHERE ${OWN} ORDER BY type, name`).all();
  const tables: Record<string, unknown> = {};
  for (const name of await tableNames()) {
    const columns = (await db.prepare(`SELECT * FROM pragma_table_xinfo(?1) ORDER BY cid`).bind(name).all()).results;
    const indexes = [];
    for (const index of (await db.prepare(`SELECT * FROM pragma_index_list(?1) ORDER BY name`).bind(name).all<{ name: string }>()).results) {
      const keys = (await db.prepare(`SELECT * FROM pragma_index_xinfo(?1) ORDER BY seqno`).bind(index.name).all()).results;
      indexes.push({ ...index, keys });
    }
    tables[name] = { columns, indexes };
  }
  return { objects: objects.results, tables };
}

/**
 * Two rows in every table, every column set: one of empty strings and zeros, one of 'x' and ones,
 * so copies that split rows by value (0008 splits rollup_daily on dim2 = '') see both kinds.
 * Returns the row count of each table.
 */
async function seed(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of await tableNames()) {
    const columns = (await db.prepare('SELECT name, type FROM pragma_table_info(?1)').bind(table).all<{ name: string; type: string }>()).results;
    const value = (type: string, row: number) => (/INT/i.test(type) ? row : /REAL|FLOA|DOUB/i.test(type) ? row + 0.5 : row ? 'x' : '');
    const sql = `INSERT INTO "${table}" (${columns.map((c) => `"${c.name}"`).join(', ')}) VALUES (${columns.map((_, i) => `?${i + 1}`).join(', ')})`;
    await db.batch([0, 1].map((row) => db.prepare(sql).bind(...columns.map((c) => value(c.type, row)))));
    counts[table] = 2;
  }
  return counts;
}

async function rowCount(table: string): Promise<number> {
  return (await db.prepare(`SELECT count(*) AS n FROM "${table}"`).first<{ n: number }>())!.n;
}

describe('migrations from every landed step', () => {
  let fresh: Awaited<ReturnType<typeof readSchema>>;

  beforeAll(async () => {
    await reset();
    await applyD1Migrations(db, CURRENT);
    fresh = await readSchema();
  });

  test('the landed steps cover 0000 to 0009 and the first versions of both edited migrations', () => {
    expect(new Set(landedSteps.map((s) => step(s.migrations.at(-1)!)))).toEqual(new Set(CURRENT.filter((m) => m.name < '0010').map(step)));
    expect(FIRST_VERSIONS.map((m) => m.name)).toEqual(['0008_rollups_without_rowid.sql', '0009_incremental_rollups.sql']);
    expect(landedSteps).toHaveLength(12);
  });

  test('a database migrated with the first 0009 has the ledger keyed by session and its visitor index (what 0010 repairs)', async () => {
    await reset();
    await applyD1Migrations(db, landedSteps.find((s) => s.label === '0009_incremental_rollups.sql as first landed')!.migrations);
    const key = (await db.prepare(`SELECT name FROM pragma_table_info('rollup_ledger') WHERE pk > 0 ORDER BY pk`).all<{ name: string }>()).results;
    expect(key.map((c) => c.name)).toEqual(['site_id', 'day', 'session_id']);
    expect((await readSchema()).objects).toContainEqual(expect.objectContaining({ type: 'index', name: 'rollup_ledger_visitor' }));
    const fromScratch = (fresh.tables as Record<string, { columns: { name: string; pk: number }[] }>).rollup_ledger.columns;
    expect(fromScratch.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name)).toEqual(['site_id', 'day', 'visitor_id', 'session_id']);
  });

  test.each(landedSteps)('$label, with rows in every table, then the rest: the schema of a fresh database', async ({ label, migrations }) => {
    await reset();
    await applyD1Migrations(db, migrations);
    const seeded = await seed();
    await applyD1Migrations(db, CURRENT);
    expect(await readSchema(), label).toEqual(fresh);
    // the ledger's rows survive its rebuild (the incremental refresh subtracts what it holds)
    if (seeded.rollup_ledger) expect(await rowCount('rollup_ledger')).toBe(seeded.rollup_ledger);
    const applied = (await db.prepare('SELECT name FROM d1_migrations ORDER BY id').all<{ name: string }>()).results.map((r) => r.name);
    expect(applied).toEqual([...new Set([...migrations, ...CURRENT].map((m) => m.name))]);
  });
});

describe('0013: events and sessions clustered, arrivals', () => {
  const SITE_COUNTED = 'counted.migrations.test';
  const SITE_NEW = 'never-refreshed.migrations.test';
  const W = Date.UTC(2026, 10, 20, 12, 0, 0); // the counted site's watermark

  const event = (id: string, site: string, ts: number, insertedAt: number) => db
    .prepare(`INSERT INTO events (id, site_id, ts, visitor_id, session_id, name, hostname, pathname, props, source, channel, device, browser,
        browser_version, os, os_version, inserted_at, archive_batch) VALUES (?1, ?2, ?3, 7, ?4, 'pageview', 'h', '/p', '{"k":1}', 'Google', 'Organic Search',
        'Desktop', 'Chrome', '131', 'Linux', '(not set)', ?5, 99)`)
    .bind(id, site, ts, `s-${id}`, insertedAt);
  const session = (id: string, site: string, start: number, insertedAt: number) => db
    .prepare(`INSERT INTO sessions (id, site_id, visitor_id, version, start, "end", duration, pageviews, events, interactive_events, is_bounce, entry_page,
        exit_page, hostname, source, channel, device, browser, browser_version, os, os_version, inserted_at)
        VALUES (?1, ?2, 7, 3, ?3, ?3 + 60000, 60, 2, 3, 2, 0, '/a', '/b', 'h', 'Google', 'Organic Search', 'Desktop', 'Chrome', '131', 'Linux', '(not set)', ?4)`)
    .bind(id, site, start, insertedAt);
  const everything = async (table: string) => (await db.prepare(`SELECT * FROM ${table} ORDER BY site_id, id`).all()).results;

  test('every event and session written under 0012 is there after it, and what the rollups have not counted is in arrivals', async () => {
    await reset();
    await applyD1Migrations(db, CURRENT.filter((m) => m.name < '0013'));
    await db.batch([
      db.prepare(`INSERT INTO rollup_state (site_id, watermark, pending, refreshed_at, ledger_days) VALUES (?1, ?2, '[]', ?2, '[]')`).bind(SITE_COUNTED, W),
      event('m-e1', SITE_COUNTED, W - 3_600_000, W - 60_000), // counted
      event('m-e2', SITE_COUNTED, W - 1_000_000, W + 30_000), // after the watermark: 11:43:20, quarter-hour 11:30
      event('m-e3', SITE_COUNTED, W - 86_400_000, W + 90_000), // a late event of the day before, the next minute
      event('m-e4', SITE_NEW, W, W), // a site never refreshed: its first run reads its rows
      session('m-s1', SITE_COUNTED, W - 3_600_000, W - 60_000),
      session('m-s2', SITE_COUNTED, W - 1_000_000, W + 30_000),
      session('m-s3', SITE_NEW, W, W),
    ]);
    const before = { events: await everything('events'), sessions: await everything('sessions') };
    await applyD1Migrations(db, CURRENT);
    expect(await everything('events')).toEqual(before.events);
    expect(await everything('sessions')).toEqual(before.sessions);
    expect(before.events).toHaveLength(4);
    const arrivals = (await db.prepare('SELECT site_id, minute, side, bucket FROM arrivals ORDER BY minute, side, bucket').all()).results;
    const q = (t: number) => Math.floor(t / 900_000);
    const m = (t: number) => Math.floor(t / 60_000);
    expect(arrivals).toEqual([
      { site_id: SITE_COUNTED, minute: m(W + 30_000), side: 'e', bucket: q(W - 1_000_000) },
      { site_id: SITE_COUNTED, minute: m(W + 30_000), side: 's', bucket: q(W - 1_000_000) },
      { site_id: SITE_COUNTED, minute: m(W + 90_000), side: 'e', bucket: q(W - 86_400_000) },
    ]);
    const sql = async (name: string) => (await db.prepare(`SELECT sql FROM sqlite_master WHERE name = ?1`).bind(name).first<string>('sql')) ?? '';
    for (const table of ['events', 'sessions', 'arrivals']) expect(await sql(table)).toMatch(/WITHOUT ROWID$/);
    const indexes = (await db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('events', 'sessions', 'arrivals') ORDER BY name`).all<{ name: string }>()).results;
    expect(indexes.map((i) => i.name)).toEqual(['sessions_site_start']);
  });
});
