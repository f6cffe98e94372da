/**
 * The erasure job's rewrite of one archive object, in both formats: the visitor's rows go, every
 * other row and the object's `batches` (the consumer's exactly-once record) stay.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../contract/events';
import { archiveObjectKey, legacyArchiveKey } from '../../contract/archive';
import { collected } from '../../test/helpers/fixtures';
import { decodeArchiveObject, encodeParquet, gzipText } from '../lib/archive-format';
import { eraseFromArchiveObject } from './erasures';

const SITE = 'erasures-rewrite.test';
const TS = Date.UTC(2026, 10, 20, 10);
const ALICE = 4242;

function event(id: string, visitorId: number, identified: boolean): StoredEvent {
  const { ip: _ip, ua: _ua, uid: _uid, ...rest } = collected(SITE, { ts: TS, props: { plan: 'pro' }, revenue: { amount: 5, currency: 'EUR' } });
  return { ...rest, id, visitorId, sessionId: `s-${id}`, identified };
}

const read = async (key: string) => decodeArchiveObject(key, await (await env.ARCHIVE.get(key))!.arrayBuffer(), SITE);

describe('eraseFromArchiveObject', () => {
  it('rewrites a Parquet object without the identified visitor, keeping an anonymous namesake and the metadata', async () => {
    const key = archiveObjectKey(SITE, '2026-11-20', 'parquet-mixed');
    const events = [event('p-alice', ALICE, true), event('p-anon', ALICE, false), event('p-bob', 7, true)];
    await env.ARCHIVE.put(key, encodeParquet(events), { customMetadata: { events: '3', batches: 'abc,def' } });
    expect(await eraseFromArchiveObject(env.ARCHIVE, key, ALICE)).toBe(1);
    expect(await read(key)).toEqual([events[1], events[2]]);
    expect((await env.ARCHIVE.head(key))!.customMetadata).toMatchObject({ events: '2', batches: 'abc,def' });
    expect(await eraseFromArchiveObject(env.ARCHIVE, key, ALICE)).toBe(0); // nothing left of her: untouched
  });

  it('deletes a Parquet object that held only the visitor', async () => {
    const key = archiveObjectKey(SITE, '2026-11-20', 'parquet-only');
    await env.ARCHIVE.put(key, encodeParquet([event('o-alice', ALICE, true)]));
    expect(await eraseFromArchiveObject(env.ARCHIVE, key, ALICE)).toBe(1);
    expect(await env.ARCHIVE.head(key)).toBeNull();
  });

  it('still rewrites a legacy NDJSON object', async () => {
    const key = legacyArchiveKey(SITE, TS, 'legacy-batch');
    const events = [event('l-alice', ALICE, true), event('l-bob', 7, true)];
    await env.ARCHIVE.put(key, await gzipText(events.map((e) => JSON.stringify(e)).join('\n') + '\n'));
    expect(await eraseFromArchiveObject(env.ARCHIVE, key, ALICE)).toBe(1);
    expect(await read(key)).toEqual([events[1]]);
  });
});
