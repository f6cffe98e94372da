// What `npm run bench:sdk` compares Pulse with: peers installed from npm, each measured twice —
// the browser file as the package ships it, and a minimal app using its npm entry, bundled and
// minified by esbuild (what a site actually ships when it installs the package).

/** Shipped browser files, relative to node_modules. */
export const PEER_FILES = [
  // the npm build of Plausible's current tracker (ESM, minified); the CDN script is built from the same source
  { name: 'plausible', label: '@plausible-analytics/tracker plausible.js', file: '@plausible-analytics/tracker/plausible.js' },
  // Counterscale's script-tag loader (UMD, minified) as served to sites
  { name: 'counterscale', label: '@counterscale/tracker dist/loader/tracker.umd.cjs', file: '@counterscale/tracker/dist/loader/tracker.umd.cjs' },
  // Vercel's npm entry (not minified; the injected /_vercel/insights/script.js is not on npm)
  { name: 'vercel', label: '@vercel/analytics dist/index.mjs', file: '@vercel/analytics/dist/index.mjs' },
  // PostHog's script-tag bundle loaded by its snippet (array.js), and the slim ESM entry
  { name: 'posthog', label: 'posthog-js dist/array.js', file: 'posthog-js/dist/array.js' },
  { name: 'posthog-slim', label: 'posthog-js dist/module.slim.js', file: 'posthog-js/dist/module.slim.js' },
];

/** Minimal apps, one per tracker, to bundle with esbuild (IIFE, minified). */
export const APPS = {
  'pulse (npm: init)': `import { init } from './sdk/dist/esm/index.js'; init({ domain: 'bench.example', api: '/api/event' });`,
  'pulse (npm: init + links + errors)': `import { init } from './sdk/dist/esm/index.js'; import { initLinks } from './sdk/dist/esm/links.js'; import { initErrors } from './sdk/dist/esm/errors.js';
    init({ domain: 'bench.example', api: '/api/event' }); initLinks({ outbound: true, downloads: true, forms: true }); initErrors();`,
  'pulse (npm: API client)': `import { createClient } from './sdk/dist/esm/client.js'; window.c = createClient({ baseUrl: 'https://x', key: 'k' });`,
  plausible: `import { init } from '@plausible-analytics/tracker'; init({ domain: 'bench.example', endpoint: '/api/event', logging: false });`,
  counterscale: `import { init } from '@counterscale/tracker'; init({ siteId: 'bench.example', reporterUrl: '/api/event' });`,
  vercel: `import { inject } from '@vercel/analytics'; inject();`,
  posthog: `import posthog from 'posthog-js'; posthog.init('phc_bench', { api_host: '/ingest' });`,
};
