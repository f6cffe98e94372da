/**
 * Digests in workerd: periods, content equal to the Stats API for the same range (and to hand
 * counts), the channels (webhook JSON, Slack text, email through send_email), the signed-out
 * unsubscribe link, and the hourly cron sending each period once even when runs overlap.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { adminToken, call, makeSite, ok } from '../../../test/helpers/api';
import { Fixture } from '../../../test/helpers/query-fixtures';
import { siteDb } from '../../lib/site-db';
import { addDays } from '../../lib/timezone';
import { isDue, lastPeriod } from './periods';
import { runDigests } from './send';
import { digestHtml, textSparkline } from './render';
import type { DigestContent } from './content';

let boxes = 0;
const newBox = (label: string) => `${label}-${Date.now().toString(36)}-${boxes++}`;
const boxUrl = (box: string) => `${env.TEST_WEBHOOK_RECEIVER}/box/${box}`;
async function received(box: string, atLeast: number, timeoutMs = 10_000): Promise<{ body: string }[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await (await fetch(boxUrl(box))).json<{ body: string }[]>();
    if (got.length >= atLeast || Date.now() > deadline) return got;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * The week [from, from + 6]: visitors 1–3 on its Monday (each /, then /pricing; visitor 1 from
 * Google and signs up), visitor 4 on its Wednesday (/ only, a bounce); the week before: visitors 5
 * and 6 (/ only).
 */
async function siteWithWeek(from: string): Promise<string> {
  const site = await makeSite();
  await ok(call(`/api/v1/sites/${site}/goals`, { token: adminToken(), body: { event_name: 'Signup' } }), 201);
  const f = new Fixture(site);
  const at = (day: string, h: number) => `${day}T${String(h).padStart(2, '0')}:00:00Z`;
  f.visit({ visitor: 1, at: at(from, 9), source: 'Google', channel: 'Organic Search', referrer: 'https://google.com/' }, [{ path: '/' }, { path: '/pricing', after: 30 }, { name: 'Signup', path: '/pricing', after: 10 }]);
  f.visit({ visitor: 2, at: at(from, 10) }, [{ path: '/' }, { path: '/pricing', after: 60 }]);
  f.visit({ visitor: 3, at: at(from, 11) }, [{ path: '/' }, { path: '/pricing', after: 90 }]);
  f.visit({ visitor: 4, at: at(addDays(from, 2), 12) }, [{ path: '/' }]);
  f.visit({ visitor: 5, at: at(addDays(from, -7), 9) }, [{ path: '/' }]);
  f.visit({ visitor: 6, at: at(addDays(from, -5), 9) }, [{ path: '/' }]);
  await f.write(await siteDb(env, site));
  return site;
}

const query = (body: Record<string, unknown>) => ok<{ results: { metrics: number[]; dimensions: string[]; comparison?: { change: number[] } }[] }>(call('/api/v2/query', { token: adminToken(), body }));

