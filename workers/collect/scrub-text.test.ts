import { describe, expect, it } from 'vitest';
import { scrubText } from './scrub';
import { runPipeline, ERROR_PROP_CAPS } from './pipeline';
import type { IncomingEvent } from '../../contract/events';

describe('scrubText: every sensitive pattern in an error message or stack', () => {
  const cases: [string, string, string][] = [
    ['e-mail', 'reset failed for jane.doe+x@mail.example.co.uk', 'reset failed for [email]'],
    ['JWT', 'bad token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.sgnature_part-1', 'bad token [token]'],
    ['long hex secret', 'session 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 expired', 'session [token] expired'],
    ['random base64url secret', 'key AbCdEfGh12345678IjKlMnOp98765432QrStUv rejected', 'key AbCdEfGh12345678IjKlMnOp98765432QrStUv rejected'.replace('AbCdEfGh12345678IjKlMnOp98765432QrStUv', '[token]')],
    ['query string of a URL', 'GET https://api.example.com/v1/me?token=abc&user=5 failed', 'GET https://api.example.com/v1/me failed'],
    ['query string in a stack frame, line and column kept', 'at load (https://cdn.example.com/app.js?v=123&sig=zz:10:5)', 'at load (https://cdn.example.com/app.js:10:5)'],
    ['token= outside a query string', 'form sent token=s3cr3t and more', 'form sent token=[token] and more'],
    ['key= short value', 'config key=abc', 'config key=[token]'],
    ['api_key: value', 'missing api_key: 12345', 'missing api_key: [token]'],
    ['JSON secret', '{"access_token":"xyz123","ok":1}', '{"access_token":"[token]","ok":1}'],
    ['password=', 'login password=hunter2;', 'login password=[token];'],
    ['Bearer header', 'Authorization: Bearer abcdefgh.ijkl-mnop', 'Authorization: Bearer [token]'],
  ];
  for (const [what, input, output] of cases) {
    it(`scrubs ${what}`, () => expect(scrubText(input)).toBe(output));
  }

  it('keeps ordinary words, identifiers and slugs', () => {
    const text = "TypeError: Cannot read properties of undefined (reading 'monkeyPatch') at how-to-deploy-workers-in-2024-a-complete-guide";
    expect(scrubText(text)).toBe(text);
  });
});

describe('the pipeline on error events', () => {
  const req = { ip: '203.0.113.9', ua: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36', cf: undefined, now: 1_700_000_000_000 };
  const event = (props: Record<string, string>): IncomingEvent =>
    ({ name: 'error', url: 'https://shop.example/', domains: ['shop.example'], referrer: null, props, revenue: null, interactive: false, hashMode: false, scrollDepth: null, engagedMs: null, ts: null, uid: null, pid: null }) as unknown as IncomingEvent;
  const run = (props: Record<string, string>) => {
    const out = runPipeline(event(props), req);
    if ('drop' in out) throw new Error(out.drop);
    return out.props;
  };

  it('scrubs message, source and stack, caps them, and stores the fingerprint', () => {
    const props = run({ message: `failed for a@b.co ${'x'.repeat(1000)}`, source: 'https://shop.example/app.js?token=abc', line: '12', stack: `Error\n    at f (https://shop.example/app.js?v=9:12:3)\n${'y'.repeat(3000)}` });
    expect(props.message!.startsWith('failed for [email] xxx')).toBe(true);
    expect(props.message!.length).toBe(ERROR_PROP_CAPS.message);
    expect(props.source).toBe('https://shop.example/app.js');
    expect(props.stack!.startsWith('Error\n    at f (https://shop.example/app.js:12:3)')).toBe(true);
    expect(props.stack!.length).toBe(ERROR_PROP_CAPS.stack);
    expect(props.line).toBe('12');
    expect(props.fingerprint).toMatch(/^[0-9a-f]{16}$/);
  });

  it('drops a line that is not a number, and overwrites a fingerprint the client sent', () => {
    const props = run({ message: 'x', line: '12; DROP', fingerprint: 'mine' });
    expect(props.line).toBeUndefined();
    expect(props.fingerprint).toMatch(/^[0-9a-f]{16}$/);
  });
});
