#!/usr/bin/env node
/**
 * `npm run dev`: everything on one laptop, offline, on workerd.
 *   1. writes `.dev.vars` (secrets) if missing and builds the tracker into public/js
 *   2. applies D1 migrations to the local database under `.wrangler/`
 *   3. starts the Worker (fetch, queue, cron, Durable Objects) with `wrangler dev --test-scheduled`
 *   4. the first time, seeds a demo site with 30 days of realistic traffic through the real API
 *   5. starts the dashboard (Qwik City in Vite's dev server, talking to the Worker over HTTP)
 *   6. prints the URLs, the demo login and a demo API key, last, once both servers answer
 * Quiet by default: wrangler's and Vite's request logs go to .wrangler/logs/dev.log (their errors
 * and warnings still reach the terminal), and wrangler's bindings table is shown once, not on every
 * reload. PULSE_DEV_VERBOSE=1 forwards everything as it comes.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { ensureDevVars, parseDevVars } from './generate-dev-vars.mjs';
import { d1Databases } from './setup-config.mjs';
import { DEMO_EMAIL, seedDemo } from './seed-demo.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const WRANGLER = resolve(ROOT, 'node_modules/.bin/wrangler');
const PORT = Number(process.env.PULSE_PORT ?? 8787);
const API = `http://127.0.0.1:${PORT}`;
const DEMO_FILE = resolve(ROOT, '.wrangler/pulse-demo.json');
const DASHBOARD_PORT = Number(process.env.PULSE_DASHBOARD_PORT ?? 5173);
const DASHBOARD = `http://127.0.0.1:${DASHBOARD_PORT}`;
const LOG_FILE = resolve(ROOT, '.wrangler/logs/dev.log');
const VERBOSE = process.env.PULSE_DEV_VERBOSE === '1';
// what wrangler prints that nobody needs offline: the `Request.cf` fetch it cannot make
const OFFLINE_NOISE = /Request\.cf|workers\.cloudflare\.com|getaddrinfo|GetAddrInfoReqWrap/;
// lines worth a terminal even when quiet
const LOUD = /error|fail|exception|uncaught|✘|\bwarn/i;

/**
 * Forwards a child's output: everything to the log file; to the terminal only what is loud, plus
 * the first bindings table (wrangler repeats it on every reload). Line-buffered so a table or a
 * stack is judged whole.
 */
function forwardQuietly(stream, target, log, prefix = '') {
  let partial = '';
  let table = null; // lines of the bindings table being read, while it is read
  let tableShown = false;
  stream.on('data', (chunk) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop();
    for (const line of lines) {
      if (OFFLINE_NOISE.test(line)) continue;
      log.write(`${prefix}${line}\n`);
      if (VERBOSE) {
        target.write(`${prefix}${line}\n`);
        continue;
      }
      if (/Your Worker has access to the following bindings/.test(line)) table = [];
      if (table !== null) {
        table.push(line);
        if (line.trim() === '') {
          if (!tableShown) target.write(`${table.join('\n')}\n`);
          tableShown = true;
          table = null;
        }
        continue;
      }
      if (LOUD.test(line)) target.write(`${prefix}${line}\n`);
    }
  });
}

async function waitForUrl(url, child, what) {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited before it was ready (log: ${LOG_FILE})`);
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${what} did not answer at ${url} (log: ${LOG_FILE})`);
}

function runOnce(args) {
  return new Promise((ok, fail) => {
    const child = spawn(WRANGLER, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) => (code === 0 ? ok(out) : fail(new Error(`wrangler ${args.join(' ')} failed:\n${out}`))));
  });
}

