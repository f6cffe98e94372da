/** Server build for Cloudflare Pages: `dist/_worker.js` (advanced mode) importing `server/`. */
import { cloudflarePagesAdapter } from '@builder.io/qwik-city/adapters/cloudflare-pages/vite';
import { extendConfig } from '@builder.io/qwik-city/vite';
import { fileURLToPath } from 'node:url';
import baseConfig from '../../vite.config';

export default extendConfig(baseConfig, () => ({
  build: {
    ssr: true,
    rollupOptions: { input: [fileURLToPath(new URL('../../src/entry.cloudflare-pages.tsx', import.meta.url)), '@qwik-city-plan'] },
  },
  plugins: [cloudflarePagesAdapter()],
}));
