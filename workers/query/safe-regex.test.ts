import { describe, expect, it } from 'vitest';
import { unsafeRegexReason } from './safe-regex';

describe('matches patterns', () => {
  it('accepts the patterns people filter pages and sources with', () => {
    for (const p of ['^/blog/', '^/(blog|docs)/.*$', '\\.pdf$', '^/post-\\d+$', '(?:foo|bar)+baz', '[a-z]+-[0-9]{2,4}', 'a{1,1}(b+)?', '^(/en|/de)?/pricing$', '(ab)+', 'x(?<name>y)z', '[(|)]+']) {
      expect(unsafeRegexReason(p), p).toBeNull();
    }
  });

  it('refuses shapes that backtrack exponentially', () => {
    for (const p of ['(a+)+$', '(a*)*b', '(\\d+){2,}', '((ab)*)+', '(.*a){20}', '(a|a)*b', '(a|ab)+c', '(.|x)*y', '(?:a|A)+$', '(\\w|b)*']) {
      expect(unsafeRegexReason(p), p).toMatch(/exponential/);
    }
  });

  it('refuses what RE2 cannot express, and very long patterns', () => {
    expect(unsafeRegexReason('(a)\\1')).toMatch(/backreference/);
    expect(unsafeRegexReason('foo(?=bar)')).toMatch(/lookaround/);
    expect(unsafeRegexReason('(?<!x)y')).toMatch(/lookaround/);
    expect(unsafeRegexReason('a'.repeat(1001))).toMatch(/longer than 1000/);
  });
});
