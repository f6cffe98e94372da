import { describe, expect, it } from 'vitest';
import { targetProblem } from './targets';

describe('webhook targets (SSRF)', () => {
  it('accepts public https URLs', () => {
    for (const url of ['https://hooks.example.com/pulse', 'https://hooks.slack.com/services/T0/B0/x', 'https://93.184.216.34/hook', 'https://[2606:4700::1111]/x', 'https://example.com:8443/a?b=c']) {
      expect(targetProblem(url, false), url).toBeNull();
    }
  });

  it('refuses private, loopback, link-local, reserved and internal targets in production', () => {
    const refused: [string, RegExp][] = [
      ['http://hooks.example.com/x', /https:\/\//],
      ['ftp://hooks.example.com/x', /https:\/\//],
      ['https://127.0.0.1/x', /loopback/],
      ['https://127.255.0.9/x', /loopback/],
      ['https://localhost/x', /loopback/],
      ['https://api.localhost/x', /loopback/],
      ['https://[::1]/x', /loopback/],
      ['https://10.1.2.3/x', /private/],
      ['https://172.16.0.1/x', /private/],
      ['https://172.31.255.255/x', /private/],
      ['https://192.168.1.1/x', /private/],
      ['https://100.64.0.1/x', /private/],
      ['https://0.0.0.0/x', /private/],
      ['https://169.254.169.254/latest/meta-data', /link-local/],
      ['https://[fe80::1]/x', /link-local/],
      ['https://[fd00::1]/x', /unique local/],
      ['https://[::ffff:127.0.0.1]/x', /loopback/],
      ['https://[::ffff:169.254.169.254]/x', /link-local/],
      ['https://224.0.0.1/x', /private or reserved/],
      // other spellings of 127.0.0.1 that the URL parser normalises
      ['https://2130706433/x', /loopback/],
      ['https://0x7f.1/x', /loopback/],
      ['https://127.1/x', /loopback/],
      ['https://metadata.google.internal/x', /internal/],
      ['https://printer.local/x', /internal/],
      ['https://intranet/x', /single-label/],
      ['https://user:pass@hooks.example.com/x', /credentials/],
      ['not a url', /not a URL/],
      [`https://example.com/${'a'.repeat(2000)}`, /longer than/],
    ];
    for (const [url, problem] of refused) expect(targetProblem(url, false), url).toMatch(problem);
  });

  it('with loopback allowed (npm run dev), takes http and https to loopback only', () => {
    for (const url of ['http://127.0.0.1:9000/hook', 'http://localhost:3000/x', 'https://localhost/x', 'http://[::1]:8080/x']) expect(targetProblem(url, true), url).toBeNull();
    for (const url of ['http://hooks.example.com/x', 'http://10.0.0.1/x', 'https://192.168.0.10/x', 'https://169.254.169.254/x']) expect(targetProblem(url, true), url).not.toBeNull();
  });
});
