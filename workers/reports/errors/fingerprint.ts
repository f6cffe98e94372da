/**
 * The error report's grouping key (DESIGN §4a): the same error thrown with another id, count or
 * quoted value groups together, and the same message thrown from another function or file splits.
 * Computed once at collection (workers/collect/pipeline.ts) over the scrubbed text and stored as
 * `props.fingerprint`, so the refresh groups by a column and every stored copy (D1, R2) agrees.
 */

/** Dynamic parts of a message, most specific first (a UUID is also hex, a URL holds numbers). */
const DYNAMIC: [RegExp, string][] = [
  [/\b[a-z][a-z0-9+.-]*:\/\/[^\s'"`)]+/gi, '<url>'],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>'],
  [/(["'`])(?:(?!\1).){0,200}\1/g, '<str>'],
  [/\b0x[0-9a-f]+\b/gi, '<hex>'],
  [/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b/gi, '<hex>'],
  // ids such as `user_8842` or `#12`: the digits are the dynamic part
  [/\d+(?:\.\d+)?/g, '<n>'],
];

/** The message with its dynamic parts replaced (Chrome's `Uncaught ` prefix dropped, whitespace folded). */
export function normalizeMessage(message: string): string {
  let out = message.replace(/^\s*Uncaught\s+(?:\(in promise\)\s*)?/, '');
  for (const [pattern, to] of DYNAMIC) out = out.replace(pattern, to);
  return out.replace(/\s+/g, ' ').trim().slice(0, 300);
}

// V8: `    at fn (https://x/app.js:10:5)` or `    at https://x/app.js:10:5`;
// SpiderMonkey and JavaScriptCore: `fn@https://x/app.js:10:5` (or `@https://…` when anonymous).
const V8_FRAME = /^\s*at\s+(?:(.*?)\s+\()?(.+?)(?::\d+)?(?::\d+)?\)?\s*$/;
const GECKO_FRAME = /^\s*([^@\s]*)@(.+?)(?::\d+)?(?::\d+)?\s*$/;

/** The top frame of a stack as `file function` (file without query, hash, line or column), or null. */
export function topFrame(stack: string | undefined): string | null {
  if (!stack) return null;
  for (const line of stack.split('\n').slice(0, 30)) {
    const m = /^\s*at\s/.test(line) ? V8_FRAME.exec(line) : GECKO_FRAME.exec(line);
    if (!m) continue;
    const file = stripLocation(m[2]!);
    if (!file) continue;
    return `${file} ${(m[1] ?? '').trim()}`.trim();
  }
  return null;
}

/** A script URL without query, hash, line and column: build hashes in `?v=` do not split groups. */
export function stripLocation(url: string): string {
  return url.replace(/[?#].*$/, '').replace(/(?::\d+){1,2}$/, '').trim();
}

/**
 * The fingerprint: a 64-bit FNV-1a hash (16 hex digits) of the normalised message and the top
 * frame, or of the script URL (without query) when there is no stack. Stable across releases of
 * Pulse: stored values must keep grouping with new ones, so this function never changes meaning.
 */
export function fingerprintError(props: { message?: string; source?: string; stack?: string }): string {
  const frame = topFrame(props.stack) ?? stripLocation(props.source ?? '');
  return fnv1a64(`${normalizeMessage(props.message ?? '')}\n${frame}`);
}

function fnv1a64(text: string): string {
  let h = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(text)) {
    h ^= BigInt(byte);
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, '0');
}
