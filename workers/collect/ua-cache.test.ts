import { describe, expect, it } from 'vitest';
import { MAX_KEY_CHARS, memoByUa } from './ua-cache';
import { parseDevice } from './parse-device';
import { rejectBot } from './reject-bots';
import { attachDevice, rejectBots, type RequestContext } from './pipeline';
import type { IncomingEvent } from '../../contract/events';

const CHROME = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';
const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';

/** A counting stand-in for the parser, to see when the memo computes. */
function counted<T>(compute: (ua: string) => T) {
  const calls: string[] = [];
  return { calls, fn: (ua: string) => (calls.push(ua), compute(ua)) };
}

describe('memoByUa', () => {
  it('returns what the uncached function returns, on the first call and on repeats', () => {
    const device = memoByUa(parseDevice);
    const bot = memoByUa(rejectBot);
    for (const ua of [CHROME, IPHONE, GOOGLEBOT, '', '  ', CHROME, IPHONE, GOOGLEBOT, '']) {
      expect(device(ua)).toEqual(parseDevice(ua));
      expect(bot(ua)).toBe(rejectBot(ua));
    }
    expect(device(IPHONE)).toEqual({ device: 'Mobile', browser: 'Safari', browserVersion: '17', os: 'iOS', osVersion: '17.4' });
    expect(bot(GOOGLEBOT)).toBe('bot');
    expect(bot(CHROME)).toBeNull();
  });

  it('computes each string once, null verdicts included', () => {
    const { calls, fn } = counted(rejectBot);
    const bot = memoByUa(fn);
    for (let i = 0; i < 5; i++) [CHROME, GOOGLEBOT].forEach((ua) => bot(ua));
    expect(calls).toEqual([CHROME, GOOGLEBOT]);
  });

  it('holds at most maxEntries strings, dropping the least recently used', () => {
    const { calls, fn } = counted((ua: string) => ({ ua }));
    const memo = memoByUa(fn, 3);
    ['a', 'b', 'c'].forEach((ua) => memo(ua));
    memo('a'); // now b is the least recently used
    memo('d'); // evicts b
    expect(memo.size).toBe(3);
    calls.length = 0;
    ['a', 'c', 'd'].forEach((ua) => memo(ua));
    expect(calls).toEqual([]);
    memo('b');
    expect(calls).toEqual(['b']);
    for (let i = 0; i < 10_000; i++) memo(`ua ${i}`);
    expect(memo.size).toBe(3);
  });

  it('never keeps a string longer than MAX_KEY_CHARS, and still answers for it', () => {
    const { calls, fn } = counted(parseDevice);
    const memo = memoByUa(fn);
    const long = `${CHROME} ${'x'.repeat(MAX_KEY_CHARS)}`;
    expect(memo(long)).toEqual(parseDevice(long));
    expect(memo(long)).toEqual(parseDevice(long));
    expect(calls).toEqual([long, long]);
    expect(memo.size).toBe(0);
    const atLimit = CHROME.padEnd(MAX_KEY_CHARS, ' ');
    memo(atLimit);
    expect(memo.size).toBe(1);
  });

  it('shares frozen results, so no caller can change what the next one gets', () => {
    const memo = memoByUa(parseDevice);
    const first = memo(CHROME);
    expect(Object.isFrozen(first)).toBe(true);
    expect(memo(CHROME)).toBe(first);
  });
});

describe('the pipeline steps with the memo', () => {
  const req = (ua: string): RequestContext => ({ ip: '203.0.113.9', ua, cf: undefined, now: 0 });
  const draft = { incoming: { name: 'pageview' } as IncomingEvent };

  it('judge and parse a user agent the same on every call', () => {
    for (let i = 0; i < 3; i++) {
      expect(rejectBots(draft, req(GOOGLEBOT))).toEqual({ drop: 'bot' });
      expect(rejectBots(draft, req(CHROME))).toBe(draft);
      expect(attachDevice(draft, req(CHROME)).device).toEqual({ device: 'Desktop', browser: 'Chrome', browserVersion: '131', os: 'Mac', osVersion: '10.15' });
    }
  });
});
