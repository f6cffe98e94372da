/**
 * A query's budget for pattern tests. D1 has no REGEXP, so `matches` filters and wildcard page
 * goals run in JS over a dimension's distinct values, and those values are attacker-supplied
 * (anonymous events carry any path or prop). re2js is linear in the input, but its constant grows
 * with the compiled program: `\pL{1000}` over a 2 KB path is a third of a second, cold. So a test
 * costs (started 100 characters of the value) × (started 10 instructions of the program), about
 * 5 µs at worst warm, and a query that would spend more than `max` units is refused before any
 * test runs. The default, 100k units, is about half a second of CPU at worst; a plain prefix
 * pattern over ordinary paths is one unit a value, so 100k distinct values.
 */
import { HttpError } from '../lib/http-error';
import { compilePattern, type Pattern } from '../lib/user-regex';

export const DEFAULT_REGEX_BUDGET = 100_000;

/** What one pattern's tests cost per value unit: its program size in started 10 instructions. */
export function patternUnits(pattern: Pattern, source: string): number {
  // re2js keeps the compiled program on an internal field; if that ever moves, the pattern's
  // length is a (looser) stand-in: programs grow with the pattern, repetitions aside
  const prog = (pattern as { re2Input?: { prog?: { numInst?: () => number } } }).re2Input?.prog;
  const insts = typeof prog?.numInst === 'function' ? prog.numInst() : source.length * 10;
  return Math.max(1, Math.ceil(insts / 10));
}

/** Distinct values and what testing one pattern over all of them costs. */
export interface DistinctValues {
  values: string[];
  /** started 100 characters over every value */
  weight: number;
  /** more distinct values than the budget could ever test (they were read with a LIMIT) */
  overLimit: boolean;
}

export function distinctWeight(values: string[]): number {
  return values.reduce((sum, v) => sum + Math.max(1, Math.ceil(v.length / 100)), 0);
}

export class RegexBudget {
  used = 0;
  private readonly compiled = new Map<string, { re: Pattern; units: number }>();

  constructor(readonly max: number) {}

  /** Compiled once per request, however many plans (totals, comparisons) test it. */
  compile(source: string, caseSensitive: boolean): { re: Pattern; units: number } {
    const key = `${caseSensitive ? 'c' : 'i'}:${source}`;
    let hit = this.compiled.get(key);
    if (!hit) {
      const re = compilePattern(source, caseSensitive);
      this.compiled.set(key, (hit = { re, units: patternUnits(re, source) }));
    }
    return hit;
  }

  /** Charges testing every value against patterns of `units` in all, or throws 400 past the budget. */
  charge(values: DistinctValues, units: number, what: string): void {
    this.used += values.overLimit ? Infinity : values.weight * units;
    if (this.used > this.max) {
      throw new HttpError(400, 'query_too_large', `${what} would test too many distinct values in this date range (the limit is ${this.max} units of pattern work per query); narrow the date range, use is or contains, or a simpler pattern`);
    }
  }
}
