// Builds the Pulse SDK with esbuild (`npm run build:sdk`):
//  · script-tag IIFEs in dist/, each under a stable name (pulse.js, pulse.vitals.js, …) and a
//    content-hashed one (pulse.<hash>.js), with SRI sha384 values in dist/manifest.json;
//  · the ESM package in dist/esm/ and its TypeScript declarations in dist/types/.
// Fails when the core (pulse.js) is over its gzip budget. Tests import `build()` directly.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';

const SDK = dirname(fileURLToPath(import.meta.url));
const DIST = join(SDK, 'dist');
export const CORE_BUDGET_GZIP = 1000;
/** the vitals and errors modules together (issue 17) */
export const REPORTS_BUDGET_GZIP = 2500;

/** Script-tag files: stable name → entry point (and whether hash routing is compiled in). */
export const SCRIPTS = {
  'pulse.js': ['src/loader.ts', false],
  'pulse.hash.js': ['src/loader.ts', true],
  'pulse.links.js': ['src/script/links.ts'],
  'pulse.persist.js': ['src/script/persist.ts'],
  'pulse.vitals.js': ['src/script/vitals.ts'],
  'pulse.errors.js': ['src/script/errors.ts'],
};
const ESM_ENTRIES = { index: 'src/index.ts', links: 'src/links.ts', persist: 'src/persist.ts', vitals: 'src/vitals.ts', errors: 'src/errors.ts', client: 'client/index.ts' };

/** gzip (zlib level 9) and brotli (quality 11) sizes, as the budget and the benchmark count them. */
export function compressedSizes(buf) {
  return {
    raw: buf.length,
    gzip: gzipSync(buf, { level: 9 }).length,
    brotli: brotliCompressSync(buf, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

// why atomic: test files build concurrently and Chromium may be reading a script meanwhile
function writeAtomic(file, data) {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}

async function buildScripts() {
  const manifest = {};
  for (const [name, [entry, hash = false]] of Object.entries(SCRIPTS)) {
    const out = await esbuild.build({
      entryPoints: [join(SDK, entry)],
      bundle: true,
      minify: true,
      format: 'iife',
      target: 'es2020',
      write: false,
      define: { __PULSE_HASH__: String(hash) },
      // no "use strict" prologue: the IIFE body is strict-safe and every byte counts
      tsconfigRaw: {},
      legalComments: 'none',
    });
    const code = Buffer.from(out.outputFiles[0].text.trim());
    const sri = 'sha384-' + createHash('sha384').update(code).digest('base64');
    const hashed = name.replace(/\.js$/, `.${createHash('sha256').update(code).digest('hex').slice(0, 10)}.js`);
    writeAtomic(join(DIST, name), code);
    writeAtomic(join(DIST, hashed), code);
    manifest[name] = { file: hashed, sri, ...compressedSizes(code) };
  }
  // drop hashed files of earlier builds
  const current = new Set(Object.values(manifest).map((m) => m.file));
  for (const f of readdirSync(DIST)) if (/^pulse(\.[a-z]+)?\.[0-9a-f]{10}\.js$/.test(f) && !current.has(f)) rmSync(join(DIST, f), { force: true });
  writeAtomic(join(DIST, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

async function buildEsm() {
  const out = await esbuild.build({
    entryPoints: Object.fromEntries(Object.entries(ESM_ENTRIES).map(([k, v]) => [k, join(SDK, v)])),
    bundle: true,
    splitting: true,
    format: 'esm',
    target: 'es2020',
    outdir: join(DIST, 'esm'),
    chunkNames: 'chunks/[name]-[hash]',
    external: ['web-vitals'],
    // the npm build reads the `hash` option at run time
    define: { __PULSE_HASH__: 'undefined' },
    write: false,
  });
  for (const f of out.outputFiles) writeAtomic(f.path, f.contents);
}

async function buildTypes() {
  const { default: ts } = await import('typescript');
  const files = [...Object.values(ESM_ENTRIES), 'src/build-flags.d.ts'].map((f) => join(SDK, f));
  const program = ts.createProgram(files, {
    declaration: true,
    emitDeclarationOnly: true,
    // The client's wire types live in contract/ (one definition for the Worker, dashboard and
    // client), so declarations are rooted one level up: dist/types/sdk/… and dist/types/contract/….
    rootDir: join(SDK, '..'),
    outDir: join(DIST, 'types'),
    target: ts.ScriptTarget.ES2020,
    module: ts.ModuleKind.ES2022,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2020.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
    types: [],
    strict: true,
    skipLibCheck: true,
  });
  const result = program.emit(undefined, (file, text) => writeAtomic(file, text));
  const diagnostics = ts.getPreEmitDiagnostics(program).concat(result.diagnostics);
  if (diagnostics.length) {
    throw new Error(ts.formatDiagnostics(diagnostics, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => SDK, getNewLine: () => '\n' }));
  }
}

/**
 * Builds everything into sdk/dist and returns the script manifest.
 * `types: false` skips the declarations (the browser tests do not need them).
 */
export async function build({ types = true } = {}) {
  const manifest = await buildScripts();
  await buildEsm();
  if (types) await buildTypes();
  const core = manifest['pulse.js'];
  if (core.gzip > CORE_BUDGET_GZIP) throw new Error(`pulse.js is ${core.gzip} B gzip, over the ${CORE_BUDGET_GZIP} B budget`);
  const reports = manifest['pulse.vitals.js'].gzip + manifest['pulse.errors.js'].gzip;
  if (reports > REPORTS_BUDGET_GZIP) throw new Error(`pulse.vitals.js + pulse.errors.js are ${reports} B gzip, over the ${REPORTS_BUDGET_GZIP} B budget`);
  return manifest;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const manifest = await build();
  for (const [name, m] of Object.entries(manifest)) {
    console.log(`${name.padEnd(17)} ${String(m.raw).padStart(6)} B  gzip ${String(m.gzip).padStart(5)} B  br ${String(m.brotli).padStart(5)} B  ${m.file}  ${m.sri}`);
  }
  console.log(`core budget: pulse.js ${manifest['pulse.js'].gzip} B gzip <= ${CORE_BUDGET_GZIP} B ok`);
  console.log(`modules budget: pulse.vitals.js + pulse.errors.js ${manifest['pulse.vitals.js'].gzip + manifest['pulse.errors.js'].gzip} B gzip <= ${REPORTS_BUDGET_GZIP} B ok`);
  console.log(`esm: ${relative(process.cwd(), join(DIST, 'esm'))}/, types: ${relative(process.cwd(), join(DIST, 'types'))}/`);
}
