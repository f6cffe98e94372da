#!/usr/bin/env node
/**
 * Applies the D1 migrations to every database of wrangler.toml (`pulse`, `pulse-2`, …): all get
 * the same schema (README "Several D1 databases"), so a site can live in, or move to, any of them.
 *
 *   node scripts/migrate-d1.mjs --remote          (npm run deploy)
 *   node scripts/migrate-d1.mjs --local [--persist-to <dir>]
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { d1Databases } from './setup-config.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const WRANGLER = resolve(ROOT, 'node_modules/.bin/wrangler');

export function migrateAll(args) {
  for (const { name } of d1Databases(readFileSync(resolve(ROOT, 'wrangler.toml'), 'utf8'))) {
    console.log(`$ wrangler d1 migrations apply ${name} ${args.join(' ')}`);
    const result = spawnSync(WRANGLER, ['d1', 'migrations', 'apply', name, ...args], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, CI: '1' } });
    if (result.status !== 0) throw new Error(`migrating D1 database ${name} failed`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    migrateAll(process.argv.slice(2));
  } catch (err) {
    console.error(err.message);
    process.exit(1);
  }
}
