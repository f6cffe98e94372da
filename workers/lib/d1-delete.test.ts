import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { deleteInChunks } from './d1-delete';

const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;

async function table(name: string, rows: { site: string; n: number }[]): Promise<void> {
  await env.DB.prepare(`CREATE TABLE ${quoted(name)} (site_id TEXT NOT NULL, n INTEGER NOT NULL)`).run();
  await env.DB.prepare(`INSERT INTO ${quoted(name)} SELECT json_extract(value, '$.site'), json_extract(value, '$.n') FROM json_each(?1)`).bind(JSON.stringify(rows)).run();
}

const count = async (name: string, where = '1') => (await env.DB.prepare(`SELECT count(*) AS c FROM ${quoted(name)} WHERE ${where}`).first<{ c: number }>())!.c;

describe('deleteInChunks', () => {
  it('deletes only the matching rows, a chunk per statement, and returns how many went', async () => {
    await table('chunks_all', [...Array.from({ length: 23 }, (_, n) => ({ site: 'a', n })), ...Array.from({ length: 4 }, (_, n) => ({ site: 'b', n }))]);
    expect(await deleteInChunks(env.DB, { table: 'chunks_all', where: 'site_id = ? AND n >= ?', params: ['a', 3], chunk: 5 })).toBe(20);
    expect(await count('chunks_all', "site_id = 'a'")).toBe(3);
    expect(await count('chunks_all', "site_id = 'b'")).toBe(4);
  });

  it('stops at its per-run cap, and the next run continues where it stopped', async () => {
    await table('chunks_capped', Array.from({ length: 25 }, (_, n) => ({ site: 'a', n })));
    const run = () => deleteInChunks(env.DB, { table: 'chunks_capped', where: 'site_id = ?', params: ['a'], chunk: 10, maxChunks: 2 });
    expect(await run()).toBe(20);
    expect(await count('chunks_capped')).toBe(5);
    expect(await run()).toBe(5);
    expect(await run()).toBe(0);
  });

  it('quotes the table name and refuses a chunk that is not a positive integer', async () => {
    await table('odd"name', [{ site: 'a', n: 1 }]);
    expect(await deleteInChunks(env.DB, { table: 'odd"name', where: 'site_id = ?', params: ['a'] })).toBe(1);
    await expect(deleteInChunks(env.DB, { table: 'odd"name', where: '1', params: [], chunk: 0 })).rejects.toThrow(/positive integer/);
  });
});
