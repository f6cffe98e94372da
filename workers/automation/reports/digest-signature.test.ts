/**
 * A digest's plain-webhook channels are signed with the digest's own secret, shown once in the
 * create answer, by the recipe webhooks use (README "Webhooks": HMAC-SHA256 of "<t>.<raw body>").
 * Checked at the real local receiver, in workerd, through the webhooks Queue.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { adminToken, call, makeSite, ok } from '../../../test/helpers/api';
import { boxUrl, newBox, received, verifiesSignature } from '../../../test/helpers/receiver-box';
import { siteDb } from '../../lib/site-db';
import { hmacSha256Hex } from '../webhooks/signature';

describe('digest webhook channels are signed', () => {
  it('with the secret of the create answer, which no other answer repeats; Slack posts carry no signature', async () => {
    const site = await makeSite();
    const token = adminToken();
    const hook = newBox('digest-signed');
    const slack = newBox('digest-signed-slack');
    const created = await ok<{ id: string; secret: string }>(call(`/api/v1/sites/${site}/reports`, {
      token, body: { interval: 'weekly', channels: [{ type: 'webhook', url: boxUrl(hook) }, { type: 'slack', url: boxUrl(slack) }] },
    }), 201);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9_-]{20,}$/);
    const listed = await ok<{ reports: Record<string, unknown>[] }>(call(`/api/v1/sites/${site}/reports`, { token }));
    expect(listed.reports[0]).not.toHaveProperty('secret');
    const patched = await ok<Record<string, unknown>>(call(`/api/v1/sites/${site}/reports/${created.id}`, { method: 'PATCH', token, body: { interval: 'monthly' } }));
    expect(patched).not.toHaveProperty('secret');

    await ok(call(`/api/v1/sites/${site}/reports/${created.id}/send`, { token, method: 'POST' }), 202);
    const [delivery] = await received(hook, 1);
    const header = delivery!.headers['pulse-signature']!;
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(await verifiesSignature(header, delivery!.body, created.secret)).toBe(true);
    // the recipe by hand: v1 is the hex HMAC-SHA256 of "<t>.<raw body>" under the secret
    const t = /^t=(\d+)/.exec(header)![1]!;
    expect(header).toBe(`t=${t},v1=${await hmacSha256Hex(created.secret, `${t}.${delivery!.body}`)}`);
    expect(await verifiesSignature(header, delivery!.body, 'whsec_another')).toBe(false);
    expect(await verifiesSignature(header, delivery!.body.replace('"report"', '"Report"'), created.secret)).toBe(false);
    expect(delivery!.headers['pulse-event']).toBe('report');
    expect(JSON.parse(delivery!.body)).toMatchObject({ type: 'report', site });

    const [slackPost] = await received(slack, 1);
    expect(slackPost!.headers).not.toHaveProperty('pulse-signature');
  });

  it('a digest made before migration 0017 (no secret) is still sent, unsigned', async () => {
    const site = await makeSite();
    const token = adminToken();
    const hook = newBox('digest-unsigned');
    const created = await ok<{ id: string }>(call(`/api/v1/sites/${site}/reports`, { token, body: { interval: 'weekly', channels: [{ type: 'webhook', url: boxUrl(hook) }] } }), 201);
    await (await siteDb(env, site)).prepare('UPDATE reports SET secret = NULL WHERE id = ?').bind(created.id).run();
    await ok(call(`/api/v1/sites/${site}/reports/${created.id}/send`, { token, method: 'POST' }), 202);
    const [delivery] = await received(hook, 1);
    expect(JSON.parse(delivery!.body)).toMatchObject({ type: 'report', site });
    expect(delivery!.headers).not.toHaveProperty('pulse-signature');
  });
});
