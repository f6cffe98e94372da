#!/usr/bin/env node
/**
 * `npm run setup`: creates what Pulse needs in your Cloudflare account with wrangler (you must be
 * logged in: `npx wrangler login`), writes the D1 ids into wrangler.toml (every `[[d1_databases]]`
 * block: `pulse` and the more databases for sites, `pulse-2`, …), and stores the secrets.
 * Safe to run again: existing resources are reused, existing secrets are kept unless --rotate.
 * Then `npm run deploy`.
 *
 *   npm run setup [-- --dry-run] [-- --rotate]
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createDevSecrets } from './generate-dev-vars.mjs';
import { alreadyExists, d1Databases, parseD1Id, withD1Id } from './setup-config.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const WRANGLER = resolve(ROOT, 'node_modules/.bin/wrangler');
const TOML = resolve(ROOT, 'wrangler.toml');
const DRY = process.argv.includes('--dry-run');
const ROTATE = process.argv.includes('--rotate');

function wrangler(args, input) {
  console.log(`$ wrangler ${args.join(' ')}`);
  if (DRY) return { ok: true, output: '' };
  const result = spawnSync(WRANGLER, args, { cwd: ROOT, input, encoding: 'utf8' });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  return { ok: result.status === 0, output };
}

function create(args, what) {
  const { ok, output } = wrangler(args);
  if (ok || alreadyExists(output)) return output;
  throw new Error(`could not create ${what}:\n${output}`);
}

function main() {
  for (const { binding, name } of d1Databases(readFileSync(TOML, 'utf8'))) {
    const output = create(['d1', 'create', name], `the D1 database ${name}`);
    let id = parseD1Id(output);
    if (!id && !DRY) id = parseD1Id(wrangler(['d1', 'info', name, '--json']).output);
    if (id) {
      writeFileSync(TOML, withD1Id(readFileSync(TOML, 'utf8'), name, id));
      console.log(`wrangler.toml: ${binding} (${name}) database_id = ${id}`);
    } else if (!DRY) {
      throw new Error(`could not read the id of D1 database ${name} from wrangler; put it into wrangler.toml by hand`);
    }
  }
  create(['r2', 'bucket', 'create', 'pulse-archive'], 'the R2 bucket');
  create(['queues', 'create', 'pulse-events'], 'the events queue');
  create(['queues', 'create', 'pulse-events-dlq'], 'the dead letter queue');
  create(['queues', 'create', 'pulse-webhooks'], 'the webhook deliveries queue');
  create(['queues', 'create', 'pulse-webhooks-dlq'], "the webhook deliveries' dead letter queue");

  const existing = DRY ? '' : wrangler(['secret', 'list']).output;
  return createDevSecrets().then((secrets) => {
    for (const [name, value] of Object.entries(secrets)) {
      if (existing.includes(name) && !ROTATE) {
        console.log(`secret ${name}: kept (use --rotate to replace)`);
        continue;
      }
      const { ok, output: out } = wrangler(['secret', 'put', name], value);
      if (!ok) throw new Error(`could not store secret ${name}:\n${out}`);
      if (name === 'PULSE_ADMIN_TOKEN' && !DRY) console.log(`\nAdmin token for the CLI (--remote <url> --token …), shown once:\n${value}\n`);
    }
    console.log('Done. Next: npm run deploy');
  });
}

try {
  await main();
} catch (err) {
  console.error(err.message);
  process.exit(1);
}
