import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { deleteObjects } from './r2-delete';

async function listAll(prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await env.ARCHIVE.list({ prefix, cursor });
    keys.push(...page.objects.map((o) => o.key));
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return keys;
}

describe('deleteObjects', () => {
  it('deletes the keys the predicate picks, then all of the prefix, across list pages, and nothing outside it', async () => {
    const keys = Array.from({ length: 1_010 }, (_, i) => `all/${String(i).padStart(4, '0')}`); // more than one list page
    const all = [...keys, 'allx/kept', 'other/kept'];
    for (let i = 0; i < all.length; i += 100) await Promise.all(all.slice(i, i + 100).map((key) => env.ARCHIVE.put(key, 'x')));
    const odd = (key: string) => Number(key.slice('all/'.length)) % 2 === 1;
    expect(await deleteObjects(env.ARCHIVE, 'all/', odd)).toBe(505);
    expect(await listAll('all/')).toEqual(keys.filter((k) => !odd(k)));
    expect(await deleteObjects(env.ARCHIVE, 'all/')).toBe(505);
    expect(await listAll('all')).toEqual(['allx/kept']);
    expect(await listAll('other/')).toEqual(['other/kept']);
  });
});
