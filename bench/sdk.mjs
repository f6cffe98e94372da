// `npm run bench:sdk`: sizes of every Pulse build next to the peers installed from npm, and the
// main-thread time the core adds to a page load in Chromium. Prints one line per number.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { build, compressedSizes } from '../sdk/build.mjs';
import { measureMainThread } from './sdk-main-thread.mjs';
import { APPS, PEER_FILES } from './sdk-peers.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.env.BENCH_RUNS || 15);

const pad = (s, n) => String(s).padEnd(n);
const num = (n) => String(n).padStart(7);
const ratio = (x, base) => (x / base).toFixed(2) + 'x';
const line = (label, s, base) =>
  console.log(`${pad(label, 52)} raw ${num(s.raw)} B  gzip ${num(s.gzip)} B  br ${num(s.brotli)} B  gzip vs plausible ${ratio(s.gzip, base.gzip)}`);

async function bundleApp(source) {
  const out = await esbuild.build({
    stdin: { contents: source, resolveDir: ROOT, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    write: false,
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  return Buffer.from(out.outputFiles[0].text);
}

const manifest = await build();
const plausibleFile = compressedSizes(readFileSync(join(ROOT, 'node_modules', PEER_FILES[0].file)));

console.log('# script-tag files (sdk/dist), as served');
for (const [name, m] of Object.entries(manifest)) line(`pulse ${name}`, m, plausibleFile);
const core = manifest['pulse.js'];
const sum = (names) => names.reduce((a, n) => ({ raw: a.raw + manifest[n].raw, gzip: a.gzip + manifest[n].gzip, brotli: a.brotli + manifest[n].brotli }), { raw: 0, gzip: 0, brotli: 0 });
line('pulse pulse.js + links + persist + errors', sum(['pulse.js', 'pulse.links.js', 'pulse.persist.js', 'pulse.errors.js']), plausibleFile);
line('pulse pulse.js + every module (incl. vitals)', sum(['pulse.js', 'pulse.links.js', 'pulse.persist.js', 'pulse.errors.js', 'pulse.vitals.js']), plausibleFile);

console.log('# peers: browser files as shipped in node_modules');
for (const peer of PEER_FILES) line(peer.label, compressedSizes(readFileSync(join(ROOT, 'node_modules', peer.file))), plausibleFile);

console.log('# minimal app per tracker, bundled + minified by esbuild (IIFE)');
const bundles = {};
for (const [name, source] of Object.entries(APPS)) bundles[name] = await bundleApp(source);
const plausibleApp = compressedSizes(bundles.plausible);
for (const [name, code] of Object.entries(bundles)) line(`app: ${name}`, compressedSizes(code), plausibleApp);

console.log(`# budget: pulse.js core ${core.gzip} B gzip (limit 1000 B): ${core.gzip <= 1000 ? 'ok' : 'OVER'}`);
{
  const reports = manifest['pulse.vitals.js'].gzip + manifest['pulse.errors.js'].gzip;
  console.log(`# budget: pulse.vitals.js ${manifest['pulse.vitals.js'].gzip} B + pulse.errors.js ${manifest['pulse.errors.js'].gzip} B = ${reports} B gzip (limit 2500 B): ${reports <= 2500 ? 'ok' : 'OVER'}`);
}

console.log(`# main-thread time added to a page load, Chromium, median of ${RUNS} loads (CDP Performance.getMetrics)`);
// `empty script` loads an empty external file: its cost is the script tag itself (fetch, parse,
// task); a tracker's own work is what it adds on top of that
const variants = {
  none: '',
  'empty script': '/* empty */',
  'pulse.js': readFileSync(join(ROOT, 'sdk/dist/pulse.js'), 'utf8'),
  plausible: bundles.plausible.toString(),
  counterscale: bundles.counterscale.toString(),
};
const timings = await measureMainThread(variants, { runs: RUNS });
const none = timings.none;
const empty = timings['empty script'];
const plus = (x) => (x >= 0 ? '+' : '') + x.toFixed(2);
for (const [name, t] of Object.entries(timings)) {
  console.log(
    `${pad(name, 14)} ScriptDuration ${t.script.toFixed(2).padStart(6)} ms (${plus(t.script - none.script)} vs none, ${plus(t.script - empty.script)} vs empty script)  ` +
      `TaskDuration ${t.task.toFixed(2).padStart(6)} ms (${plus(t.task - none.task)} vs none, ${plus(t.task - empty.task)} vs empty script)  events/load ${t.events.toFixed(1)}`,
  );
}
const addedPulse = timings['pulse.js'].script - none.script;
const addedPlausible = timings.plausible.script - none.script;
console.log(`# pulse.js script time added vs plausible: ${addedPlausible > 0 ? ratio(Math.max(addedPulse, 0), addedPlausible) : 'n/a'}`);
