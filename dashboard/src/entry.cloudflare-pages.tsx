/** Cloudflare Pages entry: `dist/_worker.js` imports `fetch` from here. */
import { createQwikCity, type PlatformCloudflarePages } from '@builder.io/qwik-city/middleware/cloudflare-pages';
import qwikCityPlan from '@qwik-city-plan';
import render from './entry.ssr';

declare global {
  type QwikCityPlatform = PlatformCloudflarePages;
}

const fetch = createQwikCity({ render, qwikCityPlan });

export { fetch };
