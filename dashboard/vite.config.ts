/**
 * Vite config of the dashboard (Qwik City). `npm run dev:dashboard` serves it with SSR in Vite's
 * dev server; `npm run build:dashboard` builds the client here and the Cloudflare Pages server
 * with adapters/cloudflare-pages/vite.config.ts.
 */
import { qwikCity } from '@builder.io/qwik-city/vite';
import { qwikVite } from '@builder.io/qwik/optimizer';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
// Qwik's dev overlays (image size warnings, Alt-click to source) cover the page a user is trying out;
// PULSE_QWIK_DEVTOOLS=1 brings them back for whoever works on the dashboard itself.
const devTools = process.env.PULSE_QWIK_DEVTOOLS === '1' ? {} : { imageDevTools: false, clickToSource: false as const };

export default defineConfig(() => ({
  root,
  // Vite 7 would otherwise look for .env files at the repo root's cwd; keep them next to the app.
  envDir: root,
  plugins: [qwikCity(), qwikVite({ devTools, srcDir: `${root}src`, client: { outDir: `${root}dist` }, ssr: { outDir: `${root}server` } })],
  build: { outDir: `${root}dist` },
  server: {
    host: '127.0.0.1',
    port: Number(process.env.DASHBOARD_PORT ?? 5173),
    strictPort: true,
    // wrangler's state and the Worker's sources change while `npm run dev` runs; never reload for them
    watch: { ignored: ['**/.wrangler/**', '**/workers/**', '**/durable-objects/**'] },
  },
  preview: { host: '127.0.0.1', headers: { 'cache-control': 'public, max-age=600' } },
}));
