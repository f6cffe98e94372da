import { describe, expect, it } from 'vitest';
import { fingerprintError, normalizeMessage, topFrame } from './fingerprint';

const chrome = (fn: string, file: string) => `TypeError: x\n    at ${fn} (${file}:10:5)\n    at main (https://a.example/main.js:1:1)`;

describe('normalizeMessage', () => {
  it('replaces numbers, ids, hex, uuids, quoted values and urls', () => {
    expect(normalizeMessage('Uncaught TypeError: item 8842 not found')).toBe('TypeError: item <n> not found');
    expect(normalizeMessage("Cannot read properties of undefined (reading 'user_42')")).toBe('Cannot read properties of undefined (reading <str>)');
    expect(normalizeMessage('order 3f2a9c1d-0b7e-4c55-9a1f-2e8d6c4b7a90 failed at 0x1F')).toBe('order <uuid> failed at <hex>');
    expect(normalizeMessage('Failed to fetch https://api.example/v1/items/77?x=1')).toBe('Failed to fetch <url>');
    expect(normalizeMessage('hash deadbeef12 mismatch')).toBe('hash <hex> mismatch');
  });
});

describe('topFrame', () => {
  it('reads V8, SpiderMonkey and JavaScriptCore frames without query, line or column', () => {
    expect(topFrame(chrome('loadCart', 'https://a.example/app.js?v=3'))).toBe('https://a.example/app.js loadCart');
    expect(topFrame('TypeError: x\n    at https://a.example/app.js:3:9')).toBe('https://a.example/app.js');
    expect(topFrame('loadCart@https://a.example/app.js?v=3:10:5\nmain@https://a.example/main.js:1:1')).toBe('https://a.example/app.js loadCart');
    expect(topFrame('@https://a.example/app.js:10:5')).toBe('https://a.example/app.js');
    expect(topFrame(undefined)).toBeNull();
    expect(topFrame('no frames here')).toBeNull();
  });
});

describe('fingerprintError', () => {
  it('groups the same error with different ids, numbers, quoted values and build queries', () => {
    const a = fingerprintError({ message: 'Item 12 not found in "cart-a"', stack: chrome('loadCart', 'https://a.example/app.js?v=1') });
    const b = fingerprintError({ message: 'Uncaught Item 98765 not found in "cart-zz"', stack: chrome('loadCart', 'https://a.example/app.js?v=2').replace(':10:5', ':11:7') });
    expect(a).toBe(b);
    expect(a).toMatch(/^[0-9a-f]{16}$/);
  });

  it('splits on a different top frame (function or file) and a different message', () => {
    const base = { message: 'Item 12 not found', stack: chrome('loadCart', 'https://a.example/app.js') };
    const fp = fingerprintError(base);
    expect(fingerprintError({ ...base, stack: chrome('saveCart', 'https://a.example/app.js') })).not.toBe(fp);
    expect(fingerprintError({ ...base, stack: chrome('loadCart', 'https://a.example/vendor.js') })).not.toBe(fp);
    expect(fingerprintError({ ...base, message: 'Item 12 was removed' })).not.toBe(fp);
  });

  it('keys on the script URL without query when there is no stack, and is stable', () => {
    expect(fingerprintError({ message: 'Script error.', source: 'https://a.example/x.js?v=1' })).toBe(fingerprintError({ message: 'Script error.', source: 'https://a.example/x.js?v=2' }));
    // a fixed value: stored fingerprints must keep grouping with new ones
    expect(fingerprintError({ message: 'boom' })).toBe(fingerprintError({ message: 'boom' }));
  });
});