describe('digest periods', () => {
  it('the last complete Monday–Sunday week and month in the site zone, due from 07:00 local on the day after', () => {
    const wed = Date.parse('2026-12-02T10:00:00Z');
    expect(lastPeriod('weekly', wed, 'UTC')).toEqual({ label: '2026-11-23', from: '2026-11-23', to: '2026-11-29' });
    expect(lastPeriod('monthly', wed, 'UTC')).toEqual({ label: '2026-11', from: '2026-11-01', to: '2026-11-30' });
    // Monday 00:30 in Tokyo is still Sunday in UTC: Tokyo's last week already ended
    expect(lastPeriod('weekly', Date.parse('2026-11-29T15:30:00Z'), 'Asia/Tokyo').from).toBe('2026-11-23');
    expect(lastPeriod('monthly', Date.parse('2026-01-15T00:00:00Z'), 'UTC')).toEqual({ label: '2025-12', from: '2025-12-01', to: '2025-12-31' });
    const week = lastPeriod('weekly', Date.parse('2026-11-30T08:00:00Z'), 'UTC');
    expect(isDue(week, Date.parse('2026-11-30T06:59:00Z'), 'UTC')).toBe(false);
    expect(isDue(week, Date.parse('2026-11-30T07:00:00Z'), 'UTC')).toBe(true);
    // 07:00 in New York is 12:00 UTC
    expect(isDue(week, Date.parse('2026-11-30T11:59:00Z'), 'America/New_York')).toBe(false);
    expect(isDue(week, Date.parse('2026-11-30T12:00:00Z'), 'America/New_York')).toBe(true);
  });

  it('text and SVG sparklines', () => {
    expect(textSparkline([0, 1, 2, 3, 4, 5, 6, 7])).toBe('▁▂▃▄▅▆▇█');
    expect(textSparkline([0, 0, 0])).toBe('▁▁▁');
    const html = digestHtml({ site: 'a.example', period: { from: '2026-11-23', to: '2026-11-29' }, stats: { visitors: { value: 1, change: null }, visits: { value: 1, change: null }, pageviews: { value: 1, change: null }, bounce_rate: { value: 0, change: null }, visit_duration: { value: 0, change: null } }, top: { sources: [{ name: '<script>', visitors: 1 }], pages: [], goals: [] }, daily: [{ date: '2026-11-23', visitors: 0 }, { date: '2026-11-24', visitors: 4 }], funnels: [] } satisfies DigestContent, 'https://pulse.example/', null);
    expect(html).toContain('points="0.0,46.0 240.0,2.0"');
    expect(html).toContain('&#60;script&#62;');
    expect(html).not.toContain('<script>');
  });
});

