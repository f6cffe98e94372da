/**
 * `matches` filters run as JavaScript regular expressions over a dimension's distinct values (D1
 * has no REGEXP). A backtracking engine can take exponential time on patterns like `(a+)+$`, and
 * one such `test` call would hold the Worker until its CPU limit. Plausible evaluates patterns with
 * RE2 (linear time, no lookaround or backreferences), so Pulse accepts the same language and, of
 * it, only patterns without the shapes that backtrack exponentially: a repeated group that itself
 * contains a repetition, or a repeated alternation whose branches can start alike.
 * Returns why a pattern is refused, or null when it is safe to run.
 */
export const MAX_PATTERN_LENGTH = 1000;

interface Group {
  /** contains a quantifier (at any depth) */
  quantified: boolean;
  /** first character of each alternative, or '' when it does not start with a plain literal */
  firstChars: string[];
  alternation: boolean;
  atAlternativeStart: boolean;
}

const QUANTIFIER = /^(\*|\+|\?|\{\d+(,\d*)?\})/;

/** Whether a quantifier (the text at `rest`) repeats its atom more than once. */
function repeats(q: string): boolean {
  if (q === '?') return false;
  const m = /^\{(\d+)(,(\d*))?\}$/.exec(q);
  if (!m) return true; // * or +
  if (!m[2]) return Number(m[1]) > 1;
  return m[3] === '' || Number(m[3]) > 1;
}

export function unsafeRegexReason(pattern: string): string | null {
  if (pattern.length > MAX_PATTERN_LENGTH) return `is longer than ${MAX_PATTERN_LENGTH} characters`;
  if (/\(\?<?[=!]/.test(pattern)) return 'uses lookaround, which RE2 (the syntax Plausible and Pulse accept) does not support';
  const stack: Group[] = [{ quantified: false, firstChars: [], alternation: false, atAlternativeStart: true }];
  let i = 0;
  const top = () => stack[stack.length - 1]!;
  const noteFirst = (c: string) => {
    const g = top();
    if (g.atAlternativeStart) g.firstChars.push(c.toLowerCase()); // `(a|A)*` overlaps under case_sensitive: false
    g.atAlternativeStart = false;
  };
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === '\\') {
      const next = pattern[i + 1] ?? '';
      if (/[1-9k]/.test(next)) return 'uses a backreference, which RE2 (the syntax Plausible and Pulse accept) does not support';
      noteFirst(/[a-zA-Z0-9]/.test(next) ? '' : next); // \d, \w… are classes, \. is a literal
      i += 2;
    } else if (c === '[') {
      noteFirst('');
      i++;
      if (pattern[i] === '^') i++;
      if (pattern[i] === ']') i++;
      while (i < pattern.length && pattern[i] !== ']') i += pattern[i] === '\\' ? 2 : 1;
      i++;
    } else if (c === '(') {
      noteFirst('');
      stack.push({ quantified: false, firstChars: [], alternation: false, atAlternativeStart: true });
      i += pattern.startsWith('(?:', i) ? 3 : pattern.startsWith('(?<', i) ? pattern.indexOf('>', i) + 1 || i + 1 : 1;
      continue;
    } else if (c === '|') {
      const g = top();
      if (g.atAlternativeStart) g.firstChars.push('');
      g.alternation = true;
      g.atAlternativeStart = true;
      i++;
      continue;
    } else if (c === ')') {
      const g = stack.length > 1 ? stack.pop()! : top();
      if (g.atAlternativeStart) g.firstChars.push('');
      i++;
      const q = QUANTIFIER.exec(pattern.slice(i))?.[0];
      if (q && repeats(q)) {
        if (g.quantified) return `repeats a group that itself repeats (as in "(a+)+"), which can take exponential time`;
        const starts = g.firstChars;
        if (g.alternation && (starts.includes('') || new Set(starts).size < starts.length)) {
          return 'repeats an alternation whose branches can start alike (as in "(a|ab)*"), which can take exponential time';
        }
      }
      if (q || g.quantified) top().quantified = true;
      if (q) i += q.length;
      continue;
    } else {
      const q = QUANTIFIER.exec(pattern.slice(i));
      if (q && '*+?{'.includes(c)) {
        top().quantified = true;
        i += q[0].length;
        continue;
      }
      noteFirst('^$.'.includes(c) ? '' : c);
      i++;
    }
    const q = QUANTIFIER.exec(pattern.slice(i))?.[0];
    if (q) {
      top().quantified = true;
      i += q.length;
    }
  }
  return null;
}
