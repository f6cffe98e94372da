/**
 * A seeded body fuzzer for the attack suite (issue 13): mutations of valid request bodies and
 * random junk, each reproducible from (seed, index). Pure: no `cloudflare:*` import, so the
 * workerd tests that drive `SELF.fetch` with it own the network side.
 */
import { prng } from './prng';

/** The default seed; `FUZZ_SEED=<n> npx vitest run …` overrides it (a miniflare binding). */
export const DEFAULT_FUZZ_SEED = 13_2026;

export function fuzzSeed(binding: unknown): number {
  const seed = Number(binding);
  return binding !== undefined && binding !== '' && Number.isFinite(seed) ? seed : DEFAULT_FUZZ_SEED;
}

/** Emitted verbatim by `toJson`: tokens JSON.stringify cannot produce (1e400, duplicate keys). */
class RawJson {
  constructor(readonly text: string) {}
}

/** Extra members an object serialises after its own: duplicate keys. */
const DUPLICATES = Symbol('duplicates');
type Json = unknown;
type Obj = Record<string, Json> & { [DUPLICATES]?: [string, Json][] };

export interface FuzzCase {
  index: number;
  /** what was done, for the failure message */
  ops: string[];
  /** `null` = no content-type header */
  contentType: string | null;
  body: string | Uint8Array | null;
}

const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'];
const NUMBERS: Json[] = [
  0, -0, -1, 1e308, -1e308, 5e-324, 2 ** 53 + 2, -(2 ** 63), 0.1, 1.5, 99999999999999999999,
  new RawJson('1e400'), new RawJson('-1e400'), new RawJson('1E-400'), new RawJson('123456789012345678901234567890'),
];
const NAN_LIKE = ['NaN', 'Infinity', '-Infinity', '1e999', '0x10', ' 12 ', '', '-', '1,5', 'null', 'undefined', 'true', '[]', '{}', '9'.repeat(400)];
const UNICODE = [
  '\ud800', '\udfff', 'a\ud83dz', '😀', '𝕳𝖊𝖑𝖑𝖔', '\u0000', '\u202e', '\u200b\ufeff', 'ǅ', 'İ', '日本語', '👩‍👩‍👧‍👦', '\uffff', '\u2028\u2029', 'é'.normalize('NFD'),
];
const PERCENT = ['%', '%z', '%zz', '%E0%A4%A', '%C0%AF', '%ED%A0%80', '%00', '%%41', '%2F..%2F', '%u0041', '%FF%FE'];
const CONTENT_TYPES: (string | null)[] = [
  null, 'text/html', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', 'application/json; charset=utf-16',
  'application/octet-stream', 'text/plain; charset=latin1', '*/*', 'application/json, text/plain', 'application/xml', 'x/y; charset="',
];

export class Fuzzer {
  readonly random: () => number;

  /**
   * `vocabulary`: values valid somewhere in the API under test (metric names, dates, filters…);
   * swapping one in where it does not belong, or where it does, reaches combinations that a
   * random value is refused long before.
   */
  constructor(readonly seed: number, readonly vocabulary: readonly Json[] = []) {
    this.random = prng(seed);
  }

  int(n: number): number {
    return Math.floor(this.random() * n);
  }

