/**
 * Servers for the dashboard's browser tests and benchmark: one Worker (`wrangler dev` on the
 * root config, state in a temp dir) seeded with the demo site through the real APIs, and the
 * built dashboard served by `wrangler pages dev` (workerd, as on Cloudflare Pages) talking to
 * that Worker over HTTP (PULSE_API_URL).
 */
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureDevVars } from '../../scripts/generate-dev-vars.mjs';
import { DEMO_EMAIL, seedDemo } from '../../scripts/seed-demo.mjs';
import { d1Databases } from '../../scripts/setup-config.mjs';
import { run, startDevServer, startWrangler, WRANGLER } from '../../test/helpers/dev-server.mjs';

export const ROOT = resolve(import.meta.dirname, '../..');
const DASHBOARD = resolve(ROOT, 'dashboard');

/** Builds the dashboard unless its last build is newer than every source file. */
export async function buildDashboard({ force = false } = {}) {
  // the adapter writes dist/_worker.js only once; the server entry is rewritten by every build
  const out = join(DASHBOARD, 'server/entry.cloudflare-pages.js');
  if (!force && existsSync(out) && !process.env.PULSE_DASHBOARD_REBUILD) {
    const built = statSync(out).mtimeMs;
    const newest = (dir) => readdirSync(dir, { withFileTypes: true }).reduce((m, e) => {
      const p = join(dir, e.name);
      return Math.max(m, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
    }, 0);
    if (newest(join(DASHBOARD, 'src')) < built) return;
  }
  // Under vitest NODE_ENV is `test`, and Vite would build with import.meta.env.DEV on: Qwik then
  // emits its preloader script without the /build/ base and the page never resumes.
  await run('npm', ['run', 'build:dashboard'], { cwd: ROOT, env: { ...process.env, NODE_ENV: 'production' } });
}

/**
 * The SiteDO hands events to the Queue every 15 s (FLUSH_DELAY_MS in durable-objects/site-do.ts),
 * so D1's totals may stand still for up to that long while a flush is still due: they count as
 * settled only once unchanged for longer than that.
 */
const SETTLED_MS = 20_000;
const POLL_MS = 1_500;

async function waitForQuiet(api, token, site) {
  // Events travel SiteDO -> Queue -> D1 asynchronously: wait until the totals stop moving.
  let last = -1;
  let since = Date.now();
  for (let i = 0; i < 200; i++) {
    const res = await fetch(`${api}/api/v2/query`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ site_id: site, metrics: ['events'], date_range: 'all' }),
    });
    const n = res.ok ? (await res.json()).results[0]?.metrics[0] ?? 0 : -1;
    if (n !== last) [last, since] = [n, Date.now()];
    else if (n > 0 && Date.now() - since >= SETTLED_MS) return n;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  throw new Error('seeded events never settled in D1');
}

/**
 * Bundles the Worker once into a temp dir and writes a config next to it: `wrangler dev` on the
 * repo's own config would reload (and drop requests) whenever someone edits the Worker mid-run.
 */
async function snapshotWorker(dir) {
  await run(WRANGLER, ['deploy', '--dry-run', '--outdir', join(dir, 'bundle'), '-c', resolve(ROOT, 'wrangler.toml')], { cwd: ROOT });
  const toml = readFileSync(resolve(ROOT, 'wrangler.toml'), 'utf8')
    .replace(/^main = .*$/m, 'main = "bundle/index.js"\nno_bundle = true')
    .replace(/^directory = "\.\/public"/m, `directory = ${JSON.stringify(resolve(ROOT, 'public'))}`)
    .replace(/^migrations_dir = .*$/gm, `migrations_dir = ${JSON.stringify(resolve(ROOT, 'migrations'))}`);
  writeFileSync(join(dir, 'wrangler.toml'), toml);
  copyFileSync(resolve(ROOT, '.dev.vars'), join(dir, '.dev.vars'));
  return join(dir, 'wrangler.toml');
}

/** Starts the Worker and seeds the demo site; `stop()` kills it and removes its state. */
export async function startWorker({ days = 7 } = {}) {
  const secrets = await ensureDevVars(resolve(ROOT, '.dev.vars'));
  const dir = mkdtempSync(join(tmpdir(), 'pulse-dashboard-worker-'));
  const state = mkdtempSync(join(tmpdir(), 'pulse-dashboard-state-')); // outside `dir`: wrangler watches it
  const config = await snapshotWorker(dir);
  // every database of wrangler.toml, as `npm run dev` does: the crons walk DB_2 and DB_3 too
  for (const { name } of d1Databases(readFileSync(config, 'utf8'))) {
    await run(WRANGLER, ['d1', 'migrations', 'apply', name, '--local', '--persist-to', state, '-c', config], { cwd: ROOT });
  }
  const worker = await startDevServer({
    config, persistTo: state, readyPath: '/api/health',
    // loopback webhook targets (the test receiver), as `npm run dev` allows them; never in production
    // and the demo login an operator (the Operations page), as `npm run dev` makes it
    extraArgs: ['--test-scheduled', '--var', 'PULSE_WEBHOOK_ALLOW_LOOPBACK:1', '--var', `PULSE_OPERATOR_EMAILS:${DEMO_EMAIL}`],
  });
  let demo;
  let events;
  try {
    demo = await seedDemo({ api: worker.url, adminToken: secrets.PULSE_ADMIN_TOKEN, days });
    events = await waitForQuiet(worker.url, secrets.PULSE_ADMIN_TOKEN, demo.site);
    // One cron run builds the rollups, as the */5 trigger would.
    // (`/__scheduled` is wrangler's bundling middleware, absent from this no_bundle snapshot)
    const cron = await fetch(`${worker.url}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent('*/5 * * * *')}`);
    if (!cron.ok) throw new Error(`the */5 cron did not run: ${cron.status} ${await cron.text()}`);
  } catch (err) {
    // a failed seed must not leave wrangler dev running after the suite
    await worker.stop();
    rmSync(state, { recursive: true, force: true });
    throw err;
  }
  return {
    url: worker.url,
    demo: { ...demo, events },
    adminToken: secrets.PULSE_ADMIN_TOKEN,
    output: worker.output,
    async stop() {
      await worker.stop();
      rmSync(state, { recursive: true, force: true });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Serves the built dashboard (`dist/`) on workerd like Cloudflare Pages does. */
export async function startDashboard({ apiUrl }) {
  // A config of its own in a temp dir: run from dashboard/, wrangler also picked up the Worker's
  // root config and .dev.vars, and its `API` service binding is not wanted here (HTTP instead).
  const state = mkdtempSync(join(tmpdir(), 'pulse-dashboard-pages-'));
  writeFileSync(join(state, 'wrangler.toml'), [
    'name = "pulse-dashboard-test"',
    `pages_build_output_dir = ${JSON.stringify(join(DASHBOARD, 'dist'))}`,
    'compatibility_date = "2026-11-01"',
    'compatibility_flags = ["nodejs_als"]',
  ].join('\n'));
  const argsFor = (port) => ['pages', 'dev', '--port', String(port), '--ip', '127.0.0.1', '--persist-to', join(state, 'state'),
    '--binding', `PULSE_API_URL=${apiUrl}`, '--log-level', 'warn', '--show-interactive-dev-session=false'];
  const server = await startWrangler(argsFor, { cwd: state, readyPath: '/login/', name: 'wrangler pages dev' });
  return {
    url: server.url,
    output: server.output,
    async stop() {
      await server.stop();
      rmSync(state, { recursive: true, force: true });
    },
  };
}
