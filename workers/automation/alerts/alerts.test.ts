/**
 * Alert rules in workerd: the API, and the cron's checks over real D1 rows (written by the
 * consumer's own statements through test/helpers/query-fixtures.ts) and the real SiteDO, with
 * notices delivered through the webhooks Queue to the local receiver.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { adminToken, call, makeKey, makeSite, ok } from '../../../test/helpers/api';
import { Fixture } from '../../../test/helpers/query-fixtures';
import { drainToD1 } from '../../../test/helpers/drain';
import { siteDb } from '../../lib/site-db';
import { runAlerts } from './check';
import { composeEmail } from '../channels';
import { boxUrl, newBox, received } from '../../../test/helpers/receiver-box';

const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
// Monday 30 Nov 2026, 13:17 UTC: the hourly cron judges 12:00–12:59
const NOW = Date.parse('2026-11-30T13:17:00Z');
const HOUR = 3_600_000;
const WEEK = 7 * 24 * HOUR;

type Firing = { state: string; period: string; observed: number; expected: number | null; score: number | null };
const path = (site: string, rest = '') => `/api/v1/sites/${site}/alerts${rest}`;

/** A site (created long ago unless told: earlier weeks count as history) with that many visitors in the given hours. */
async function siteWithTraffic(hours: [at: number, visitors: number][], createdAt = Date.parse('2026-01-01T00:00:00Z')): Promise<string> {
  const site = await makeSite();
  await env.DB.prepare('UPDATE sites SET created_at = ? WHERE id = ?').bind(createdAt, site).run();
  const f = new Fixture(site);
  let visitor = 1;
  for (const [at, visitors] of hours) {
    for (let i = 0; i < visitors; i++) f.visit({ visitor: visitor++, at: new Date(at + i * 10_000).toISOString() }, [{ path: '/' }, { path: '/pricing', after: 5 }]);
  }
  await f.write(await siteDb(env, site));
  return site;
}

const firings = async (site: string, id: string) => (await ok<{ firings: Firing[] }>(call(path(site, `/${id}/firings`), { token: adminToken() }))).firings;

