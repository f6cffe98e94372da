/** Issue 13: the dashboard sent no CSP, frame-ancestors, nosniff or Referrer-Policy. */
import { describe, expect, it } from 'vitest';
import { makeNonce, originOf, securityHeaders } from './security-headers';

const csp = (headers: Record<string, string>) =>
  Object.fromEntries((headers['content-security-policy'] ?? '').split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]));

describe('security headers', () => {
  it('locks a page down: own scripts plus the nonce, no framing, no sniffing, origin-only referrers', () => {
    const headers = securityHeaders({ pathname: '/sites/demo/', nonce: 'abc123', liveOrigin: 'wss://pulse.example.workers.dev' });
    expect(headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'referrer-policy': 'strict-origin-when-cross-origin', 'x-frame-options': 'DENY' });
    const policy = csp(headers);
    expect(policy['default-src']).toBe("'self'");
    expect(policy['script-src']).toBe("'self' 'nonce-abc123'");
    expect(policy['script-src']).not.toContain('unsafe');
    expect(policy['connect-src']).toBe("'self' wss://pulse.example.workers.dev");
    expect(policy['frame-ancestors']).toBe("'none'");
    expect(policy['object-src']).toBe("'none'");
  });

  it('lets share pages be embedded, and only them', () => {
    const share = securityHeaders({ pathname: '/share/demo/', nonce: 'n', liveOrigin: null });
    expect(csp(share)['frame-ancestors']).toBe('*');
    expect(share['x-frame-options']).toBeUndefined();
    expect(csp(securityHeaders({ pathname: '/sites/share/', nonce: 'n', liveOrigin: null }))['frame-ancestors']).toBe("'none'");
  });

  it('makes a fresh unguessable nonce per response, and reads the live origin', () => {
    const nonces = new Set(Array.from({ length: 100 }, makeNonce));
    expect(nonces.size).toBe(100);
    expect([...nonces][0]).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(originOf('ws://127.0.0.1:8787/api/v1')).toBe('ws://127.0.0.1:8787');
    expect(originOf('not a url')).toBeNull();
  });
});
