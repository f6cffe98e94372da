/**
 * Sending a firing to its channels, in workerd with the local receiver: the plain-webhook channel
 * is signed with the alert's secret (shown once, at creation), Slack gets the unsigned message it
 * expects, and every attempt at every channel (email too) is logged with its outcome beside the
 * firing in `GET alerts/{id}/firings`, retries and the DLQ's last word included.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { adminToken, call, makeSite, ok } from '../../../test/helpers/api';
import { Fixture } from '../../../test/helpers/query-fixtures';
import { boxUrl, newBox, received, verifiesSignature } from '../../../test/helpers/receiver-box';
import { siteDb } from '../../lib/site-db';
import { runAlerts } from './check';

// Monday 30 Nov 2026, 13:17 UTC: the hourly cron judges 12:00–12:59
const NOW = Date.parse('2026-11-30T13:17:00Z');
const NOON = Date.parse('2026-11-30T12:00:00Z');

type Send = { channel: number; type: string; target: string; attempt: number; outcome: string; http_status: number | null; error: string | null; at: string };
type Firing = { id: string; state: string; sends: Send[] };
const path = (site: string, rest = '') => `/api/v1/sites/${site}/alerts${rest}`;

/** A site with 6 visits of 2 pageviews each at noon: 12 pageviews in the hour. */
async function busyNoon(): Promise<string> {
  const site = await makeSite();
  const f = new Fixture(site);
  for (let v = 1; v <= 6; v++) f.visit({ visitor: v, at: new Date(NOON + v * 60_000).toISOString() }, [{ path: '/' }, { path: '/pricing', after: 5 }]);
  await f.write(await siteDb(env, site));
  return site;
}

/** The firings once `done` holds for them (the Queue delivers in the background). */
async function firingsWhen(site: string, id: string, done: (f: Firing[]) => boolean, timeoutMs = 20_000): Promise<Firing[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = (await ok<{ firings: Firing[] }>(call(path(site, `/${id}/firings`), { token: adminToken() }))).firings;
    if (done(got) || Date.now() > deadline) return got;
    await new Promise((r) => setTimeout(r, 200));
  }
}

const byChannel = (sends: Send[]) => [...sends].sort((a, b) => a.channel - b.channel || a.attempt - b.attempt).map((s) => [s.channel, s.type, s.target, s.attempt, s.outcome, s.http_status, s.error]);

describe('alert sends', () => {
  it('signs the webhook channel with the alert secret, and logs the email, the Slack post and each webhook attempt with its outcome', async () => {
    const site = await busyNoon();
    const slackBox = newBox('send-slack');
    const slack = boxUrl(slackBox);
    const hookBox = newBox('send-hook');
    const hook = boxUrl(hookBox, '?fail_first=1');
    const channels = [{ type: 'email', to: 'ops@example.com' }, { type: 'slack', url: slack }, { type: 'webhook', url: hook }];
    const rule = await ok<{ id: string; secret: string }>(call(path(site), { token: adminToken(), body: { metric: 'pageviews', kind: 'threshold', op: 'above', value: 10, channels } }), 201);
    expect(rule.secret).toMatch(/^whsec_[A-Za-z0-9_-]{20,}$/);
    // shown once: the list and the update answer never carry it
    expect((await ok<{ alerts: Record<string, unknown>[] }>(call(path(site), { token: adminToken() }))).alerts[0]).not.toHaveProperty('secret');

    expect((await runAlerts(env, 'hourly', NOW)).failures).toEqual([]);
    const posts = await received(hookBox, 2);
    expect(posts.map((p) => p.headers['pulse-event'])).toEqual(['alert', 'alert']);
    for (const p of posts) expect(await verifiesSignature(p.headers['pulse-signature']!, p.body, rule.secret)).toBe(true);
    expect(await verifiesSignature(posts[0]!.headers['pulse-signature']!, posts[0]!.body, 'whsec_someone-else')).toBe(false);
    const slackPosts = await received(slackBox, 1);
    expect(slackPosts[0]!.headers).not.toHaveProperty('pulse-signature');

    const [firing] = await firingsWhen(site, rule.id, (f) => f[0]?.sends.filter((s) => s.outcome === 'ok').length === 3);
    expect(firing!.state).toBe('firing');
    expect(byChannel(firing!.sends)).toEqual([
      [0, 'email', 'ops@example.com', 1, 'ok', null, null],
      [1, 'slack', slack, 1, 'ok', 200, null],
      [2, 'webhook', hook, 1, 'error', 500, 'HTTP 500'],
      [2, 'webhook', hook, 2, 'ok', 200, null],
    ]);
  });

  it('a channel that never answers 2xx ends with the DLQ\'s dead row after the last retry', async () => {
    const site = await busyNoon();
    const down = boxUrl(newBox('send-down'), '?status=503');
    const rule = await ok<{ id: string }>(call(path(site), { token: adminToken(), body: { metric: 'pageviews', kind: 'threshold', op: 'above', value: 10, channels: [{ type: 'webhook', url: down }] } }), 201);
    await runAlerts(env, 'hourly', NOW);
    // wrangler.toml: max_retries = 6 for the webhooks Queue, so 7 attempts, then the DLQ
    const [firing] = await firingsWhen(site, rule.id, (f) => !!f[0]?.sends.some((s) => s.outcome === 'dead'), 45_000);
    expect(byChannel(firing!.sends)).toEqual([
      ...[1, 2, 3, 4, 5, 6, 7].map((n) => [0, 'webhook', down, n, 'error', 503, 'HTTP 503']),
      [0, 'webhook', down, 7, 'dead', null, 'gave up after the last retry'],
    ]);
  });
});

