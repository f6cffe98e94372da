/** Issue 13: `/login/?next=/%09/evil.com` sent a signed-in user off-site. */
import { describe, expect, it } from 'vitest';
import { safeNext } from './safe-next';

describe('safeNext', () => {
  it('keeps same-origin paths with their query and hash', () => {
    expect(safeNext('/sites/demo.pulse.local/?period=7d&f=visit:source,is,Google')).toBe('/sites/demo.pulse.local/?period=7d&f=visit:source,is,Google');
    expect(safeNext('/sites/')).toBe('/sites/');
    expect(safeNext('/sites/a/#top')).toBe('/sites/a/#top');
  });

  it.each([
    ['a tab between the slashes (as searchParams decodes /%09/evil.com)', '/\t/evil.com'],
    ['the still-encoded tab', '/%09/evil.com'],
    ['a double-encoded tab', '/%2509/evil.com'],
    ['a newline', '/\n/evil.com'],
    ['a carriage return', '/\r/evil.com'],
    ['a NUL', '/\u0000/evil.com'],
    ['a space', '/ /evil.com'],
    ['a zero-width space', '/\u200b/evil.com'],
    ['leading whitespace', ' \t//evil.com'],
    ['protocol-relative', '//evil.com'],
    ['a backslash', '/\\evil.com'],
    ['an encoded backslash', '/%5Cevil.com'],
    ['an encoded slash', '/%2Fevil.com'],
    ['an absolute URL', 'https://evil.com/'],
    ['a javascript: URL', 'javascript:alert(1)'],
    ['a relative path', 'evil.com'],
    ['a malformed escape', '/%E0%A4%A'],
  ])('sends %s to /sites/', (_label, next) => {
    expect(safeNext(next)).toBe('/sites/');
  });

  it('falls back on nothing at all', () => {
    expect(safeNext(null)).toBe('/sites/');
    expect(safeNext(undefined)).toBe('/sites/');
    expect(safeNext('')).toBe('/sites/');
  });
});
