/** Filter validation: `[op, dimension, [values], {case_sensitive}?]`, logic ops and has_done. */
import { patternError } from '../lib/user-regex';
import { HttpError } from '../lib/http-error';
import { NESTED_MESSAGE, parseSequence } from './sequence';
import { isTimeDimension, isValidDimension, type Filter, type FilterOp, type LeafFilter } from './types';

const bad = (message: string) => new HttpError(400, 'invalid_query', message);

const LEAF_OPS: FilterOp[] = ['is', 'is_not', 'contains', 'contains_not', 'matches', 'matches_not'];

/*
 * Bounds on the filter tree. Each leaf becomes SQL text and bound values, and D1 stops a statement
 * at 100 KB or 100 parameters with a 500-looking error (5,000 identical `or` children gave
 * SQLITE_TOOBIG); every bound here answers a 400 naming the part instead. Generous for people:
 * Plausible's dashboard sends a handful of leaves.
 */
/** values in one leaf (an `is` list pasted from a spreadsheet) */
export const MAX_VALUES = 1000;
/** values over the whole tree */
export const MAX_TOTAL_VALUES = 2000;
/** characters in one value: stored props values stop at 2000 bytes, so a longer one matches nothing */
export const MAX_VALUE_LENGTH = 2000;
/** filters combined by one and/or */
export const MAX_CHILDREN = 50;
/** leaves over the whole tree (top-level filters included) */
export const MAX_LEAVES = 50;
/** levels of and/or/not/has_done */
export const MAX_DEPTH = 8;
/** characters of `matches` patterns over the tree: re2js compiles about 10–40 µs a character */
export const MAX_PATTERN_CHARS = 2000;

interface TreeCount {
  leaves: number;
  values: number;
  patternChars: number;
}

export function parseFilters(raw: unknown): Filter[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw bad('#/filters: Expected a list of filters');
  const count: TreeCount = { leaves: 0, values: 0, patternChars: 0 };
  return raw.map((f, i) => parseFilter(f, `#/filters/${i}`, 0, false, count));
}