describe('alerts: resources', () => {
  it('creates, lists, updates and deletes rules; defaults the window and cool-down', async () => {
    const site = await makeSite();
    const token = adminToken();
    const a = await ok<Record<string, unknown>>(call(path(site), { token, body: { metric: 'pageviews', kind: 'threshold', op: 'above', value: 100, channels: [{ type: 'email', to: 'Ops@Example.com' }] } }), 201);
    expect(a).toMatchObject({ id: expect.stringMatching(/^alr_/), metric: 'pageviews', kind: 'threshold', op: 'above', value: 100, window: '1h', cooldown_minutes: 60, firing: false, channels: [{ type: 'email', to: 'ops@example.com' }] });
    const b = await ok<Record<string, unknown>>(call(path(site), { token, body: { metric: 'goal:Signup', kind: 'anomaly', channels: [{ type: 'slack', url: 'https://hooks.slack.com/services/T/B/x' }] } }), 201);
    expect(b).toMatchObject({ kind: 'anomaly', op: null, window: '1h' });
    expect(b).not.toHaveProperty('value');
    const c = await ok<Record<string, unknown>>(call(path(site), { token, body: { metric: 'current_visitors', kind: 'threshold', op: 'above', value: 50, channels: [{ type: 'webhook', url: 'https://hooks.example.com/a' }], cooldown_minutes: 15 } }), 201);
    expect(c).toMatchObject({ window: '5m', cooldown_minutes: 15 });
    expect((await ok<{ alerts: unknown[] }>(call(path(site), { token }))).alerts).toHaveLength(3);
    const changed = await ok<Record<string, unknown>>(call(path(site, `/${a.id}`), { method: 'PATCH', token, body: { value: 250, op: 'below' } }));
    expect(changed).toMatchObject({ value: 250, op: 'below' });
    expect((await call(path(site, `/${b.id}`), { method: 'DELETE', token })).status).toBe(204);
    expect((await call(path(site, `/${b.id}/firings`), { token })).status).toBe(404);
  });

  it('refuses rules that cannot work, with a 400 that says why', async () => {
    const site = await makeSite();
    const token = adminToken();
    const email = [{ type: 'email', to: 'a@b.example' }];
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ metric: 'vital:FID', kind: 'threshold', channels: email }, /^metric: a vital must be one of vital:LCP, vital:INP, vital:CLS, vital:FCP, vital:TTFB/],
      [{ metric: 'vital:LCP', kind: 'anomaly', channels: email }, /^kind: vital:LCP takes a threshold/],
      [{ metric: 'vital:LCP', kind: 'threshold', window: '5m', channels: email }, /^window: 5m is for current_visitors/],
      [{ metric: 'bounce_rate', kind: 'threshold', op: 'above', value: 5, channels: email }, /^metric: must be visitors/],
      [{ metric: 'visitors', kind: 'threshold', value: 5, channels: email }, /^op: a threshold needs op/],
      [{ metric: 'visitors', kind: 'threshold', op: 'above', channels: email }, /^value: a threshold needs a value/],
      [{ metric: 'visitors', kind: 'anomaly', value: 5, channels: email }, /^value: an anomaly learns/],
      [{ metric: 'visitors', kind: 'anomaly', window: '1d', channels: email }, /^window: anomalies are judged per hour/],
      [{ metric: 'current_visitors', kind: 'anomaly', channels: email }, /^metric: anomalies are learned/],
      [{ metric: 'current_visitors', kind: 'threshold', op: 'above', value: 5, window: '1h', channels: email }, /^window: current_visitors/],
      [{ metric: 'visitors', kind: 'threshold', op: 'above', value: 5, window: '5m', channels: email }, /^window: 5m is for current_visitors/],
      [{ metric: 'visitors', kind: 'threshold', op: 'above', value: 5, channels: [] }, /^channels: give at least one/],
      [{ metric: 'visitors', kind: 'threshold', op: 'above', value: 5, channels: [{ type: 'sms', to: '+1' }] }, /^channels\.0/],
      [{ metric: 'visitors', kind: 'threshold', op: 'above', value: 5, channels: [{ type: 'email', to: 'nope' }] }, /^channels\.0\.to/],
      [{ metric: 'visitors', kind: 'threshold', op: 'above', value: 5, channels: [{ type: 'slack', url: 'https://10.0.0.1/hook' }] }, /^channels\.0\.url: points to a private/],
      [{ metric: 'visitors', kind: 'threshold', op: 'above', value: 5, channels: email, cooldown_minutes: 99_999 }, /^cooldown_minutes/],
    ];
    for (const [body, message] of cases) {
      const res = await call(path(site), { token, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(((await res.json()) as { error: string }).error, JSON.stringify(body)).toMatch(message);
    }
    // PATCH judges the rule it would make: its combination, its value and its channels
    const rule = await ok<{ id: string }>(call(path(site), { token, body: { metric: 'visitors', kind: 'threshold', op: 'above', value: 5, channels: email } }), 201);
    const vital = await ok<{ id: string }>(call(path(site), { token, body: { metric: 'vital:INP', kind: 'threshold', channels: email } }), 201);
    const patches: [string, Record<string, unknown>, RegExp][] = [
      [rule.id, { op: null }, /^op: a threshold needs op/],
      [rule.id, { value: -1 }, /^value/],
      [rule.id, { metric: 'pageviews' }, /metric/],
      [rule.id, { channels: [{ type: 'slack', url: 'http://hooks.slack.com/x' }] }, /^channels\.0\.url: must be an https:\/\/ URL/],
      [vital.id, { cooldown_minutes: 20_000 }, /^cooldown_minutes: at most a week/],
    ];
    for (const [id, body, message] of patches) {
      const res = await call(path(site, `/${id}`), { method: 'PATCH', token, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(((await res.json()) as { error: string }).error, JSON.stringify(body)).toMatch(message);
    }
    expect((await call(path(site, '/alr_nope'), { method: 'PATCH', token, body: { value: 1 } })).status).toBe(404);
    expect(await ok(call(path(site, `/${vital.id}`), { method: 'PATCH', token, body: { value: 300 } }))).toMatchObject({ metric: 'vital:INP', op: 'above', value: 300 });

    const reader = await makeKey([site], 'stats:read');
    expect((await call(path(site), { token: reader.token })).status).toBe(403);
  });
});

describe('alerts: checks by the cron', () => {
  it('a threshold fires once for the hour, overlapping runs send one notice, and the next quiet hour is back to normal', async () => {
    const lastHour = NOW - 17 * 60_000 - HOUR; // 12:00
    const site = await siteWithTraffic([[lastHour + 60_000, 6]]);
    const box = newBox('threshold');
    const rule = await ok<{ id: string }>(call(path(site), { token: adminToken(), body: { metric: 'pageviews', kind: 'threshold', op: 'above', value: 10, channels: [{ type: 'webhook', url: boxUrl(box) }] } }), 201);

    // two cron runs at once (a slow run overlapping the next): one firing stored, one notice sent
    await Promise.all([runAlerts(env, 'hourly', NOW), runAlerts(env, 'hourly', NOW)]);
    await runAlerts(env, 'hourly', NOW + 60_000);
    expect(await firings(site, rule.id)).toEqual([{ id: expect.stringMatching(/^fir_/), state: 'firing', period: '2026-11-30 12:00:00', observed: 12, expected: null, score: null, at: expect.any(String), sends: expect.any(Array) }]);
    const got = await received(box, 1);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await received(box, 0)).toHaveLength(1);
    expect(JSON.parse(got[0]!.body)).toMatchObject({
      type: 'alert', site, state: 'firing', observed: 12, period: '2026-11-30 12:00:00',
      alert: { id: rule.id, metric: 'pageviews', kind: 'threshold', op: 'above', value: 10, window: '1h' },
      message: 'Pageviews were 12 in the hour 2026-11-30 12:00:00, above the threshold of 10.',
    });
    // 13:00–13:59 had no pageviews: back to normal, once
    await Promise.all([runAlerts(env, 'hourly', NOW + HOUR), runAlerts(env, 'hourly', NOW + HOUR)]);
    expect((await firings(site, rule.id)).map((f) => [f.state, f.period, f.observed])).toEqual([['resolved', '2026-11-30 13:00:00', 0], ['firing', '2026-11-30 12:00:00', 12]]);
    expect(JSON.parse((await received(box, 2))[1]!.body)).toMatchObject({ state: 'resolved', observed: 0 });
  });

  it('the chart reads the firings of a range of days with a stats:read key: firings only, on their local day', async () => {
    const site = await siteWithTraffic([[NOW - 17 * 60_000 - HOUR + 60_000, 6]]);
    const rule = await ok<{ id: string }>(call(path(site), { token: adminToken(), body: { metric: 'pageviews', kind: 'threshold', op: 'above', value: 10, channels: [{ type: 'webhook', url: boxUrl(newBox('chart-marks')) }] } }), 201);
    await runAlerts(env, 'hourly', NOW); // 12:00 fires (12 pageviews)
    await runAlerts(env, 'hourly', NOW + HOUR); // 13:00 is back to normal: not a mark
    const reader = (await makeKey([site], 'stats:read')).token;
    const marks = (from: string, to: string) => call(path(site, `/firings?from=${from}&to=${to}`), { token: reader });
    expect((await ok<{ firings: unknown[] }>(marks('2026-11-30', '2026-11-30'))).firings).toEqual([
      { id: expect.stringMatching(/^fir_/), alert_id: rule.id, metric: 'pageviews', date: '2026-11-30', period: '2026-11-30 12:00:00', observed: 12, at: '2026-11-30T13:17:00.000Z' },
    ]);
    expect((await ok<{ firings: unknown[] }>(marks('2026-11-29', '2026-11-29'))).firings).toEqual([]);
    expect((await ok<{ firings: unknown[] }>(marks('2026-12-01', '2026-12-07'))).firings).toEqual([]);
    const bad = await marks('2026-12-01', '2026-11-30');
    expect([bad.status, ((await bad.json()) as { error: string }).error]).toEqual([400, 'from: must not be after to']);
    expect((await call(path(site, '/firings?from=2026-11-30'), { token: reader })).status).toBe(400);
  });

  it('an anomaly rule fires on a spike against the same hour of the previous weeks and sends to webhooks that select alerts', async () => {
    const hour = NOW - 17 * 60_000 - HOUR;
    // 8 earlier Mondays at 12:00 with 18–22 visitors, then 80 this Monday
    const history = [18, 22, 20, 19, 21, 20, 22, 18];
    const site = await siteWithTraffic([...history.map((n, i): [number, number] => [hour - (8 - i) * WEEK + 60_000, n]), [hour + 60_000, 80]]);
    const slackBox = newBox('slack');
    const hookBox = newBox('subscriber');
    const hook = await ok<{ id: string; secret: string }>(call(`/api/v1/sites/${site}/webhooks`, { token: adminToken(), body: { url: boxUrl(hookBox), events: ['alert'] } }), 201);
    const rule = await ok<{ id: string }>(call(path(site), { token: adminToken(), body: { metric: 'visitors', kind: 'anomaly', op: 'above', channels: [{ type: 'slack', url: boxUrl(slackBox) }] } }), 201);
    await runAlerts(env, 'hourly', NOW);
    // median of 18 18 19 20 20 21 22 22 = 20; Poisson variance 20 × (1 + π/16) + 1 = 24.93; (80 − 20) / 4.993 = 12.02
    expect(await firings(site, rule.id)).toEqual([expect.objectContaining({ state: 'firing', observed: 80, expected: 20, score: 12.02 })]);
    const slack = JSON.parse((await received(slackBox, 1))[0]!.body);
    expect(slack).toEqual({ text: `*${site}: visitors unusually high*\nVisitors are unusually high: 80 in the hour 2026-11-30 12:00:00, where 20 is normal for that hour of the week.` });
    const delivered = await received(hookBox, 1);
    expect(JSON.parse(delivered[0]!.body)).toMatchObject({ type: 'alert', site, state: 'firing', observed: 80, expected: 20, alert: { id: rule.id, kind: 'anomaly' } });
    expect(delivered[0]!.headers['pulse-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(delivered[0]!.headers['pulse-delivery']).toMatch(new RegExp(`^${hook.id}\\.fir_`));
  });

  it('an anomaly rule stays quiet on a normal hour and while history is short', async () => {
    const hour = NOW - 17 * 60_000 - HOUR;
    const normal = await siteWithTraffic([...[18, 22, 20, 19, 21].map((n, i): [number, number] => [hour - (5 - i) * WEEK + 60_000, n]), [hour + 60_000, 26]]);
    // created 10 days ago: one week of history, too little to know what is normal
    const young = await siteWithTraffic([[hour - WEEK + 60_000, 20], [hour + 60_000, 300]], NOW - 10 * 24 * HOUR);
    const ids: [string, string][] = [];
    for (const site of [normal, young]) {
      const rule = await ok<{ id: string }>(call(path(site), { token: adminToken(), body: { metric: 'visitors', kind: 'anomaly', channels: [{ type: 'webhook', url: boxUrl(newBox('quiet')) }] } }), 201);
      ids.push([site, rule.id]);
    }
    await runAlerts(env, 'hourly', NOW);
    for (const [site, id] of ids) expect(await firings(site, id)).toEqual([]);
  });

  it('an email channel sends through the send_email binding a message composed with mimetext', async () => {
    const lastHour = NOW - 17 * 60_000 - HOUR;
    const site = await siteWithTraffic([[lastHour + 60_000, 3]]);
    const rule = await ok<{ id: string }>(call(path(site), { token: adminToken(), body: { metric: 'visitors', kind: 'threshold', op: 'below', value: 5, channels: [{ type: 'email', to: 'ops@example.com' }] } }), 201);
    const report = await runAlerts(env, 'hourly', NOW);
    expect(report.failures).toEqual([]);
    expect(await firings(site, rule.id)).toEqual([expect.objectContaining({ state: 'firing', observed: 3 })]);
    const notice = { subject: `${site}: visitors below 5`, text: 'Visitors were 3 in the hour 2026-11-30 12:00:00, below the threshold of 5.', json: {} };
    const raw = composeEmail('pulse@example.com', 'ops@example.com', notice);
    expect(raw).toContain(`From: =?utf-8?B?${btoa('Pulse')}?= <pulse@example.com>`);
    expect(raw).toMatch(/^To: <?ops@example\.com>?\r?$/m);
    expect(raw).toContain(`Subject: =?utf-8?B?${btoa(notice.subject)}?=`);
    expect(raw).toMatch(/^Content-Type: text\/plain; charset=UTF-8\r?$/m);
    expect(raw).toContain(notice.text);
  });

  it('current visitors come from the SiteDO every 5 minutes', async () => {
    const site = await makeSite();
    const key = await makeKey([site], 'events:write');
    const box = newBox('current');
    const rule = await ok<{ id: string }>(call(path(site), { token: adminToken(), body: { metric: 'current_visitors', kind: 'threshold', op: 'above', value: 2, channels: [{ type: 'webhook', url: boxUrl(box) }] } }), 201);
    const events = ['203.0.113.1', '203.0.113.2', '203.0.113.3'].map((ip) => ({ name: 'pageview', url: `https://${site}/`, domain: site, ip, ua: UA }));
    expect((await call('/api/event', { token: key.token, body: events })).status).toBe(202);
    expect(await drainToD1(site, site, 3)).toBe(3);
    const now = Date.now();
    await runAlerts(env, 'hourly', now); // not this cron's rule
    expect(await firings(site, rule.id)).toEqual([]);
    await runAlerts(env, 'five-minute', now);
    expect(await firings(site, rule.id)).toEqual([expect.objectContaining({ state: 'firing', observed: 3 })]);
    expect(JSON.parse((await received(box, 1))[0]!.body)).toMatchObject({ state: 'firing', observed: 3, message: 'Current visitors were 3 now, above the threshold of 2.' });
  });
});
