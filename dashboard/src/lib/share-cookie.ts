/**
 * Where the dashboard keeps the token a share link's password unlocked (`POST
 * /api/v1/shares/unlock`): an HttpOnly cookie named after the link, so two links open in one
 * browser never mix. The page URL keeps the link's own token; the server swaps it for the
 * unlocked one on every call to the Worker (`apiFetch`), so the unlocked token never reaches
 * page scripts.
 */

interface ShareClaims {
  sub?: unknown;
  exp?: unknown;
}

/** The unverified payload of a JWT: only picks a cookie name; the Worker verifies every token. */
function claimsOf(token: string): ShareClaims | null {
  const part = token.split('.')[1];
  if (!part) return null;
  try {
    const json = atob(part.replaceAll('-', '+').replaceAll('_', '/'));
    const claims = JSON.parse(json) as unknown;
    return claims && typeof claims === 'object' ? (claims as ShareClaims) : null;
  } catch {
    return null;
  }
}

/** `pulse_share_<link id>` for a share token, or null for anything that is not one. */
export function shareCookieName(linkToken: string): string | null {
  const sub = claimsOf(linkToken)?.sub;
  return typeof sub === 'string' && /^[\w-]{1,64}$/.test(sub) ? `pulse_share_${sub}` : null;
}

/** An unlocked token still worth sending: a stale cookie would turn the password form into an error. */
export function isUnexpired(token: string, nowMs = Date.now()): boolean {
  const exp = claimsOf(token)?.exp;
  return typeof exp === 'number' && exp * 1000 > nowMs;
}

interface CookieReader {
  get(name: string): { value: string } | null;
}

/** The token to send for a share link: its unlocked token when this browser has one, else itself. */
export function effectiveShareToken(cookies: CookieReader, linkToken: string): string {
  const name = shareCookieName(linkToken);
  const unlocked = name ? cookies.get(name)?.value : undefined;
  return unlocked && isUnexpired(unlocked) ? unlocked : linkToken;
}
