/**
 * Operations alert rules in workerd: the operator's API, and the 5-minute checks over the real
 * cron_runs rows and the real SiteDO outbox, sent signed to the local receiver.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { adminToken, call, makeKey, makeSite, ok } from '../../../test/helpers/api';
import { drainToD1 } from '../../../test/helpers/drain';
import { boxUrl, newBox, received, verifiesSignature } from '../../../test/helpers/receiver-box';
import { runOpsAlerts } from './check';
import { databaseUsedPercent } from './measure';

const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const MIN = 60_000;
type Firing = { state: string; period: string; observed: number };
const firings = async (id: string) => (await ok<{ firings: Firing[] }>(call(`/api/v1/status/alerts/${id}/firings`, { token: adminToken() }))).firings;
const create = (body: Record<string, unknown>) => call('/api/v1/status/alerts', { token: adminToken(), body });

describe('operations alerts: the API', () => {
  it('is for the operator only, validates rules with a 400 that says why, and updates and deletes them', async () => {
    const site = await makeSite();
    const key = await makeKey([site], 'sites:admin');
    const email = [{ type: 'email', to: 'oncall@example.com' }];
    expect((await call('/api/v1/status/alerts')).status).toBe(401);
    expect((await call('/api/v1/status/alerts', { token: key.token })).status).toBe(403);
    expect((await call('/api/v1/status/alerts', { token: key.token, body: { metric: 'cron_failures', value: 0, channels: email } })).status).toBe(403);
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ metric: 'queue_depth', value: 1, channels: email }, /^metric: must be one of outbox_oldest_seconds, database_used_percent, cron_failures/],
      [{ metric: 'cron_failures', channels: email }, /^value/],
      [{ metric: 'database_used_percent', value: 120, channels: email }, /^value: a percentage of the limit, at most 100/],
      [{ metric: 'database_used_percent', scope: 'DB_9', value: 80, channels: email }, /^scope: no database bound as DB_9; the data bindings are DB, DB_2, DB_3/],
      [{ metric: 'outbox_oldest_seconds', scope: 'no-such.example', value: 600, channels: email }, /^scope: no site no-such\.example/],
      [{ metric: 'cron_failures', value: 0, channels: [{ type: 'webhook', url: 'https://192.168.1.2/x' }] }, /^channels\.0\.url: points to a private/],
    ];
    for (const [body, message] of cases) {
      const res = await create(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(((await res.json()) as { error: string }).error, JSON.stringify(body)).toMatch(message);
    }
    const rule = await ok<Record<string, unknown>>(create({ metric: 'database_used_percent', scope: 'DB_2', value: 80, channels: email }), 201);
    expect(rule).toMatchObject({ id: expect.stringMatching(/^opa_/), metric: 'database_used_percent', scope: 'DB_2', op: 'above', value: 80, cooldown_minutes: 60, firing: false, secret: expect.stringMatching(/^whsec_/) });
    const changed = await ok<Record<string, unknown>>(call(`/api/v1/status/alerts/${rule.id}`, { method: 'PATCH', token: adminToken(), body: { value: 90, scope: null } }));
    expect(changed).toMatchObject({ value: 90, scope: null });
    expect(changed).not.toHaveProperty('secret');
    expect((await call(`/api/v1/status/alerts/${rule.id}`, { method: 'PATCH', token: adminToken(), body: { value: 101 } })).status).toBe(400);
    expect((await call(`/api/v1/status/alerts/${rule.id}`, { method: 'DELETE', token: adminToken() })).status).toBe(204);
    expect((await call(`/api/v1/status/alerts/${rule.id}/firings`, { token: adminToken() })).status).toBe(404);
  });
});

describe('operations alerts: the 5-minute checks', () => {
  it('a failing cron task fires once per slot (overlapping runs send one signed notice) and is back to normal when it runs fine', async () => {
    const task = `test-task-${crypto.randomUUID().slice(0, 8)}`;
    await env.DB.prepare('INSERT INTO cron_runs (name, last_run, duration_ms, ok, error) VALUES (?, ?, 12, 0, ?)').bind(task, Date.now(), 'D1_ERROR: boom').run();
    const box = newBox('ops-cron');
    const rule = await ok<{ id: string; secret: string }>(create({ metric: 'cron_failures', scope: task, value: 0, channels: [{ type: 'webhook', url: boxUrl(box) }] }), 201);
    const t = Date.parse('2026-12-01T10:02:00Z');
    await Promise.all([runOpsAlerts(env, t), runOpsAlerts(env, t)]);
    await runOpsAlerts(env, t + MIN); // the same slot, 10:00–10:04
    expect((await firings(rule.id)).map((f) => [f.state, f.period, f.observed])).toEqual([['firing', '2026-12-01T10:00', 1]]);
    const [notice] = await received(box, 1);
    expect(await verifiesSignature(notice!.headers['pulse-signature']!, notice!.body, rule.secret)).toBe(true);
    expect(JSON.parse(notice!.body)).toMatchObject({ type: 'ops_alert', state: 'firing', observed: 1, alert: { id: rule.id, metric: 'cron_failures', scope: task }, message: `Pulse operations: cron task ${task} failed its last run, above 0.` });
    await env.DB.prepare('UPDATE cron_runs SET ok = 1, error = NULL WHERE name = ?').bind(task).run();
    await runOpsAlerts(env, t + 5 * MIN);
    expect((await firings(rule.id)).map((f) => [f.state, f.period, f.observed])).toEqual([['resolved', '2026-12-01T10:05', 0], ['firing', '2026-12-01T10:00', 1]]);
    expect(JSON.parse((await received(box, 2))[1]!.body)).toMatchObject({ state: 'resolved', message: `Pulse operations back to normal: cron task ${task} ran fine.` });
  });

  it('a stalled outbox fires when its oldest event has waited longer than the rule allows, and resolves once it drains', async () => {
    const site = await makeSite();
    const key = await makeKey([site], 'events:write');
    const box = newBox('ops-outbox');
    const rule = await ok<{ id: string }>(create({ metric: 'outbox_oldest_seconds', scope: site, value: 600, channels: [{ type: 'slack', url: boxUrl(box) }], cooldown_minutes: 0 }), 201);
    const before = Date.now();
    expect((await call('/api/event', { token: key.token, body: { name: 'pageview', url: `https://${site}/`, domain: site, ip: '203.0.113.9', ua: UA } })).status).toBe(202);
    const after = Date.now();
    // judged 15 minutes later with the event still in the outbox: 900 s old, give or take the POST's own time
    const later = after + 15 * MIN;
    await runOpsAlerts(env, later);
    const [fired] = await firings(rule.id);
    expect(fired!.state).toBe('firing');
    expect(fired!.observed).toBeGreaterThanOrEqual(Math.round((later - after) / 1000));
    expect(fired!.observed).toBeLessThanOrEqual(Math.round((later - before) / 1000));
    expect(JSON.parse((await received(box, 1))[0]!.body).text).toMatch(new RegExp(`^\\*Pulse: outbox_oldest_seconds above 600\\*\\nPulse operations: the oldest event waiting in the outbox of ${site.replaceAll('.', '\\.')} is \\d+ s old, above 600\\.$`));
    expect(await drainToD1(site, site, 1)).toBe(1);
    await runOpsAlerts(env, later + 5 * MIN);
    expect((await firings(rule.id)).map((f) => [f.state, f.observed])).toEqual([['resolved', 0], ['firing', fired!.observed]]);
  });

  it('a database rule compares the size the status reports with its share of 10 GB', async () => {
    const status = await ok<{ databases: { binding: string; size_bytes: number; limit_bytes: number }[] }>(call(`/api/v1/status?site=${await makeSite()}`, { token: adminToken() }));
    const db3 = status.databases.find((d) => d.binding === 'DB_3')!;
    // e.g. 1,234,567 bytes of 10,000,000,000 = 0.01234567 % → 0.0123
    expect(await databaseUsedPercent(env, 'DB_3')).toBe(Math.round((db3.size_bytes / db3.limit_bytes) * 1_000_000) / 10_000);
    const rule = await ok<{ id: string }>(create({ metric: 'database_used_percent', scope: 'DB_3', value: 0, channels: [{ type: 'webhook', url: boxUrl(newBox('ops-db')) }] }), 201);
    await runOpsAlerts(env, Date.parse('2026-12-01T11:00:00Z'));
    const [fired] = await firings(rule.id);
    // any database with its schema is above 0 % of its limit, far below 1 %
    expect(fired).toMatchObject({ state: 'firing', period: '2026-12-01T11:00' });
    expect(fired!.observed).toBeGreaterThan(0);
    expect(fired!.observed).toBeLessThan(1);
  });
});
