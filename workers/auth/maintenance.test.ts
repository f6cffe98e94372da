import { env } from 'cloudflare:test';
import { expect, it } from 'vitest';
import { pruneAuthState } from './maintenance';

it('prunes revocations past their expiry and stale invitations, keeping live ones', async () => {
  // Long before any other test file's rows (the workers share one D1 across files): nothing else
  // is past its expiry at this `now`, so the counts below are this test's alone.
  const now = Date.UTC(2000, 0, 10);
  const day = 86_400_000;
  await env.DB.batch([
    env.DB.prepare('INSERT INTO revocations (jti, revoked_at, expires_at) VALUES (?, ?, ?)').bind('old', now - 10 * day, now - day),
    env.DB.prepare('INSERT INTO revocations (jti, revoked_at, expires_at) VALUES (?, ?, ?)').bind('live', now - day, now + day),
    env.DB.prepare("INSERT INTO invitations (id, site_id, email, role, token_hash, created_at, expires_at) VALUES ('i-old', 's', 'a@b.c', 'viewer', 'h1', ?, ?)").bind(now - 60 * day, now - 40 * day),
    env.DB.prepare("INSERT INTO invitations (id, site_id, email, role, token_hash, created_at, expires_at) VALUES ('i-new', 's', 'a@b.c', 'viewer', 'h2', ?, ?)").bind(now, now + 7 * day),
  ]);
  expect(await pruneAuthState(env.DB, now)).toEqual({ revocations: 1, invitations: 1 });
  const { results } = await env.DB.prepare("SELECT jti FROM revocations WHERE jti IN ('old', 'live')").all<{ jti: string }>();
  expect(results.map((r) => r.jti)).toEqual(['live']);
  expect(await env.DB.prepare("SELECT id FROM invitations WHERE id LIKE 'i-%'").first('id')).toBe('i-new');
});
