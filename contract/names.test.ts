import { describe, expect, it } from 'vitest';
import { archiveDayOf, archiveDayPrefix, archiveFormatOf, archiveObjectKey, archivePrefix, legacyArchiveKey } from './archive';
import { placeOf, shardForVisitor, shardName, shardNames } from './shards';

describe('shard names', () => {
  it('an unsharded site is one object named by the site; a sharded one is <site>#0…#n-1', () => {
    expect(shardNames('a.com', 1)).toEqual(['a.com']);
    expect(shardNames('a.com', 3)).toEqual(['a.com#0', 'a.com#1', 'a.com#2']);
    expect(shardForVisitor('a.com', 1, 'ip|ua')).toBe('a.com');
  });

  it('placeOf inverts shardName', () => {
    expect(placeOf(shardName('a.com', 2))).toEqual({ site: 'a.com', index: 2 });
    expect(placeOf(shardName('a.com', null))).toEqual({ site: 'a.com', index: null });
  });

  it('a visitor always lands on the same one of the shards', () => {
    const names = shardNames('a.com', 4);
    const picked = shardForVisitor('a.com', 4, '203.0.113.9|Mozilla');
    expect(names).toContain(picked);
    expect(shardForVisitor('a.com', 4, '203.0.113.9|Mozilla')).toBe(picked);
    const spread = new Set(Array.from({ length: 64 }, (_, i) => shardForVisitor('a.com', 4, `visitor-${i}`)));
    expect(spread.size).toBe(4);
  });
});

describe('archive keys', () => {
  const ts = Date.UTC(2026, 10, 20, 13, 5);

  it('partition Parquet objects Hive-style by site and UTC day, named by their group of messages', () => {
    expect(archiveObjectKey('a.com', '2026-11-20', '0123abcd')).toBe('raw/v1/site=a.com/dt=2026-11-20/0123abcd.parquet');
    expect(archiveDayPrefix('a.com', '2026-11-20')).toBe('raw/v1/site=a.com/dt=2026-11-20/');
  });

  it('legacy NDJSON objects sit under the same day prefix, so a day goes as one', () => {
    const legacy = legacyArchiveKey('a.com', ts, 'a.com-1-3');
    expect(legacy).toBe('raw/v1/site=a.com/dt=2026-11-20/hr=13/a.com-1-3.ndjson.gz');
    expect(legacy.startsWith(archiveDayPrefix('a.com', '2026-11-20'))).toBe(true);
    expect([archiveFormatOf(legacy), archiveFormatOf(archiveObjectKey('a.com', '2026-11-20', 'g')), archiveFormatOf('raw/v1/x.txt')]).toEqual(['ndjson', 'parquet', null]);
  });

  it('encode the site so that no site is a prefix of another', () => {
    expect(archivePrefix('a.com/x')).toBe('raw/v1/site=a.com%2Fx/');
    expect(archiveObjectKey('a.com/x', '2026-11-20', 'b').startsWith(archivePrefix('a.com'))).toBe(false);
  });

  it('archiveDayOf reads the day back, from keys and day prefixes, and only from the named site', () => {
    expect(archiveDayOf('a.com', archiveObjectKey('a.com', '2026-11-20', 'b'))).toBe('2026-11-20');
    expect(archiveDayOf('a.com', archiveDayPrefix('a.com', '2026-11-20'))).toBe('2026-11-20');
    expect(archiveDayOf('a.com', legacyArchiveKey('a.com', ts, 'b'))).toBe('2026-11-20');
    expect(archiveDayOf('b.com', archiveObjectKey('a.com', '2026-11-20', 'b'))).toBeNull();
    expect(archiveDayOf('a.com', 'raw/v1/site=a.com/other')).toBeNull();
  });
});