  chance(p: number): boolean {
    return this.random() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** A string an attacker might send in place of a valid one. */
  nastyString(base = ''): string {
    switch (this.int(9)) {
      case 0: return this.pick(NAN_LIKE);
      case 1: return base + this.pick(UNICODE).repeat(1 + this.int(4));
      case 2: return base + this.pick(PERCENT);
      case 3: return (base || 'x').repeat(1 + this.int(3)) + 'y'.repeat(this.pick([300, 2_001, 10_000, 70_000]));
      case 4: return this.pick(UNICODE).repeat(this.pick([100, 1_000, 20_000]));
      case 5: return this.pick(PROTO_KEYS);
      case 6: return base.slice(0, this.int(base.length + 1));
      case 7: return `${base}${this.pick(['<script>', "'; DROP TABLE sites;--", '${7*7}', '../../', '\\', '"', '*', '**', '.*', '((a|a))*$', ','.repeat(50)])}`;
      default: return this.junkString(1 + this.int(40));
    }
  }

  junkString(length: number): string {
    let s = '';
    for (let i = 0; i < length; i++) s += String.fromCharCode(this.chance(0.8) ? 32 + this.int(95) : this.int(0x10000));
    return s;
  }

  /** Any JSON value, for retyping a field. */
  anyValue(depth = 0): Json {
    switch (this.int(depth > 2 ? 6 : 9)) {
      case 0: return null;
      case 1: return this.chance(0.5);
      case 2: return this.pick(NUMBERS);
      case 3: return this.nastyString();
      case 4: return this.int(1000) - 500;
      case 5: return '';
      case 6: return Array.from({ length: this.int(4) }, () => this.anyValue(depth + 1));
      case 7: return Object.fromEntries(Array.from({ length: this.int(4) }, () => [this.pick([...PROTO_KEYS, 'a', 'n', 'url', 'metrics']), this.anyValue(depth + 1)]));
      default: return this.deep();
    }
  }

  /** Deeply nested arrays or objects. */
  deep(): Json {
    const depth = this.pick([50, 500, 5_000, 30_000]); // 30,000 levels still fit in 64 KB
    const open = this.chance(0.5) ? '[' : '{"a":';
    const close = open === '[' ? ']' : '}';
    return new RawJson(open.repeat(depth) + '1' + close.repeat(depth));
  }

  /** One mutation of `value` (a deep copy is changed; the original is left alone). */
  mutate(value: Json, ops: string[]): Json {
    const copy = clone(value);
    const paths = containers(copy);
    const [target, path] = this.pick(paths);
    const keys = Array.isArray(target) ? target.map((_, i) => String(i)) : Object.keys(target);
    const key = keys.length ? this.pick(keys) : '0';
    const at = `${path}/${key}`;
    const set = (v: Json) => defineKey(target, key, v);
    const current = (target as Obj)[key];
    switch (this.int(this.vocabulary.length ? 15 : 12)) {
      case 0:
        ops.push(`drop ${at}`);
        if (Array.isArray(target)) target.splice(Number(key), 1);
        else delete (target as Obj)[key];
        break;
      case 1:
        ops.push(`duplicate ${at}`);
        if (Array.isArray(target)) target.push(clone(current));
        else ((target as Obj)[DUPLICATES] ??= []).push([key, this.chance(0.5) ? clone(current) : this.anyValue()]);
        break;
      case 2: ops.push(`retype ${at}`); set(this.anyValue()); break;
      case 3: ops.push(`number ${at}`); set(this.pick(NUMBERS)); break;
      case 4: ops.push(`nan-like ${at}`); set(this.pick(NAN_LIKE)); break;
      case 5: ops.push(`string ${at}`); set(this.nastyString(typeof current === 'string' ? current : '')); break;
      case 6: ops.push(`deep ${at}`); set(this.deep()); break;
      case 7: ops.push(`array ${at}`); set(this.chance(0.5) ? [clone(current)] : []); break;
      case 8: {
        const proto = this.pick(PROTO_KEYS);
        ops.push(`proto key ${path}/${proto}`);
        if (Array.isArray(target)) target.push({ [proto]: this.anyValue() });
        else defineKey(target, proto, this.chance(0.5) ? { polluted: true, isAdmin: true } : this.anyValue());
        break;
      }
      case 9: {
        const extra = this.pick(['x', 'events', 'name', 'n', 'site_id', 'ts', 'ip', 'uid', 'role', 'scope', 'domain', '', ' ', 'a'.repeat(400)]);
        ops.push(`extra key ${path}/${extra.slice(0, 20)}`);
        defineKey(target, Array.isArray(target) ? String(target.length) : extra, this.anyValue());
        break;
      }
      case 10: ops.push(`object ${at}`); set({ [key]: clone(current) }); break;
      case 11: ops.push(`null ${at}`); set(null); break;
      default: {
        const word = clone(this.pick(this.vocabulary));
        ops.push(`swap ${at} = ${toJson(word).slice(0, 60)}`);
        set(word);
      }
    }
    return copy;
  }

  /**
   * Case `index`: a valid body mutated 1–4 times (most), then maybe spoiled on the wire (truncated,
   * wrong content type, empty, a BOM, wrapped), or random junk (some).
   */
  makeCase(index: number, valid: readonly Json[], contentType = 'application/json'): FuzzCase {
    const ops: string[] = [];
    let type: string | null = contentType;
    if (this.chance(0.08)) return { index, ops: ['junk'], contentType: this.chance(0.5) ? type : this.pick(CONTENT_TYPES), body: this.junk() };
    let value = valid[this.int(valid.length)];
    const rounds = this.chance(0.12) ? 0 : 1 + this.int(3);
    for (let i = 0; i < rounds; i++) value = this.mutate(value, ops);
    if (this.chance(0.05)) {
      ops.push('wrap in array');
      value = [value];
    }
    let text = toJson(value);
    const wire = this.int(20);
    if (wire === 0) {
      const cut = this.int(text.length);
      ops.push(`truncate at ${cut}`);
      text = text.slice(0, cut);
    } else if (wire === 1) {
      ops.push('empty body');
      text = '';
    } else if (wire === 2) {
      type = this.pick(CONTENT_TYPES);
      ops.push(`content-type ${type}`);
    } else if (wire === 3) {
      ops.push('bom');
      text = `\ufeff${text}`;
    } else if (wire === 4) {
      ops.push('padding');
      text = ` \n\t${text}\r\n `;
    } else if (wire === 5) {
      ops.push('trailing garbage');
      text += this.pick([',', '}', ']', 'x', '\u0000', '{}', '//']);
    } else if (wire === 6) {
      ops.push('form-encoded');
      type = 'application/x-www-form-urlencoded';
      text = new URLSearchParams({ data: text }).toString();
    }
    return { index, ops, contentType: type, body: text };
  }

  /** Random junk: bytes (invalid UTF-8 too), printable noise or JSON-ish tokens. */
  junk(): string | Uint8Array | null {
    switch (this.int(5)) {
      case 0: return Uint8Array.from({ length: this.int(2_000) }, () => this.int(256));
      case 1: return this.junkString(this.int(500));
      case 2: return Array.from({ length: 1 + this.int(60) }, () => this.pick(['{', '}', '[', ']', ',', ':', '"a"', '1', 'null', 'true', '"', '\\u', '-', 'e'])).join('');
      case 3: return this.pick(['', 'null', 'true', '0', '"x"', '[]', '{}', '[null]', '[[]]', '{"":""}', '[{}]', '"\\ud800"']);
      default: return null;
    }
  }
}

function clone<T>(value: T): T {
  if (value instanceof RawJson || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(clone) as T;
  const out: Obj = {};
  for (const [k, v] of Object.entries(value)) defineKey(out, k, clone(v));
  const dupes = (value as Obj)[DUPLICATES];
  if (dupes) out[DUPLICATES] = dupes.map(([k, v]) => [k, clone(v)]);
  return out as T;
}

/** An own, enumerable property even for `__proto__` (plain assignment would set the prototype). */
function defineKey(target: object, key: string, value: Json): void {
  if (Array.isArray(target) && /^\d+$/.test(key)) target[Number(key)] = value;
  else Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Every object and array inside `value`, with its JSON-pointer-ish path (the root first). */
function containers(value: Json, path = ''): [object, string][] {
  if (value === null || typeof value !== 'object' || value instanceof RawJson) return [];
  const out: [object, string][] = [[value, path || '#']];
  for (const [k, v] of Object.entries(value)) out.push(...containers(v, `${path || '#'}/${k}`));
  return out;
}

/** JSON.stringify plus raw tokens and duplicate keys. Lone surrogates come out escaped, as JSON allows. */
export function toJson(value: Json): string {
  if (value instanceof RawJson) return value.text;
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(toJson).join(',')}]`;
  const members = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${toJson(v)}`);
  for (const [k, v] of (value as Obj)[DUPLICATES] ?? []) members.push(`${JSON.stringify(k)}:${toJson(v)}`);
  return `{${members.join(',')}}`;
}

