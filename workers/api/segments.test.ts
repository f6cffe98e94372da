/**
 * Saved segments: CRUD and who sees what, and `["is", "segment", [id]]` in queries over events
 * sent through POST /api/event. Traffic (UTC site, day D = 2 days ago):
 *   A 10:00 /  from google.com (Google)   10:05 /pricing
 *   B 11:00 /blog  from twitter.com (Twitter)
 *   C 12:00 /      direct
 * So Google: 1 visitor, 2 pageviews; Twitter: 1 visitor, 1 pageview; /pricing or /blog: 2 visitors.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { adminToken, call, makeKey, makeSite, makeUserSession, ok } from '../../test/helpers/api';
import { drainToD1 } from '../../test/helpers/drain';

const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const D = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);

interface Segment { id: number; name: string; scope: string; filters: unknown[]; owned_by_you: boolean }

let site: string;
let other: string;
let admin: { token: string };
let viewer: { token: string };
let viewer2: { token: string };

const segments = (token: string, s = site) => `/api/v1/sites/${s}/segments`;
const create = (token: string, body: unknown, s = site) => call(segments(token, s), { token, body });
const list = async (token: string) => (await ok<{ segments: Segment[] }>(call(segments(token), { token }))).segments;
const query = (filters: unknown[], s = site) =>
  call('/api/v2/query', { token: adminToken(), body: { site_id: s, metrics: ['visitors', 'pageviews'], date_range: [D, D], filters } });
const totals = async (filters: unknown[]) => (await ok<{ results: { metrics: number[] }[] }>(query(filters))).results[0]!.metrics;
const queryError = async (filters: unknown[], s = site) => {
  const res = await query(filters, s);
  expect(res.status).toBe(400);
  return ((await res.json()) as { error: string }).error;
};

beforeAll(async () => {
  site = await makeSite();
  other = await makeSite();
  admin = await makeUserSession(site, 'admin');
  viewer = await makeUserSession(site, 'viewer');
  viewer2 = await makeUserSession(site, 'viewer');
  const write = (await makeKey([site], 'events:write')).token;
  const ev = (ip: string, path: string, hm: string, referrer?: string) => ({ name: 'pageview', url: `https://${site}${path}`, domain: site, ip, ua: UA, ts: `${D}T${hm}:00Z`, ...(referrer ? { referrer } : {}) });
  const events = [ev('198.51.100.1', '/', '10:00', 'https://google.com/'), ev('198.51.100.1', '/pricing', '10:05'), ev('198.51.100.2', '/blog', '11:00', 'https://twitter.com/'), ev('198.51.100.3', '/', '12:00')];
  expect((await call('/api/event', { token: write, body: events })).status).toBe(202);
  expect(await drainToD1(site, site, events.length)).toBe(events.length);
}, 30_000);

describe('segments CRUD', () => {
  it('keeps personal segments to their owner and site segments to admins', async () => {
    const mine = await ok<Segment>(create(viewer.token, { name: 'From Google', filters: [['is', 'visit:source', ['Google']]] }), 201);
    expect(mine).toMatchObject({ name: 'From Google', scope: 'personal', filters: [['is', 'visit:source', ['Google']]], owned_by_you: true });
    expect(Number.isSafeInteger(mine.id) && mine.id > 0).toBe(true);
    expect((await list(viewer.token)).map((s) => s.id)).toContain(mine.id);
    expect((await list(viewer2.token)).map((s) => s.id)).not.toContain(mine.id);
    // another viewer cannot see, change or delete it
    expect((await call(`${segments(viewer2.token)}/${mine.id}`, { method: 'PATCH', token: viewer2.token, body: { name: 'x' } })).status).toBe(404);
    expect((await call(`${segments(viewer2.token)}/${mine.id}`, { method: 'DELETE', token: viewer2.token })).status).toBe(404);

    const denied = await create(viewer.token, { name: 'Blog', scope: 'site', filters: [['contains', 'event:page', ['/blog']]] });
    expect(denied.status).toBe(403);
    const shared = await ok<Segment>(create(admin.token, { name: 'Blog', scope: 'site', filters: [['contains', 'event:page', ['/blog']]] }), 201);
    expect((await list(viewer2.token)).find((s) => s.id === shared.id)).toMatchObject({ name: 'Blog', scope: 'site', owned_by_you: false });
    // a viewer may not change a site segment, nor turn theirs into one
    expect((await call(`${segments(viewer.token)}/${shared.id}`, { method: 'PATCH', token: viewer.token, body: { name: 'x' } })).status).toBe(403);
    expect((await call(`${segments(viewer.token)}/${mine.id}`, { method: 'PATCH', token: viewer.token, body: { scope: 'site' } })).status).toBe(403);

    const renamed = await ok<Segment>(call(`${segments(viewer.token)}/${mine.id}`, { method: 'PATCH', token: viewer.token, body: { name: 'Google visitors' } }));
    expect(renamed).toMatchObject({ id: mine.id, name: 'Google visitors', filters: [['is', 'visit:source', ['Google']]] });
    expect((await call(`${segments(admin.token)}/${shared.id}`, { method: 'DELETE', token: admin.token })).status).toBe(204);
    expect((await list(viewer2.token)).map((s) => s.id)).not.toContain(shared.id);
    expect((await call(`${segments(admin.token)}/${shared.id}`, { method: 'DELETE', token: admin.token })).status).toBe(404);
  });

  it('refuses invalid filters with a 400 naming the problem', async () => {
    const bad = async (body: unknown) => {
      const res = await create(viewer.token, body);
      expect(res.status).toBe(400);
      return ((await res.json()) as { error: string }).error;
    };
    expect(await bad({ name: 'x', filters: [['is', 'visit:nope', ['a']]] })).toBe('filters: #/filters/0: Invalid filter dimension "visit:nope"');
    expect(await bad({ name: 'x', filters: [] })).toBe('filters: a segment needs at least one filter');
    expect(await bad({ name: 'x', filters: [['is', 'segment', [1]]] })).toBe('filters: a segment cannot contain a segment filter');
    expect(await bad({ name: '', filters: [['is', 'event:page', ['/']]] })).toBe('name: must not be empty');
    expect(await bad({ name: 'x', scope: 'team', filters: [['is', 'event:page', ['/']]] })).toBe('scope: must be site or personal');
  });

  it('needs a credential for the site', async () => {
    expect((await call(segments('', site))).status).toBe(401);
    const otherViewer = await makeUserSession(other, 'viewer');
    expect((await call(segments(otherViewer.token, site), { token: otherViewer.token })).status).toBe(403);
  });
});

describe('["is", "segment", [id]] in queries', () => {
  let google: number;
  let twitter: number;
  let pages: number;

  beforeAll(async () => {
    google = (await ok<Segment>(create(admin.token, { name: 'Google', scope: 'site', filters: [['is', 'visit:source', ['Google']]] }), 201)).id;
    twitter = (await ok<Segment>(create(admin.token, { name: 'Twitter', scope: 'site', filters: [['is', 'visit:source', ['Twitter']]] }), 201)).id;
    pages = (await ok<Segment>(create(viewer.token, { name: 'Pricing or blog', filters: [['is', 'event:page', ['/pricing', '/blog']]] }), 201)).id;
  });

  it('stands for the segment\'s filters', async () => {
    expect(await totals([])).toEqual([3, 4]);
    expect(await totals([['is', 'segment', [google]]])).toEqual([1, 2]);
    expect(await totals([['is', 'segment', [google]]])).toEqual(await totals([['is', 'visit:source', ['Google']]]));
    // several ids: any of the segments
    expect(await totals([['is', 'segment', [google, twitter]]])).toEqual([2, 3]);
    // with other filters, and inside logic: /pricing or /blog and from Google = A's /pricing view
    expect(await totals([['is', 'segment', [pages]], ['is', 'segment', [google]]])).toEqual([1, 1]);
    expect(await totals([['not', ['is', 'segment', [google]]]])).toEqual([2, 2]);
  });

  it("answers Plausible's 400 for unknown ids, another site's ids and too many", async () => {
    const unknown = "Invalid filters. Some segments don't exist or aren't accessible.";
    expect(await queryError([['is', 'segment', [123]]])).toBe(unknown);
    // a segment of this site never applies to another one, whoever asks
    expect(await queryError([['is', 'segment', [google]]], other)).toBe(unknown);
    expect(await queryError([['is', 'segment', Array.from({ length: 11 }, (_, i) => i + 1)]])).toBe('#/filters: Invalid filters. You can only use up to 10 segment filters in a query.');
    expect(await queryError([['is', 'segment', ['abc']]])).toBe('#/filters/0/2/0: Invalid filter: segment ids are positive integers');
    expect(await queryError([['contains', 'segment', [google]]])).toBe('#/filters/0: Invalid filter: segments can only be filtered with `is`');
  });

  it('leaves malformed logic around a segment malformed (found by the query fuzzer)', async () => {
    expect(await queryError([['or', [['is', 'segment', [google]], ['not']], [['is', 'segment', [google]]]]])).toContain('#/filters/0: Invalid filter');
    expect(await queryError([['or', [['is', 'segment', [google]], ['not']]]])).toContain('#/filters/0/1/1: Invalid filter');
  });

  it('echoes the query as asked', async () => {
    const res = await ok<{ query: { filters: unknown[] } }>(query([['is', 'segment', [google]]]));
    expect(res.query.filters).toEqual([['is', 'segment', [google]]]);
  });
});
