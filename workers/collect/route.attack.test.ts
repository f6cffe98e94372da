import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { createSite } from '../../test/helpers/fixtures';
import { drainToD1 } from '../../test/helpers/drain';
import { makeKey } from '../../test/helpers/api';
import { hashUid } from '../lib/visitor-id';

const UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

function post(body: unknown, headers: Record<string, string> = {}) {
  return SELF.fetch('https://pulse.test/api/event', {
    method: 'POST',
    body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'content-type': 'application/json', 'user-agent': UA, 'cf-connecting-ip': '198.51.100.150', origin: 'https://elsewhere.example', ...headers },
  });
}

describe('cross-origin events (issue 13)', () => {
  it('answers the CORS preflight of an application/json event', async () => {
    const res = await SELF.fetch('https://pulse.test/api/event', {
      method: 'OPTIONS',
      headers: { origin: 'https://elsewhere.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-methods')).toBe('POST');
    expect(res.headers.get('access-control-allow-headers')).toBe('content-type');
    expect(Number(res.headers.get('access-control-max-age'))).toBeGreaterThan(0);
  });

  it('lets the page read every answer: 202, 400 and 413 carry ACAO', async () => {
    const site = await createSite(`cors-${Date.now().toString(36)}.example`);
    const accepted = await post({ n: 'pageview', u: `https://${site.id}/`, d: site.id });
    expect(accepted.status).toBe(202);
    expect(accepted.headers.get('access-control-allow-origin')).toBe('*');
    const invalid = await post({ n: 'pageview', d: site.id });
    expect(invalid.status).toBe(400);
    expect(invalid.headers.get('access-control-allow-origin')).toBe('*');
    const big = await post({ n: 'pageview', u: `https://${site.id}/`, d: site.id, p: { x: 'y'.repeat(70_000) } });
    expect(big.status).toBe(413);
    expect(big.headers.get('access-control-allow-origin')).toBe('*');
  });
});

describe('uid from an anonymous caller (issue 13)', () => {
  it("is ignored: a browser cannot write into a named user's history; a keyed call still can", async () => {
    const site = await createSite(`uid-${Date.now().toString(36)}.example`);
    const victim = await hashUid(site.uidSecret, 'user-42');
    expect((await post({ n: 'pageview', u: `https://${site.id}/forged`, d: site.id, uid: 'user-42' })).status).toBe(202);
    const { token } = await makeKey([site.id], 'events:write');
    const keyed = await post({ n: 'pageview', u: `https://${site.id}/real`, d: site.id, uid: 'user-42', ip: '203.0.113.9', ua: UA }, { authorization: `Bearer ${token}` });
    expect(keyed.status).toBe(202);
    expect(await drainToD1(site.id, site.id, 2)).toBe(2);
    const rows = await env.DB.prepare('SELECT pathname, visitor_id = ? AS victim FROM events WHERE site_id = ? ORDER BY pathname').bind(victim, site.id).all();
    expect(rows.results).toEqual([
      { pathname: '/forged', victim: 0 },
      { pathname: '/real', victim: 1 },
    ]);
  });
});
