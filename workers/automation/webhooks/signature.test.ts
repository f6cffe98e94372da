import { createHmac, timingSafeEqual } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hmacSha256Hex, signatureHeader } from './signature';

/** The receiver's check exactly as README "Webhooks" documents it, written with Node's crypto. */
function verify(header: string, rawBody: string, secret: string, nowSeconds: number, toleranceSeconds = 300): boolean {
  const parts = Object.fromEntries(header.split(',').map((kv) => kv.split('=') as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || Math.abs(nowSeconds - t) > toleranceSeconds) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${rawBody}`).digest('hex');
  const given = Buffer.from(parts.v1 ?? '', 'utf8');
  return given.length === expected.length && timingSafeEqual(given, Buffer.from(expected, 'utf8'));
}

describe('Pulse-Signature', () => {
  const secret = 'whsec_0123456789abcdef';
  const body = JSON.stringify({ type: 'event', site: 'example.com', event: { name: 'Signup', props: { plan: 'pro ✓' } } });

  it('has the documented shape and verifies with the documented recipe', async () => {
    const header = await signatureHeader(secret, body, 1_790_000_000);
    expect(header).toMatch(/^t=1790000000,v1=[0-9a-f]{64}$/);
    expect(verify(header, body, secret, 1_790_000_100)).toBe(true);
  });

  it('fails for another body, secret or a stale timestamp', async () => {
    const header = await signatureHeader(secret, body, 1_790_000_000);
    expect(verify(header, body.replace('pro', 'free'), secret, 1_790_000_000)).toBe(false);
    expect(verify(header, body, 'whsec_other', 1_790_000_000)).toBe(false);
    expect(verify(header, body, secret, 1_790_000_000 + 301)).toBe(false);
    // the timestamp is signed: moving it forward breaks the signature
    expect(verify(header.replace('t=1790000000', 't=1790000500'), body, secret, 1_790_000_500)).toBe(false);
  });

  it('matches a known HMAC-SHA256 vector', async () => {
    // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?"
    expect(await hmacSha256Hex('Jefe', 'what do ya want for nothing?')).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });
});
