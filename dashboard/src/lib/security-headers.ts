/**
 * Security headers for every dashboard response (issue 13: none were sent). The dashboard shows
 * per-site data behind a session cookie, so it must not be framed (clickjacking), sniffed or leak
 * its URLs (share links carry their token) in a Referer.
 *
 * Scripts: only our own files and inline scripts carrying the per-response nonce. Qwik emits a
 * small inline loader and inline `q:func` scripts; it stamps them with `serverData.nonce`, which
 * Qwik City fills from `sharedMap['@nonce']`, so no 'unsafe-inline' for scripts. (Its
 * `<script type="qwik/json">` state is data, never executed, so CSP does not concern it.)
 * Styles: 'unsafe-inline' is unavoidable: components set `style` attributes (bar widths) and
 * ApexCharts inserts `<style>` elements; CSS cannot run code, so the cost is small.
 * Framing: `/share/` pages are read-only and meant to be shown on other sites (as Plausible's
 * embedded shared dashboards), so they may be framed by anyone; every other page by no one.
 */
export interface SecurityHeaderOptions {
  pathname: string;
  /** per-response random nonce for Qwik's inline scripts; null in Vite's dev server (below) */
  nonce: string | null;
  /** where the browser opens the live WebSocket (ws:// or wss:// origin), if not our own */
  liveOrigin: string | null;
}

export const isEmbeddable = (pathname: string): boolean => pathname.startsWith('/share/');

/** A nonce of 128 random bits, base64: unguessable per response, as CSP requires. */
export function makeNonce(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
}

/**
 * @example
 *   securityHeaders({ pathname: '/sites/', nonce: makeNonce(), liveOrigin: 'wss://pulse.example.workers.dev' })
 */
export function securityHeaders({ pathname, nonce, liveOrigin }: SecurityHeaderOptions): Record<string, string> {
  const embeddable = isEmbeddable(pathname);
  const headers: Record<string, string> = {
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'strict-origin-when-cross-origin',
  };
  if (!embeddable) headers['x-frame-options'] = 'DENY'; // for browsers without frame-ancestors
  const connect = ["'self'", ...(liveOrigin ? [liveOrigin] : [])].join(' ');
  const directives = [
    "default-src 'self'",
    `script-src 'self'${nonce ? ` 'nonce-${nonce}'` : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    `connect-src ${connect}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    `frame-ancestors ${embeddable ? '*' : "'none'"}`,
  ];
  // Vite's dev server injects inline scripts Qwik cannot stamp: no CSP there (Qwik's own advice);
  // the built dashboard, as Pages and the tests serve it, always has one.
  if (nonce) headers['content-security-policy'] = directives.join('; ');
  return headers;
}

/** The origin of a WebSocket base URL (`ws://host:port/path` → `ws://host:port`), or null. */
export function originOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return null;
  }
}
