// Privacy scrubbing for anything taken from a URL (DESIGN §6): e-mail addresses and secrets that
// apps put in paths (password-reset tokens, magic links, API keys, JWTs) must never reach storage.

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
// A JWT is three base64url parts; the header always starts with `{"` which encodes to `eyJ`.
const JWT = /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;
// Hex digests and ids of 128 bits or more: a reset token, a session id, a SHA hash.
const LONG_HEX = /[0-9A-Fa-f]{32,}/g;
const BASE64URL_WORD = /^[A-Za-z0-9_-]{32,}$/;

// A long base64url run is a token only if it looks random: real slugs such as
// `how-to-deploy-workers-in-2024-a-complete-guide` are lower-case words, and CamelCase names
// have few capitals. Random base64url has upper, lower and digits, with capitals making up about
// half of the letters; between 25% and 75% catches almost all tokens and almost no words.
function looksRandom(word: string): boolean {
  if (!BASE64URL_WORD.test(word) || !/[0-9]/.test(word)) return false;
  const upper = word.replace(/[^A-Z]/g, '').length;
  const lower = word.replace(/[^a-z]/g, '').length;
  if (upper === 0 || lower === 0) return false;
  const share = upper / (upper + lower);
  return share >= 0.25 && share <= 0.75;
}

/** Scrubs one path segment (or one query value): e-mails, JWTs, hex ids, random-looking words. */
export function scrubSegment(segment: string): string {
  let out = segment.replace(EMAIL, '[email]').replace(JWT, '[token]').replace(LONG_HEX, '[token]');
  // A bare token is the whole segment; a token with an extension (`<token>.json`) is a piece.
  if (looksRandom(out)) return '[token]';
  out = out
    .split('.')
    .map((piece) => (looksRandom(piece) ? '[token]' : piece))
    .join('.');
  return out;
}

/** Scrubs every `/`-separated segment of a decoded path. */
export function scrubPath(path: string): string {
  return path.split('/').map(scrubSegment).join('/');
}

// Percent-decodes what decodes and leaves broken escapes (`%E0%A4%A`, `%zz`) as sent, so one bad
// escape does not keep the rest of the path encoded (decodeURIComponent throws on the whole).
export function decodeLenient(text: string): string {
  return text.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return decodeBytewise(run);
    }
  });
}

// A run with one invalid UTF-8 sequence: decode the valid sequences in it one by one.
function decodeBytewise(run: string): string {
  const escapes = run.match(/%[0-9A-Fa-f]{2}/g) ?? [];
  let out = '';
  let i = 0;
  while (i < escapes.length) {
    let decoded: string | null = null;
    // A UTF-8 sequence is 1 to 4 bytes; take the longest that decodes.
    for (let len = Math.min(4, escapes.length - i); len >= 1 && decoded === null; len--) {
      try {
        decoded = decodeURIComponent(escapes.slice(i, i + len).join(''));
        i += len;
      } catch {
        decoded = null;
      }
    }
    if (decoded === null) {
      out += escapes[i];
      i += 1;
    } else {
      out += decoded;
    }
  }
  return out;
}

// A query string inside free text (an error message or a stack frame): from `?` up to whitespace,
// a bracket or a quote, keeping a stack frame's `:line:col` after it.
const TEXT_QUERY = /\?[^\s()[\]{}'"`<>#]*/g;
const LINE_COL = /(?::\d+){1,2}$/;
// `token=…`, `api_key: …` and the like outside a query string (a message that quotes a form body or
// a header): the value is a secret whatever it looks like, however short.
const SECRET_PARAM = /\b((?:access_|refresh_|id_|api_?|auth_?|session_?)?(?:token|key|secret|password|passwd|pwd|sid|signature|sig)["']?\s*[=:]\s*["']?)(?!\[token\])[^\s&,;'"`<>)\]}]+/gi;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g;
// Runs of URL-safe characters long enough to be a token (shorter runs are words and identifiers).
const LONG_WORD = /[A-Za-z0-9_-]{32,}/g;

/**
 * Scrubs free text such as an error message or stack (DESIGN §4a): e-mails, JWTs, hex ids and
 * random-looking words become placeholders and query strings are cut, so an app that throws
 * `Error("reset failed for a@b.c")` or a stack with `app.js?token=…:10:5` stores neither.
 */
export function scrubText(text: string): string {
  return text
    .replace(TEXT_QUERY, (query) => LINE_COL.exec(query)?.[0] ?? '')
    .replace(SECRET_PARAM, (_, key: string) => `${key}[token]`)
    .replace(BEARER, '$1 [token]')
    .replace(EMAIL, '[email]')
    .replace(JWT, '[token]')
    .replace(LONG_HEX, '[token]')
    .replace(LONG_WORD, (word) => (looksRandom(word) ? '[token]' : word));
}
