/**
 * The post-sign-in destination (`/login/?next=…`) is attacker-controlled: a link to our own login
 * page must never send a freshly signed-in user to another site. Browsers strip tabs, newlines and
 * other control characters from URLs and read `\` as `/`, so `/\t/evil.com` becomes the
 * protocol-relative `//evil.com`; a check on the raw string alone misses that.
 */
const FALLBACK = '/sites/';
const BASE = 'https://pulse.invalid';
// C0 and C1 controls and every Unicode space: what browsers drop or might drop from a URL.
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\s\u200b-\u200d\u2060\ufeff]/g;

/** Decodes until nothing changes (double-encoded `%2509` hides a tab); null when malformed. */
function fullyDecoded(value: string): string | null {
  let current = value;
  for (let i = 0; i < 5; i++) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      return null;
    }
    if (next === current) return current;
    current = next;
  }
  return null; // still changing after five rounds: nobody's real link
}

/**
 * A same-origin path to go to after signing in, or `/sites/`. Allowed: a path starting with one
 * `/` followed by neither `/` nor `\`, judged after decoding and stripping invisible characters,
 * that the URL parser also resolves to our own origin.
 *
 * @example
 *   safeNext('/sites/demo/?period=7d') // '/sites/demo/?period=7d'
 *   safeNext('/\t/evil.com')            // '/sites/'
 */
export function safeNext(next: string | null | undefined): string {
  if (!next) return FALLBACK;
  const decoded = fullyDecoded(next);
  if (decoded === null) return FALLBACK;
  const cleaned = decoded.replace(INVISIBLE, '');
  if (!/^\/[^/\\]/.test(cleaned)) return FALLBACK;
  let url: URL;
  try {
    url = new URL(next, BASE);
  } catch {
    return FALLBACK;
  }
  if (url.origin !== BASE) return FALLBACK;
  // The parser's own reading of the path, so what we redirect to is exactly what was checked.
  return `${url.pathname}${url.search}${url.hash}`;
}