function parseFilter(raw: unknown, pointer: string, depth: number, insideHasDone: boolean, count: TreeCount): Filter {
  const invalid = () => bad(`${pointer}: Invalid filter ${JSON.stringify(raw).slice(0, 200)}`);
  if (!Array.isArray(raw) || raw.length === 0) throw invalid();
  if (depth > MAX_DEPTH) throw bad(`${pointer}: Invalid filter: filters nest at most ${MAX_DEPTH} levels deep`);
  const op = raw[0];
  if (op === 'and' || op === 'or') {
    if (raw.length !== 2 || !Array.isArray(raw[1]) || raw[1].length === 0) throw invalid();
    if (raw[1].length > MAX_CHILDREN) {
      throw bad(`${pointer}/1: Invalid filter: ${op} combines ${raw[1].length} filters; at most ${MAX_CHILDREN} may be combined`);
    }
    return { op, filters: raw[1].map((f: unknown, i: number) => parseFilter(f, `${pointer}/1/${i}`, depth + 1, insideHasDone, count)) };
  }
  if (op === 'sequence') {
    if (insideHasDone) throw bad(`${pointer}: ${NESTED_MESSAGE}`);
    return parseSequence(raw, pointer, (step, at) => parseFilter(step, at, depth + 1, true, count));
  }
  if (op === 'not') {
    if (raw.length !== 2) throw invalid();
    if (Array.isArray(raw[1]) && raw[1][0] === 'sequence') throw bad(`${pointer}: Invalid filter: sequence filters cannot be wrapped in not`);
    return { op, filter: parseFilter(raw[1], `${pointer}/1`, depth + 1, insideHasDone, count) };
  }
  if (op === 'has_done' || op === 'has_not_done') {
    if (raw.length !== 2) throw invalid();
    if (insideHasDone) throw bad(`${pointer}: ${NESTED_MESSAGE}`);
    const inner = parseFilter(raw[1], `${pointer}/1`, depth + 1, true, count);
    walkLeaves([inner], (leaf) => {
      if (!leaf.dimension.startsWith('event:')) {
        throw bad(`${pointer}: Invalid filters. Behavioral filters (has_done, has_not_done) can only be used with event dimension filters. ${op} got \`${leaf.dimension}\``);
      }
    });
    return { op, filter: inner };
  }
  if (!LEAF_OPS.includes(op)) throw invalid();
  const [, dimension, values, modifiers] = raw;
  if (raw.length > 4 || typeof dimension !== 'string') throw invalid();
  if (!isValidDimension(dimension) || isTimeDimension(dimension)) {
    throw bad(`${pointer}: Invalid filter dimension ${JSON.stringify(dimension)}`);
  }
  if (!Array.isArray(values) || values.length === 0 || values.length > MAX_VALUES) {
    throw bad(`${pointer}/2: Expected a non-empty list of at most ${MAX_VALUES} values`);
  }
  // Plausible takes GeoNames ids (integers) for visit:city; Pulse's cities are names, so an id is
  // accepted as its string and matches nothing rather than failing a query written for Plausible
  if (dimension === 'visit:city' && values.every((v: unknown) => Number.isInteger(v))) values.forEach((v: number, i: number) => (values[i] = String(v)));
  values.forEach((v, i) => {
    if (typeof v !== 'string') throw bad(`${pointer}/2/${i}: Filter values must be strings`);
    if (v.length > MAX_VALUE_LENGTH) throw bad(`${pointer}/2/${i}: Filter values are at most ${MAX_VALUE_LENGTH} characters`);
  });
  // Plausible's own check and message (filters parser): country codes are ISO 3166-1 alpha-2
  if (dimension === 'visit:country' && (op === 'is' || op === 'is_not') && values.some((v: string) => v.length !== 2)) {
    throw bad('Invalid visit:country filter, visit:country needs to be a valid 2-letter country code.');
  }
  if (++count.leaves > MAX_LEAVES) throw bad(`${pointer}: Invalid filter: the filters have more than ${MAX_LEAVES} conditions`);
  count.values += values.length;
  if (count.values > MAX_TOTAL_VALUES) throw bad(`${pointer}/2: Invalid filter: the filters list more than ${MAX_TOTAL_VALUES} values in all`);
  let caseSensitive = true;
  if (modifiers !== undefined) {
    if (typeof modifiers !== 'object' || modifiers === null || Array.isArray(modifiers)) throw invalid();
    for (const [k, v] of Object.entries(modifiers)) {
      if (k !== 'case_sensitive' || typeof v !== 'boolean') throw bad(`${pointer}/3: Invalid filter modifier "${k}"`);
      caseSensitive = v;
    }
  }
  if (op === 'matches' || op === 'matches_not') {
    values.forEach((v: string, i: number) => {
      count.patternChars += v.length;
      if (count.patternChars > MAX_PATTERN_CHARS) {
        throw bad(`${pointer}/2/${i}: Invalid filter: the regular expressions have more than ${MAX_PATTERN_CHARS} characters in all`);
      }
      const error = patternError(v);
      if (error) throw bad(`${pointer}/2/${i}: Invalid regular expression ${JSON.stringify(v)}: ${error}`);
    });
  }
  return { op, dimension, values: values as string[], caseSensitive };
}

/** Calls `fn` on every leaf, including those inside logic ops and has_done. */
export function walkLeaves(filters: Filter[], fn: (leaf: LeafFilter) => void): void {
  for (const f of filters) {
    if ('dimension' in f) fn(f);
    else if ('filters' in f) walkLeaves(f.filters, fn);
    else walkLeaves([f.filter], fn);
  }
}

/** A copy of the filter tree with each leaf replaced (or dropped when `fn` returns null). */
export function mapLeaves(filters: Filter[], fn: (leaf: LeafFilter) => Filter | null): Filter[] {
  const out: Filter[] = [];
  for (const f of filters) {
    let mapped: Filter | null;
    if ('dimension' in f) mapped = fn(f);
    else if ('filters' in f) {
      const inner = mapLeaves(f.filters, fn);
      mapped = inner.length ? { op: f.op, filters: inner } : null;
    } else {
      const inner = mapLeaves([f.filter], fn);
      mapped = inner.length ? { ...f, filter: inner[0]! } : null;
    }
    if (mapped) out.push(mapped);
  }
  return out;
}

/** Asynchronous variant of mapLeaves (for resolving regexes and goals against the data). */
export async function mapLeavesAsync(filters: Filter[], fn: (leaf: LeafFilter) => Promise<Filter>): Promise<Filter[]> {
  const out: Filter[] = [];
  for (const f of filters) {
    if ('dimension' in f) out.push(await fn(f));
    else if ('filters' in f) out.push({ op: f.op, filters: await mapLeavesAsync(f.filters, fn) });
    else out.push({ ...f, filter: (await mapLeavesAsync([f.filter], fn))[0]! });
  }
  return out;
}
