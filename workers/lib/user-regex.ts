/**
 * User-supplied regular expressions (`matches` filters, goal-name matches, wildcard page goals),
 * compiled with re2js: RE2 semantics, as Plausible's ClickHouse `match` evaluates them, and time
 * linear in the input whatever the pattern. A backtracking engine (JavaScript's RegExp) can take
 * exponential time on `(a+)+$` or `((a|a))*$`, and one such call would hold the Worker until its
 * CPU limit; no heuristic guard catches every such shape, RE2 has none. D1 has no REGEXP, so
 * patterns are evaluated here, in JS, over a dimension's distinct values (resolve.ts).
 */
import { RE2JS, RE2JSException } from 're2js';

/** Longer patterns are refused: compiling costs time and memory in the pattern's size. */
export const MAX_PATTERN_LENGTH = 1000;

/** A compiled pattern; `test` is true when it matches anywhere in `input` (like `RegExp#test`). */
export interface Pattern {
  test(input: string): boolean;
}

/** RE2 leaves out what needs backtracking; say so in words rather than with RE2's parse error. */
const UNSUPPORTED: [RegExp, string][] = [
  [/\(\?<?[=!]/, 'uses lookaround'],
  [/\\(?:[1-9]|k<)/, 'uses a backreference'],
];

/**
 * Why a pattern cannot be used, or null when it compiles: RE2's syntax (the one Plausible accepts)
 * has no lookaround or backreferences.
 */
export function patternError(pattern: string): string | null {
  if (pattern.length > MAX_PATTERN_LENGTH) return `is longer than ${MAX_PATTERN_LENGTH} characters`;
  try {
    RE2JS.compile(pattern);
    return null;
  } catch (e) {
    if (!(e instanceof RE2JSException)) throw e;
    const unsupported = UNSUPPORTED.find(([shape]) => shape.test(pattern));
    if (unsupported) return `${unsupported[1]}, which RE2 (the syntax Plausible and Pulse accept) does not support`;
    return e.message.replace(/^error parsing regexp: /, '');
  }
}

/**
 * Compiles a pattern that {@link patternError} accepted (a bad one throws).
 *
 * @example
 * compilePattern('^/blog/', false).test('/Blog/hello') // true
 */
export function compilePattern(pattern: string, caseSensitive = true): Pattern {
  return RE2JS.compile(pattern, caseSensitive ? 0 : RE2JS.CASE_INSENSITIVE);
}
