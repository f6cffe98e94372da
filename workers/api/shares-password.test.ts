/**
 * Share links with a password: the link's token alone reads nothing (401 password_required), the
 * right password posted with it to /api/v1/shares/unlock returns a short-lived token that reads,
 * attempts are bounded per (link, IP), and revoking the link ends both tokens.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { adminToken, call, makeSite, ok } from '../../test/helpers/api';
import { SHARE_UNLOCK_LIMITS } from '../auth/rate-limit';
import { UNLOCK_TTL_SECONDS } from './shares-unlock';

interface Share { id: string; token: string; url: string; password: boolean }

let site: string;
const createShare = (body: unknown) => call(`/api/v1/sites/${site}/shares`, { token: adminToken(), body });
const unlock = (token: string, password: unknown, ip = '203.0.113.1') =>
  call('/api/v1/shares/unlock', { token, body: { password }, headers: { 'cf-connecting-ip': ip } });
// a fresh site has no events: the right answer to "visitors today" is 0
const readVisitors = (token: string) => call('/api/v2/query', { token, body: { site_id: site, metrics: ['visitors'], date_range: 'day' } });
const errorOf = async (res: Response) => ({ status: res.status, ...((await res.json()) as { error: string; code: string }) });

beforeAll(async () => {
  site = await makeSite();
});

describe('share link without a password', () => {
  it('reads with its token alone, and has nothing to unlock', async () => {
    const share = await ok<Share>(createShare({ name: 'open' }), 201);
    expect(share.password).toBe(false);
    const body = await ok<{ results: { metrics: number[] }[] }>(readVisitors(share.token));
    expect(body.results[0]!.metrics).toEqual([0]);
    expect(await errorOf(await unlock(share.token, 'anything'))).toMatchObject({ status: 400, code: 'no_password' });
  });
});

describe('share link with a password', () => {
  it('refuses its token alone, everywhere a share token reads', async () => {
    const share = await ok<Share>(createShare({ name: 'press', password: 'correct horse' }), 201);
    expect(share.password).toBe(true);
    expect(await errorOf(await readVisitors(share.token))).toMatchObject({ status: 401, code: 'password_required' });
    expect((await call(`/api/v1/sites/${site}/realtime?auth=${share.token}`)).status).toBe(401);
    // the listing re-signs the same locked token
    const { shares } = await ok<{ shares: Share[] }>(call(`/api/v1/sites/${site}/shares`, { token: adminToken() }));
    const listed = shares.find((s) => s.id === share.id)!;
    expect(listed.password).toBe(true);
    expect((await readVisitors(listed.token)).status).toBe(401);
  });

  it('answers a wrong password with 401 and the right one with a token that reads for 12 hours', async () => {
    const share = await ok<Share>(createShare({ password: 'correct horse' }), 201);
    expect(await errorOf(await unlock(share.token, 'Correct horse'))).toMatchObject({ status: 401, code: 'wrong_password', error: 'wrong password for this share link' });
    const before = Date.now();
    const unlocked = await ok<{ token: string; expires_at: string }>(unlock(share.token, 'correct horse'));
    const ttlMs = Date.parse(unlocked.expires_at) - before;
    expect(ttlMs).toBeGreaterThan((UNLOCK_TTL_SECONDS - 5) * 1000);
    expect(ttlMs).toBeLessThanOrEqual((UNLOCK_TTL_SECONDS + 1) * 1000);
    expect(UNLOCK_TTL_SECONDS).toBe(43_200);
    const body = await ok<{ results: { metrics: number[] }[] }>(readVisitors(unlocked.token));
    expect(body.results[0]!.metrics).toEqual([0]);
    // still a share token: it reads its own site only and manages nothing
    expect((await call(`/api/v1/sites/${site}/shares`, { token: unlocked.token })).status).toBe(403);
  });

  it('rejects bad input with a 400 that names the field', async () => {
    expect(await errorOf(await createShare({ password: 'abc' }))).toMatchObject({ status: 400, error: 'password: password must be at least 4 characters' });
    const share = await ok<Share>(createShare({ password: 'correct horse' }), 201);
    expect(await errorOf(await unlock(share.token, 42))).toMatchObject({ status: 400, code: 'invalid_request' });
    expect(await errorOf(await call('/api/v1/shares/unlock', { body: { password: 'x' } }))).toMatchObject({ status: 401 });
    expect((await unlock('not-a-token', 'x')).status).toBe(401);
  });

  it('bounds attempts per link and address; a right password clears the address', async () => {
    const share = await ok<Share>(createShare({ password: 'correct horse' }), 201);
    const ip = '198.51.100.77';
    // three mistypes, then the right one: the address starts over
    for (let i = 0; i < 3; i++) expect((await unlock(share.token, `typo ${i}`, ip)).status).toBe(401);
    expect((await unlock(share.token, 'correct horse', ip)).status).toBe(200);
    for (let i = 0; i < SHARE_UNLOCK_LIMITS.perIpLink; i++) expect((await unlock(share.token, `guess ${i}`, ip)).status).toBe(401);
    // the 11th attempt within 15 minutes is refused before the password is even checked
    const limited = await unlock(share.token, 'correct horse', ip);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await limited.json()) as object).toMatchObject({ code: 'rate_limited' });
    // another address, and the same address on another link, are not affected
    expect((await unlock(share.token, 'correct horse', '198.51.100.78')).status).toBe(200);
    const other = await ok<Share>(createShare({ password: 'battery staple' }), 201);
    expect((await unlock(other.token, 'battery staple', ip)).status).toBe(200);
  }, 60_000);

  it('ends both tokens when the link is revoked', async () => {
    const share = await ok<Share>(createShare({ password: 'correct horse' }), 201);
    const unlocked = await ok<{ token: string }>(unlock(share.token, 'correct horse'));
    expect((await readVisitors(unlocked.token)).status).toBe(200);
    await ok(call(`/api/v1/sites/${site}/shares/${share.id}`, { method: 'DELETE', token: adminToken() }), 204);
    expect(await errorOf(await readVisitors(unlocked.token))).toMatchObject({ status: 401, code: 'invalid_token' });
    expect(await errorOf(await unlock(share.token, 'correct horse'))).toMatchObject({ status: 401, code: 'invalid_token' });
  });
});