async function main() {
  await ensureDevVars(resolve(ROOT, '.dev.vars'));
  const secrets = parseDevVars(readFileSync(resolve(ROOT, '.dev.vars'), 'utf8'));
  console.log('Building the tracker scripts into public/js…');
  await new Promise((ok, fail) =>
    spawn(process.execPath, [resolve(ROOT, 'scripts/build-assets.mjs')], { cwd: ROOT, stdio: 'inherit' }).on('exit', (code) =>
      code === 0 ? ok() : fail(new Error('building the tracker failed')),
    ),
  );
  console.log('Applying D1 migrations (local)…');
  // every database of wrangler.toml (pulse, pulse-2, …): all share one schema
  for (const { name } of d1Databases(readFileSync(resolve(ROOT, 'wrangler.toml'), 'utf8'))) await runOnce(['d1', 'migrations', 'apply', name, '--local']);

  console.log('Starting the Worker on workerd…');
  // Loopback webhook targets (http://127.0.0.1:…) are allowed on a laptop only: production refuses
  // them (workers/automation/webhooks/targets.ts).
  // The demo login is an operator (the Operations page, /api/v1/status) unless .dev.vars lists others.
  const operators = secrets.PULSE_OPERATOR_EMAILS || DEMO_EMAIL;
  const worker = spawn(WRANGLER, ['dev', '--port', String(PORT), '--ip', '127.0.0.1', '--test-scheduled', '--var', 'PULSE_WEBHOOK_ALLOW_LOOPBACK:1', '--var', `PULSE_OPERATOR_EMAILS:${operators}`], {
    cwd: ROOT,
    stdio: ['inherit', 'pipe', 'pipe'],
  });
  mkdirSync(resolve(ROOT, '.wrangler/logs'), { recursive: true });
  const log = createWriteStream(LOG_FILE, { flags: 'a' });
  forwardQuietly(worker.stdout, process.stdout, log);
  forwardQuietly(worker.stderr, process.stderr, log);
  // The dashboard runs in Vite's dev server (SSR, reloads on edit) and reaches the Worker over HTTP.
  const dashboard = spawn(resolve(ROOT, 'node_modules/.bin/vite'), ['dashboard', '--mode', 'ssr'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PULSE_API_URL: API, DASHBOARD_PORT: String(DASHBOARD_PORT) },
  });
  forwardQuietly(dashboard.stdout, process.stdout, log, '[dashboard] ');
  forwardQuietly(dashboard.stderr, process.stderr, log, '[dashboard] ');
  const stop = () => {
    dashboard.kill('SIGINT');
    worker.kill('SIGINT');
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  worker.on('exit', (code) => process.exit(code ?? 0));

  await waitForUrl(`${API}/api/health`, worker, 'the Worker');
  let demo = existsSync(DEMO_FILE) ? JSON.parse(readFileSync(DEMO_FILE, 'utf8')) : null;
  if (!demo) {
    console.log('First run: seeding the demo site with 30 days of traffic (about a minute)…');
    demo = await seedDemo({ api: API, adminToken: secrets.PULSE_ADMIN_TOKEN, log: (line) => console.log(`  ${line}`) });
    mkdirSync(resolve(ROOT, '.wrangler'), { recursive: true });
    writeFileSync(DEMO_FILE, JSON.stringify(demo, null, 2));
  }
  await waitForUrl(`${DASHBOARD}/login/`, dashboard, 'the dashboard');
  console.log(`
  Pulse is running locally.

    Dashboard         ${DASHBOARD}   (sign in with the demo login below)
    API and tracker   ${API}   (health: ${API}/api/health, docs: ${API}/api/openapi.json)
    Demo site         ${demo.site}
    Demo login        ${demo.email} / ${demo.password}   (an operator: ${DASHBOARD}/operations/)
    Demo API key      (stats:read for ${demo.site})
${demo.key}

    Try:  curl -X POST ${API}/api/event -H 'content-type: text/plain' \\
            -H 'user-agent: Mozilla/5.0 (Macintosh) AppleWebKit/537.36 Chrome/131.0 Safari/537.36' \\
            -d '{"n":"pageview","u":"https://${demo.site}/hello","d":"${demo.site}"}'
    Cron: curl '${API}/__scheduled?cron=*/5+*+*+*+*'     CLI: npm run pulse -- --help
    Logs: ${LOG_FILE}   (PULSE_DEV_VERBOSE=1 npm run dev shows them here)
`);
}

main().catch((err) => {
  console.error(err.message ?? err);
  process.exit(1);
});
