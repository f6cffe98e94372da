import { describe, expect, it } from 'vitest';
import { compilePattern, patternError } from './user-regex';

const LONG = 'a'.repeat(50_000);

// workerd may hold its clock still while code runs (it moves on at the next I/O): a timer makes sure it moved
async function elapsedMs(run: () => void): Promise<number> {
  const started = Date.now();
  run();
  await new Promise((resolve) => setTimeout(resolve, 0));
  return Date.now() - started;
}

describe('matches patterns', () => {
  it('accepts the patterns people filter pages and sources with, and matches them as RegExp does', () => {
    const inputs = ['/', '/blog/', '/blog/post-12', '/docs/a.pdf', '/en/pricing', '/pricing', 'foobarbaz', 'ab-2024', 'xyz', 'ABAB', '(|)'];
    for (const p of ['^/blog/', '^/(blog|docs)/.*$', '\\.pdf$', '^/post-\\d+$', '(?:foo|bar)+baz', '[a-z]+-[0-9]{2,4}', 'a{1,1}(b+)?', '^(/en|/de)?/pricing$', '(ab)+', 'x(?<name>y)z', '[(|)]+']) {
      expect(patternError(p), p).toBeNull();
      for (const flags of ['', 'i']) {
        const re = compilePattern(p, flags === '');
        for (const input of inputs) expect(re.test(input), `${p} /${flags} on ${input}`).toBe(new RegExp(p, flags).test(input));
      }
    }
  });

  it('runs the shapes that backtrack exponentially in linear time, with the right answers', async () => {
    const cases: [string, string, boolean][] = [
      ['((a|a))*$', LONG, true],
      ['^((a|a))*$', LONG, true],
      ['^((a|a))*$', LONG + 'b', false],
      ['(.*)*(.*)*x', LONG, false],
      ['(.*)*(.*)*x', LONG + 'x', true],
      ['^(a+)+$', LONG + '!', false],
      ['(a*)*b', LONG, false],
      ['^(\\d+){2,}$', '1'.repeat(50_000) + 'x', false],
      ['((ab)*)+c', 'ab'.repeat(25_000), false],
      ['(.*a){20}', LONG, true],
      ['(a|ab)+c', 'ab'.repeat(25_000) + 'c', true],
      ['(.|x)*y', LONG, false],
      ['^(?:a|A)+$', LONG + 'A', true],
      ['(\\w|b)*!', LONG, false],
    ];
    for (const [pattern, input, expected] of cases) {
      expect(patternError(pattern), pattern).toBeNull();
      let matched: boolean | undefined;
      const ms = await elapsedMs(() => (matched = compilePattern(pattern).test(input)));
      expect(matched, pattern).toBe(expected);
      expect(ms, pattern).toBeLessThan(1000);
    }
  });

  it('matches case-insensitively when asked', () => {
    expect(compilePattern('^/blog/', false).test('/BLOG/x')).toBe(true);
    expect(compilePattern('^/blog/').test('/BLOG/x')).toBe(false);
  });

  it('refuses what RE2 cannot express, saying why, and very long patterns', () => {
    expect(patternError('(a)\\1')).toBe('uses a backreference, which RE2 (the syntax Plausible and Pulse accept) does not support');
    expect(patternError('(?<n>a)\\k<n>')).toMatch(/^uses a backreference/);
    expect(patternError('(?=a)')).toBe('uses lookaround, which RE2 (the syntax Plausible and Pulse accept) does not support');
    expect(patternError('foo(?!bar)')).toMatch(/^uses lookaround/);
    expect(patternError('(?<!x)y')).toMatch(/^uses lookaround/);
    expect(patternError('[a-')).toBe('missing closing ]: `[a-`');
    expect(patternError('a{2,1}')).toMatch(/invalid repeat count/);
    expect(patternError('a'.repeat(1001))).toMatch(/longer than 1000/);
  });
});
