// @ts-check
/**
 * The one headless Chromium of the SDK, dashboard and e2e tests and of the benches. Which
 * binary, in this order:
 *   1. `CHROMIUM_PATH`, when set (an error if it is not an executable file: no silent fallback);
 *   2. a system Chromium: /usr/bin/chromium, /usr/bin/chromium-browser, /usr/bin/google-chrome;
 *   3. the binary shipped inside the npm package `@sparticuz/chromium`, so that `npm install` alone
 *      is enough on a machine with no browser.
 * Plain ESM with JSDoc types: vitest tests and the node benches import the same file.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';

/** The flags every launch uses, whichever binary it is. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** Makes every `*.example` host resolve to 127.0.0.1, so fixture pages run on a host that is not localhost. */
export const MAP_EXAMPLE_HOSTS = '--host-resolver-rules=MAP *.example 127.0.0.1';

/**
 * A regular desktop Chrome on Linux. Headless Chromium says "HeadlessChrome", which Pulse
 * (rightly) drops as a bot: pages whose events must reach a real Worker use this one.
 */
export const USER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

export const SYSTEM_CHROMIUMS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/**
 * @typedef {object} FoundChromium
 * @property {string} path the executable
 * @property {'CHROMIUM_PATH' | 'system' | '@sparticuz/chromium'} source where it came from
 * @property {Record<string, string>} [env] extra environment the binary needs
 */

/** @param {string} path */
function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** @type {Promise<FoundChromium> | undefined} */
let found;

/** Which Chromium `launchChromium` starts (resolved once per process). */
export function findChromium() {
  found ??= resolveChromium();
  return found;
}

/** @returns {Promise<FoundChromium>} */
async function resolveChromium() {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!isExecutable(fromEnv)) throw new Error(`CHROMIUM_PATH=${fromEnv} is not an executable file`);
    return { path: fromEnv, source: 'CHROMIUM_PATH' };
  }
  const system = SYSTEM_CHROMIUMS.find(isExecutable);
  if (system) return { path: system, source: 'system' };
  return { ...(await extractNpmChromium()), source: '@sparticuz/chromium' };
}

/**
 * Unpacks `@sparticuz/chromium` (brotli archives, ~200 MB unpacked) into a folder of its own
 * under the temp dir, once per version for every process on the machine.
 * @returns {Promise<{ path: string, env?: Record<string, string> }>}
 */
async function extractNpmChromium() {
  const require = createRequire(import.meta.url);
  const entry = require.resolve('@sparticuz/chromium');
  const pkgDir = join(dirname(entry), '..');
  const { version } = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  const dir = join(tmpdir(), `pulse-chromium-${version}`);
  if (!existsSync(join(dir, 'chromium'))) {
    // The package extracts straight to tmpdir()/chromium and returns that path as soon as the file
    // exists, even half-written by a parallel test file. So each process unpacks into a private
    // folder (a child with its own TMPDIR: changing ours would move other temp dirs of this process)
    // and renames it into place; a rename onto a folder another process finished first fails.
    const stage = mkdtempSync(join(tmpdir(), `pulse-chromium-${version}-`));
    const script = `const m = await import(${JSON.stringify(pathToFileURL(entry).href)});
      await m.default.executablePath();
      await m.inflate(${JSON.stringify(join(pkgDir, 'bin', 'al2023.tar.br'))});`;
    await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, TMPDIR: stage } });
    writeFileSync(join(stage, 'fonts.conf'), `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig><dir>${join(dir, 'fonts')}</dir><cachedir>${join(dir, 'fonts-cache')}</cachedir></fontconfig>\n`);
    try {
      renameSync(stage, dir);
    } catch (err) {
      rmSync(stage, { recursive: true, force: true });
      if (!existsSync(join(dir, 'chromium'))) throw err;
    }
  }
  return { path: join(dir, 'chromium'), env: await npmChromiumEnv(dir) };
}

/**
 * The binary is built for Amazon Linux and links the system's NSS and NSPR (libnss3, libnspr4),
 * which a slim Debian lacks; the package ships those libraries for Amazon Linux 2023, and they
 * load on Debian too. They are used only when the binary cannot start without them. Likewise its
 * fonts (Open Sans) only when the machine has no fontconfig setup of its own.
 * @param {string} dir
 * @returns {Promise<Record<string, string> | undefined>}
 */
async function npmChromiumEnv(dir) {
  /** @type {Record<string, string>} */
  const env = {};
  try {
    await promisify(execFile)(join(dir, 'chromium'), ['--version']);
  } catch {
    const lib = join(dir, 'al2023', 'lib');
    env.LD_LIBRARY_PATH = process.env.LD_LIBRARY_PATH ? `${lib}:${process.env.LD_LIBRARY_PATH}` : lib;
  }
  if (!existsSync('/etc/fonts/fonts.conf')) env.FONTCONFIG_FILE = join(dir, 'fonts.conf');
  return Object.keys(env).length ? env : undefined;
}

/**
 * Launches the Chromium `findChromium` picks, headless, with `CHROMIUM_ARGS` plus `args`.
 * @param {{ args?: string[] }} [options]
 * @returns {Promise<import('playwright-core').Browser>}
 */
export async function launchChromium({ args = [] } = {}) {
  const { path, env } = await findChromium();
  return chromium.launch({ executablePath: path, args: [...CHROMIUM_ARGS, ...args], env: env && { ...process.env, ...env } });
}
