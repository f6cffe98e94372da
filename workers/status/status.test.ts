import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker from '../index';
import { adminToken, call, makeKey, makeSite, makeUserSession, ok, operatorSession } from '../../test/helpers/api';
import { drainToD1 } from '../../test/helpers/drain';
import { ROLLUP_CRON } from '../cron/run-scheduled';
import { D1_LIMIT_BYTES } from './status';

const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

type SiteStatus = { site: string; outbox_pending: number; outbox_oldest_seconds: number | null; drops: Record<string, number>; events_today: number; rollup_lag_seconds: number | null };
type Status = {
  sites: SiteStatus[];
  next_offset: number | null;
  queues: Record<string, { backlog: number | null; backlog_bytes: number | null; dlq_backlog: number | null; dlq: number; measured_at: string | null; reason: string | null }>;
  cron: { name: string; last_run: string; duration_ms: number; ok: boolean; error: string | null }[];
  rollups: { lag_seconds: number | null };
  databases: { binding: string; size_bytes: number; limit_bytes: number }[];
};
const status = (query = '') => ok<Status>(call(`/api/v1/status${query}`, { token: adminToken() }));

describe('GET /api/v1/status', () => {
  it('is for the operator only', async () => {
    const site = await makeSite();
    const key = await makeKey([site], 'sites:admin');
    expect((await call('/api/v1/status')).status).toBe(401);
    expect((await call('/api/v1/status', { token: key.token })).status).toBe(403);
    expect((await call('/api/v1/status?offset=-1', { token: adminToken() })).status).toBe(400);
    expect((await call('/api/v1/status?site=no-such.example', { token: adminToken() })).status).toBe(404);
  });

  it('is for operators: the admin token and the users listed in PULSE_OPERATOR_EMAILS, whom /auth/me names', async () => {
    const site = await makeSite();
    const operator = await operatorSession(site);
    const owner = await makeUserSession(site, 'owner');
    expect(await ok(call('/api/v1/auth/me', { token: operator }))).toMatchObject({ kind: 'user', operator: true });
    expect(await ok(call('/api/v1/auth/me', { token: owner.token }))).toMatchObject({ kind: 'user', operator: false });
    // the list names people: an owner of the site is not an operator, nor is a sites:admin key
    const refused = await call(`/api/v1/status?site=${site}`, { token: owner.token });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: string }).error).toBe('the status is for operators: the admin token, or a signed-in user listed in PULSE_OPERATOR_EMAILS');
    expect((await call('/api/v1/status/alerts', { token: owner.token })).status).toBe(403);
    const byOperator = await ok<Status>(call(`/api/v1/status?site=${site}`, { token: operator }));
    const byAdmin = await status(`?site=${site}`);
    expect(byOperator.sites).toEqual(byAdmin.sites);
    expect(byOperator.databases.map((d) => d.binding)).toEqual(byAdmin.databases.map((d) => d.binding));
    // and its alert rules, every verb
    const rule = await ok<{ id: string }>(call('/api/v1/status/alerts', { token: operator, body: { metric: 'cron_failures', value: 0, channels: [{ type: 'email', to: 'oncall@example.com' }] } }), 201);
    expect((await ok<{ alerts: { id: string }[] }>(call('/api/v1/status/alerts', { token: operator }))).alerts.map((a) => a.id)).toContain(rule.id);
    expect((await call(`/api/v1/status/alerts/${rule.id}`, { method: 'DELETE', token: operator })).status).toBe(204);
  });

  it('shows the outbox backlog and its age, then the events of today and the drops once they reach D1', async () => {
    const site = await makeSite();
    const key = await makeKey([site], 'events:write');
    const event = (path: string, ua = UA) => ({ name: 'pageview', url: `https://${site}${path}`, domain: site, ip: '203.0.113.20', ua });
    expect((await call('/api/event', { token: key.token, body: [event('/a'), event('/b'), event('/c'), event('/bot', 'Googlebot/2.1 (+http://www.google.com/bot.html)')] })).status).toBe(202);
    const waiting = (await status(`?site=${site}`)).sites;
    expect(waiting).toEqual([expect.objectContaining({ site, outbox_pending: expect.any(Number), events_today: 0 })]);
    // three events, and the drop count of the bot, wait for the Queue
    expect(waiting[0]!.outbox_pending).toBeGreaterThanOrEqual(3);
    expect(waiting[0]!.outbox_oldest_seconds).toBeGreaterThanOrEqual(0);
    expect(await drainToD1(site, site, 3)).toBe(3);
    const deadline = Date.now() + 10_000;
    let after = (await status(`?site=${site}`)).sites[0]!;
    while ((after.outbox_pending > 0 || !after.drops.bot) && Date.now() < deadline) after = (await status(`?site=${site}`)).sites[0]!;
    expect(after).toMatchObject({ outbox_pending: 0, outbox_oldest_seconds: null, events_today: 3, drops: { bot: 1 } });
  });

  it('lists the last cron runs with durations, dead letters per queue and each database against 10 GB', async () => {
    const before = await status('?site=' + (await makeSite()));
    await env.DB.prepare("INSERT INTO dead_letters (id, queue, site_id, attempts, body, received_at) VALUES (?, 'pulse-webhooks-dlq', NULL, 7, '{}', 0)").bind(`status-${crypto.randomUUID()}`).run();
    const controller = createScheduledController({ scheduledTime: Date.now(), cron: ROLLUP_CRON });
    const ctx = createExecutionContext();
    await worker.scheduled(controller, env, ctx);
    await waitOnExecutionContext(ctx);
    const now = await status();
    expect(now.queues.webhooks!.dlq).toBe(before.queues.webhooks!.dlq + 1);
    // the test env sets no CF_ACCOUNT_ID: the depth is null and says why (queue-depth.test.ts reads it)
    expect(now.queues.events).toEqual({ backlog: null, backlog_bytes: null, dlq_backlog: null, dlq: expect.any(Number), measured_at: null, reason: 'set CF_ACCOUNT_ID and CF_API_TOKEN' });
    const names = now.cron.map((c) => c.name);
    for (const name of ['alerts-5m', 'erasures', 'rollups']) expect(names).toContain(name);
    for (const run of now.cron.filter((c) => ['alerts-5m', 'erasures', 'rollups'].includes(c.name))) {
      expect(run).toMatchObject({ ok: true, error: null, duration_ms: expect.any(Number) });
      expect(Date.parse(run.last_run)).toBeGreaterThanOrEqual(Date.parse(before.cron.find((c) => c.name === run.name)?.last_run ?? '1970-01-01T00:00:00Z'));
    }
    expect(now.databases.map((d) => d.binding)).toEqual(['DB', 'DB_2', 'DB_3']);
    for (const d of now.databases) expect(d).toEqual({ binding: d.binding, size_bytes: expect.any(Number), limit_bytes: D1_LIMIT_BYTES });
    expect(now.databases[0]!.size_bytes).toBeGreaterThan(0);
    expect(now.sites.length).toBeLessThanOrEqual(100);
  });
});
