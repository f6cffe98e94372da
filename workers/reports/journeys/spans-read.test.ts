/**
 * Spans (spans.ts) on hand-built days: the read's floor under a span (a key counting
 * SPAN_MIN_SESSIONS − 1 there has no span row and must still be found when it ties the top), the
 * visitors of a day that also has unsettled sessions, and a span following its days when one of
 * them changes (spans-write.ts), checked row by row.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { QueryDb } from '../../query/db';
import type { SessionPages } from './paths';
import { preaggregatedJourneys } from './preagg-read';
import { dayRows } from './preagg-rows';
import { diffStatements, storedDayRows } from './preagg-write';
import { coverRange, SPAN_MIN_SESSIONS } from './spans';
import { buildSpans } from './spans-write';

const SITE = 'journey-spans.test';
// 2024-03-26 starts spans of every length (day 19,808); the 4-day span is 03-26 … 03-29
const SPAN = ['2024-03-26', '2024-03-29'] as const;

/** `n` sessions viewing `pages` on `day`, anonymous visitors numbered from `first`. */
const sessions = (day: string, pages: string[], n: number, first: number): SessionPages[] =>
  Array.from({ length: n }, (_, i) => ({ session: `${day}-${pages.join('')}-${first + i}`, visitor: `a:${day}:${first + i}`, pages, day }));

async function writeDay(db: QueryDb, day: string, list: SessionPages[], site = SITE): Promise<void> {
  await db.batch(diffStatements(site, day, await storedDayRows(db, site, day), dayRows(list)));
}

async function spanRows(): Promise<[string, string, number][]> {
  const { results } = await env.DB.prepare("SELECT list, key, sessions FROM journey_span_rows WHERE site_id = ?1 AND start = '2024-03-26' AND days = 4 AND list = 't1' ORDER BY key").bind(SITE).all<{ list: string; key: string; sessions: number }>();
  return results.map((r) => [r.list, r.key, r.sessions]);
}

describe('journey spans', () => {
  it('finds a key under the span floor that ties the top, and follows a changed day', async () => {
    expect(SPAN_MIN_SESSIONS).toBe(6); // the counts below are chosen around it
    const db = new QueryDb(env.DB);
    // /c → /z: 6 sessions on 03-26 (a span row). /b → /z: 3 on 03-26 and 2 on 03-27 (5 in the
    // span: no row) and 1 on 03-30 (a day row counting 1: unindexed). Both total 6; /b sorts first.
    const c = sessions('2024-03-26', ['/c', '/z'], 6, 1);
    const b26 = sessions('2024-03-26', ['/b', '/z'], 3, 10);
    const b27 = sessions('2024-03-27', ['/b', '/z'], 2, 20);
    await writeDay(db, '2024-03-26', [...c, ...b26]);
    await writeDay(db, '2024-03-27', b27);
    for (const day of ['2024-03-28', '2024-03-29']) await writeDay(db, day, []);
    await writeDay(db, '2024-03-30', sessions('2024-03-30', ['/b', '/z'], 1, 30));
    const built = await buildSpans(db, SITE, ...SPAN, (stmts) => db.batch(stmts).then(() => undefined), Infinity);
    expect(built).toEqual({ built: 3, left: 0 }); // 03-26+2, 03-28+2, 03-26+4
    expect(await spanRows()).toEqual([['t1', '["/c","/z"]', 6]]);

    const periods = coverRange('2024-03-26', '2024-03-30', new Set(['2024-03-26+2', '2024-03-28+2', '2024-03-26+4']));
    expect(periods).toEqual([{ start: '2024-03-26', days: 4 }, { start: '2024-03-30', days: 1 }]);
    // one transition a position: after the span's rows, /c → /z (6) is not above the bound (5 under
    // the span, 1 on 03-30), so the span's days are read and /b → /z (6) found
    const top = await preaggregatedJourneys(db, SITE, periods, 2, 20, 1, new Map());
    expect(top.transitions).toEqual([{ step: 1, from: '/b', to: '/z', sessions: 6 }]);
    expect(top.paths.map((p) => [p.pages.join(' '), p.sessions, p.visitors])).toEqual([['/b /z', 6, 6], ['/c /z', 6, 6]]);
    expect(top.sessions).toBe(12);
    // sessions not settled yet (the tail) on 03-30: visitor 30 again (counted once that day) and 31
    const tail = new Map([['2024-03-30', dayRows([...sessions('2024-03-30', ['/b', '/z'], 2, 30)])]]);
    const withTail = await preaggregatedJourneys(db, SITE, periods, 2, 20, 1, tail);
    expect(withTail.paths.map((p) => [p.pages.join(' '), p.sessions, p.visitors])).toEqual([['/b /z', 8, 7], ['/c /z', 6, 6]]);
    expect(withTail.sessions).toBe(14);

    // a late session of /b → /z on 03-27 takes it to 6 in the span: its row appears; one of /c → /z
    // on 03-26 gone takes that to 5: its row goes
    await writeDay(db, '2024-03-27', [...b27, ...sessions('2024-03-27', ['/b', '/z'], 1, 40)]);
    await writeDay(db, '2024-03-26', [...c.slice(1), ...b26]);
    expect(await spanRows()).toEqual([['t1', '["/b","/z"]', 6]]);
    const after = await preaggregatedJourneys(db, SITE, periods, 2, 20, 1, new Map());
    expect(after.transitions).toEqual([{ step: 1, from: '/b', to: '/z', sessions: 7 }]);
    expect(after.paths.map((p) => [p.pages.join(' '), p.sessions])).toEqual([['/b /z', 7], ['/c /z', 5]]);
  });

  it('builds no span over more sessions than its cap', async () => {
    const db = new QueryDb(env.DB);
    const site = 'journey-spans-cap.test';
    // 03-26 … 03-29: 4, 3, 2, 1 sessions
    for (const [i, day] of ['2024-03-26', '2024-03-27', '2024-03-28', '2024-03-29'].entries()) await writeDay(db, day, sessions(day, ['/a'], 4 - i, 1), site);
    const commit = (stmts: Parameters<typeof db.batch>[0]) => db.batch(stmts).then(() => undefined);
    expect(await buildSpans(db, site, ...SPAN, commit, Infinity, 6)).toEqual({ built: 1, left: 0 }); // 03-28+2 (3); 03-26+2 has 7
    expect(await buildSpans(db, site, ...SPAN, commit, Infinity, 10)).toEqual({ built: 2, left: 0 }); // 03-26+2 (7), 03-26+4 (10)
    const { results } = await env.DB.prepare('SELECT start, days FROM journey_spans WHERE site_id = ?1 ORDER BY days, start').bind(site).all();
    expect(results).toEqual([{ start: '2024-03-26', days: 2 }, { start: '2024-03-28', days: 2 }, { start: '2024-03-26', days: 4 }]);
  });
});