describe('digests', () => {
  it('POST send: the webhook body holds the Stats API numbers of the last complete week, and hand counts', async () => {
    const period = lastPeriod('weekly', Date.now(), 'UTC');
    const site = await siteWithWeek(period.from);
    const box = newBox('digest');
    const report = await ok<{ id: string }>(call(`/api/v1/sites/${site}/reports`, { token: adminToken(), body: { interval: 'weekly', channels: [{ type: 'webhook', url: boxUrl(box) }] } }), 201);
    expect(await ok(call(`/api/v1/sites/${site}/reports/${report.id}/send`, { token: adminToken(), method: 'POST' }), 202)).toEqual({ sent: true, period: { from: period.from, to: period.to } });
    const body = JSON.parse((await received(box, 1))[0]!.body);

    // by hand: 4 visitors (2 the week before: +100 %), 4 visits, 7 pageviews, 1 bounce of 4 = 25 %,
    // durations 40 + 60 + 90 + 0 s over 4 visits = 47.5 -> 48 s
    expect(body).toMatchObject({
      type: 'report', site, period: { from: period.from, to: period.to },
      stats: { visitors: { value: 4, change: 100 }, visits: { value: 4 }, pageviews: { value: 7 }, bounce_rate: { value: 25 }, visit_duration: { value: 48 } },
      top: { sources: [{ name: 'Direct / None', visitors: 3 }, { name: 'Google', visitors: 1 }], pages: [{ name: '/', visitors: 4 }, { name: '/pricing', visitors: 3 }], goals: [{ name: 'Signup', visitors: 1, events: 1 }] },
    });
    expect(body.daily).toHaveLength(7);
    expect(body.daily.map((d: { visitors: number }) => d.visitors)).toEqual([3, 0, 1, 0, 0, 0, 0]);

    // and exactly what the Stats API answers for the same range
    const range = [period.from, period.to];
    const totals = await query({ site_id: site, metrics: ['visitors', 'visits', 'pageviews', 'bounce_rate', 'visit_duration'], date_range: range, include: { comparisons: { mode: 'previous_period' } } });
    expect(Object.values(body.stats).map((s) => (s as { value: number }).value)).toEqual(totals.results[0]!.metrics);
    expect(Object.values(body.stats).map((s) => (s as { change: number | null }).change)).toEqual(totals.results[0]!.comparison!.change);
    const sources = await query({ site_id: site, metrics: ['visitors'], dimensions: ['visit:source'], date_range: range, order_by: [['visitors', 'desc']] });
    expect(body.top.sources.map((s: { name: string; visitors: number }) => [s.name, s.visitors])).toEqual(sources.results.map((r) => [r.dimensions[0], r.metrics[0]]));
  });

  it('carries each stored funnel\'s conversion, as GET funnels/{id} answers for the same dates', async () => {
    const period = lastPeriod('weekly', Date.now(), 'UTC');
    const site = await siteWithWeek(period.from);
    const token = adminToken();
    const pricing = await ok<{ id: string }>(call(`/api/v1/sites/${site}/goals`, { token, body: { page_path: '/pricing' } }), 201);
    const { goals } = await ok<{ goals: { id: string; display_name: string }[] }>(call(`/api/v1/sites/${site}/goals`, { token }));
    const signup = goals.find((g) => g.display_name === 'Signup')!;
    const funnel = await ok<{ id: string }>(call(`/api/v1/sites/${site}/funnels`, { token, body: { name: 'Pricing to signup', steps: [pricing.id, signup.id] } }), 201);
    const box = newBox('digest-funnel');
    const slack = newBox('digest-funnel-slack');
    const report = await ok<{ id: string }>(call(`/api/v1/sites/${site}/reports`, { token, body: { interval: 'weekly', channels: [{ type: 'webhook', url: boxUrl(box) }, { type: 'slack', url: boxUrl(slack) }] } }), 201);
    await ok(call(`/api/v1/sites/${site}/reports/${report.id}/send`, { token, method: 'POST' }), 202);
    const body = JSON.parse((await received(box, 1))[0]!.body);
    // by hand: visitors 1–3 reach /pricing (visitor 4 only saw /); visitor 1 then signs up: 1 of 3 = 33.3 %
    expect(body.funnels).toEqual([{
      id: funnel.id, name: 'Pricing to signup', conversion_rate: 33.3,
      steps: [{ name: 'Visit /pricing', visitors: 3, conversion_rate: 100 }, { name: 'Signup', visitors: 1, conversion_rate: 33.3 }],
    }]);
    const api = await ok<{ steps: { visitors: number; conversion_rate: number }[] }>(call(`/api/v1/sites/${site}/funnels/${funnel.id}?date=${period.from},${period.to}`, { token }));
    expect(body.funnels[0].steps.map((s: { visitors: number; conversion_rate: number }) => [s.visitors, s.conversion_rate])).toEqual(api.steps.map((s) => [s.visitors, s.conversion_rate]));
    const text = JSON.parse((await received(slack, 1))[0]!.body).text as string;
    expect(text).toContain('Funnel Pricing to signup: 33.3% converted\n  1. Visit /pricing — 3 (100%)\n  2. Signup — 1 (33.3%)');
  });

  it('email with an unsubscribe link that works signed out; Slack as text', async () => {
    const period = lastPeriod('weekly', Date.now(), 'UTC');
    const site = await siteWithWeek(period.from);
    const slack = newBox('digest-slack');
    const report = await ok<{ id: string }>(call(`/api/v1/sites/${site}/reports`, { token: adminToken(), body: { interval: 'weekly', channels: [{ type: 'email', to: 'owner@example.com' }, { type: 'slack', url: boxUrl(slack) }] } }), 201);
    await ok(call(`/api/v1/sites/${site}/reports/${report.id}/send`, { token: adminToken(), method: 'POST' }), 202);
    const text = JSON.parse((await received(slack, 1))[0]!.body).text as string;
    expect(text).toContain(`*${site}: your week ${period.from} – ${period.to}*`);
    expect(text).toContain('Visitors: 4 (+100%)');
    expect(text).toMatch(/Visitors per day: [▁-█]{7}/);

    const row = await (await siteDb(env, site)).prepare('SELECT unsubscribe_secret FROM reports WHERE id = ?').bind(report.id).first<string>('unsubscribe_secret');
    const { unsubscribeUrl } = await import('./unsubscribe');
    const link = new URL(await unsubscribeUrl(env, { id: report.id, site_id: site, unsubscribe_secret: row! }, 'owner@example.com'));
    const local = `${link.pathname}${link.search}`;
    const page = await call(local);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<form method="post">');
    expect((await call(local.replace(/sig=[0-9a-f]{4}/, 'sig=0000'), { method: 'POST' })).status).toBe(400);
    const done = await call(local, { method: 'POST', body: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(done.status).toBe(200);
    const { reports } = await ok<{ reports: { channels: unknown[] }[] }>(call(`/api/v1/sites/${site}/reports`, { token: adminToken() }));
    expect(reports[0]!.channels).toEqual([{ type: 'slack', url: boxUrl(slack) }]);
  });

  it('the hourly cron sends each period once, not before 07:00 local, and overlapping runs send one', async () => {
    const monday = Date.parse('2026-11-30T06:30:00Z');
    const site = await siteWithWeek('2026-11-23');
    const box = newBox('digest-cron');
    const report = await ok<{ id: string }>(call(`/api/v1/sites/${site}/reports`, { token: adminToken(), body: { interval: 'weekly', channels: [{ type: 'webhook', url: boxUrl(box) }] } }), 201);
    await runDigests(env, monday);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await received(box, 0)).toEqual([]);
    await Promise.all([runDigests(env, monday + 3_600_000), runDigests(env, monday + 3_600_000), runDigests(env, monday + 7_200_000)]);
    const got = await received(box, 1);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await received(box, 0)).toHaveLength(1);
    expect(JSON.parse(got[0]!.body)).toMatchObject({ type: 'report', period: { from: '2026-11-23', to: '2026-11-29' }, stats: { visitors: { value: 4, change: 100 } } });
    const { reports } = await ok<{ reports: { id: string; last_sent_period: string }[] }>(call(`/api/v1/sites/${site}/reports`, { token: adminToken() }));
    expect(reports).toEqual([expect.objectContaining({ id: report.id, last_sent_period: '2026-11-23' })]);
  });

  it('PATCH changes the interval or channels, and refuses what create refuses, with messages that say why', async () => {
    const site = await makeSite();
    const token = adminToken();
    const report = await ok<{ id: string }>(call(`/api/v1/sites/${site}/reports`, { token, body: { interval: 'weekly', channels: [{ type: 'email', to: 'a@b.example' }] } }), 201);
    const patch = (body: unknown, id = report.id) => call(`/api/v1/sites/${site}/reports/${id}`, { method: 'PATCH', token, body });
    expect(await ok(patch({ interval: 'monthly' }))).toMatchObject({ id: report.id, interval: 'monthly', channels: [{ type: 'email', to: 'a@b.example' }] });
    expect(await ok(patch({ channels: [{ type: 'slack', url: 'https://hooks.slack.com/services/T/B/c' }] }))).toMatchObject({ interval: 'monthly', channels: [{ type: 'slack', url: 'https://hooks.slack.com/services/T/B/c' }] });
    const cases: [unknown, RegExp][] = [
      [{}, /give interval or channels/],
      [{ interval: 'daily' }, /^interval/],
      [{ channels: [] }, /^channels: give at least one/],
      [{ channels: [{ type: 'webhook', url: 'https://169.254.169.254/latest' }] }, /^channels\.0\.url: points to a link-local address/],
      [{ interval: 'weekly', secret: 'x' }, /secret/],
    ];
    for (const [body, message] of cases) {
      const res = await patch(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(((await res.json()) as { error: string }).error, JSON.stringify(body)).toMatch(message);
    }
    expect((await patch({ interval: 'weekly' }, 'rep_nope')).status).toBe(404);
    // nothing refused was written
    expect((await ok<{ reports: { interval: string }[] }>(call(`/api/v1/sites/${site}/reports`, { token }))).reports[0]!.interval).toBe('monthly');
  });

  it('validates the interval and channels', async () => {
    const site = await makeSite();
    for (const body of [{ interval: 'daily', channels: [{ type: 'email', to: 'a@b.example' }] }, { interval: 'weekly', channels: [] }, { interval: 'weekly', channels: [{ type: 'webhook', url: 'http://example.com/x' }] }]) {
      expect((await call(`/api/v1/sites/${site}/reports`, { token: adminToken(), body })).status, JSON.stringify(body)).toBe(400);
    }
  });
});
