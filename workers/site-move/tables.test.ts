import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { ACCOUNT_TABLES, SITE_DATA_TABLES, tableShape } from './tables';

describe('site data and account tables', () => {
  it('names every D1 table once: a new table must say whether it moves with its site', async () => {
    // DB_3 holds only what the migrations made (other test files create scratch tables in DB)
    const { results } = await env.DB_3!.prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' AND name != 'd1_migrations' ORDER BY name",
    ).all<{ name: string }>();
    const listed = [...SITE_DATA_TABLES, ...ACCOUNT_TABLES];
    expect(new Set(listed).size).toBe(listed.length);
    expect(results.map((r) => r.name).sort()).toEqual([...listed].sort());
  });

  it('knows each site table by its key, in every database (they share one schema)', async () => {
    for (const db of [env.DB, env.DB_2!, env.DB_3!]) {
      for (const name of SITE_DATA_TABLES) expect((await db.prepare('SELECT count(*) AS n FROM pragma_table_info(?) WHERE name = ?').bind(name, 'site_id').first('n')), name).toBe(1);
    }
    expect(await tableShape(env.DB, 'events')).toMatchObject({ key: ['site_id', 'ts', 'id'], versioned: false });
    expect(await tableShape(env.DB, 'sessions')).toMatchObject({ key: ['site_id', 'visitor_id', 'id'], versioned: true });
    expect((await tableShape(env.DB, 'rollup_ledger')).key).toEqual(['site_id', 'day', 'visitor_id', 'session_id']);
  });
});
