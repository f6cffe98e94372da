#!/usr/bin/env node
/**
 * Builds the tracker and copies its script-tag files into `public/js/`, the Worker's static
 * assets (wrangler.toml `[assets]`), so `/js/pulse.js` and its modules are served from the edge
 * without running the Worker. Runs before `npm test`, `npm run dev` and deploys.
 */
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from '../sdk/build.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const DIST = join(ROOT, 'sdk/dist');
const OUT = join(ROOT, 'public/js');

const manifest = await build({ types: false });
rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
for (const file of readdirSync(DIST).filter((f) => f.endsWith('.js'))) copyFileSync(join(DIST, file), join(OUT, file));
writeFileSync(join(OUT, 'manifest.json'), JSON.stringify(manifest, null, 2));
console.log(`public/js: ${Object.keys(manifest).length} scripts (pulse.js ${manifest['pulse.js'].gzip} B gzip, ${manifest['pulse.js'].sri})`);
