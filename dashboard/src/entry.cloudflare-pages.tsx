/**
 * Cloudflare Pages entry: `dist/_worker.js` imports `fetch` from here. The live WebSocket is
 * passed straight through the `API` service binding before Qwik City sees the request: Qwik's
 * response handling would drop the socket of a 101 answer.
 */
import { createQwikCity, type PlatformCloudflarePages } from '@builder.io/qwik-city/middleware/cloudflare-pages';
import qwikCityPlan from '@qwik-city-plan';
import render from './entry.ssr';

declare global {
  type QwikCityPlatform = PlatformCloudflarePages;
}

interface Fetcher {
  fetch(request: Request): Promise<Response>;
}

const LIVE = /^\/api\/v1\/sites\/[^/]+\/live$/;
const qwikCity = createQwikCity({ render, qwikCityPlan });

const fetch: typeof qwikCity = (request, env, ctx) => {
  const api = (env as { API?: Fetcher } | undefined)?.API;
  // The socket is authenticated by the Worker with the live token the browser offers.
  if (api && request.headers.get('upgrade')?.toLowerCase() === 'websocket' && LIVE.test(new URL(request.url).pathname)) {
    return api.fetch(request);
  }
  return qwikCity(request, env, ctx);
};

export { fetch };