/** How a failing case is shown: enough to reproduce it, without a 70 KB message. */
export function describeCase(seed: number, c: FuzzCase, status: number, answer: string, extra = ''): string {
  const body = c.body instanceof Uint8Array ? `bytes[${c.body.length}] ${Array.from(c.body.slice(0, 64), (b) => b.toString(16).padStart(2, '0')).join('')}` : c.body === null ? '(none)' : JSON.stringify(c.body.length > 1_500 ? `${c.body.slice(0, 1_500)}…(${c.body.length} chars)` : c.body);
  return `seed ${seed} index ${c.index} ${extra}→ ${status} ${answer.slice(0, 300)}\n  ops: ${c.ops.join('; ') || '(valid)'}\n  content-type: ${c.contentType}\n  body: ${body}`;
}

/**
 * Checks one answer: a 5xx is a finding; a 4xx must be JSON `{error, code}` (strings). Returns the
 * problem, or null.
 */
export async function judgeAnswer(res: Response, method = 'POST'): Promise<{ problem: string; text: string } | null> {
  const text = await res.text();
  if (res.status >= 500) return { problem: '5xx', text };
  // a HEAD answer has no body by definition
  if (res.status >= 400 && method !== 'HEAD') {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return { problem: '4xx body is not JSON', text };
    }
    const { error, code } = (json ?? {}) as { error?: unknown; code?: unknown };
    if (typeof error !== 'string' || typeof code !== 'string') return { problem: '4xx body is not {error, code}', text };
  }
  return null;
}

/** Runs `send` over `count` cases in groups (Promise.all), collecting every finding. */
export async function runFuzz(options: {
  seed: number;
  count: number;
  group?: number;
  vocabulary?: readonly Json[];
  makeCase: (fuzzer: Fuzzer, index: number) => FuzzCase & { label?: string; method?: string };
  send: (c: FuzzCase & { label?: string; method?: string }) => Promise<Response>;
}): Promise<{ findings: string[]; statuses: Record<number, number> }> {
  const fuzzer = new Fuzzer(options.seed, options.vocabulary);
  const findings: string[] = [];
  const statuses: Record<number, number> = {};
  const cases = Array.from({ length: options.count }, (_, i) => options.makeCase(fuzzer, i));
  const group = options.group ?? 20;
  for (let start = 0; start < cases.length; start += group) {
    await Promise.all(cases.slice(start, start + group).map(async (c) => {
      let res: Response;
      try {
        res = await options.send(c);
      } catch (err) {
        findings.push(describeCase(options.seed, c, 0, `fetch threw ${String(err)}`, c.label ? `${c.label} ` : ''));
        return;
      }
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      const verdict = await judgeAnswer(res, c.method);
      if (verdict) findings.push(`${verdict.problem}: ${describeCase(options.seed, c, res.status, verdict.text, c.label ? `${c.label} ` : '')}`);
    }));
  }
  return { findings, statuses };
}
