/**
 * Runs before every route (Qwik City plugin): the security headers of lib/security-headers.ts on
 * every page, q-data.json, server$ call and file download the dashboard answers. Static files
 * under /build/ and /assets/ never reach it; dashboard/public/_headers covers those.
 */
import { isDev } from '@builder.io/qwik/build';
import type { RequestHandler } from '@builder.io/qwik-city';
import { liveBase } from '../lib/live';
import { makeNonce, originOf, securityHeaders } from '../lib/security-headers';

export const onRequest: RequestHandler = (ev) => {
  const nonce = isDev ? null : makeNonce();
  // Qwik City hands this to the renderer as serverData.nonce, which stamps its inline scripts.
  if (nonce) ev.sharedMap.set('@nonce', nonce);
  const headers = securityHeaders({ pathname: ev.url.pathname, nonce, liveOrigin: originOf(liveBase(ev)) });
  for (const [name, value] of Object.entries(headers)) ev.headers.set(name, value);
};
