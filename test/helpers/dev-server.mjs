// @ts-check
/**
 * `wrangler dev` and `wrangler pages dev` for benches and browser tests: start on a port, wait
 * until it answers, stop again (the whole process group). Plain ESM with JSDoc types: vitest
 * tests and the node benches import the same file.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const WRANGLER = fileURLToPath(new URL('../../node_modules/.bin/wrangler', import.meta.url));

/**
 * @typedef {object} DevServer
 * @property {string} url `http://127.0.0.1:<port>`
 * @property {() => string} output what wrangler printed so far
 * @property {() => Promise<void>} stop kills wrangler and workerd, resolves once all are gone
 */

/**
 * A TCP port nobody listens on right now.
 * @returns {Promise<number>}
 */
export function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (srv.address());
      srv.close(() => ok(port));
    });
  });
}

/**
 * Spawns wrangler with `argsFor(port)` (which must listen on `port`, a free one if omitted), and
 * waits until `readyPath` answers below 500. Throws with wrangler's output if it exits or does not
 * answer within 120 s.
 * @param {(port: number) => string[]} argsFor
 * @param {{ port?: number, readyPath?: string, cwd?: string, name: string }} options
 * @returns {Promise<DevServer>}
 */
export async function startWrangler(argsFor, { port, readyPath = '/', cwd, name }) {
  // Two servers starting at once (the test files run in parallel) can be handed the same "free"
  // port, ours or one wrangler picks for workerd's internal sockets: the loser exits with
  // "Address already in use", and a fresh attempt gets other ports.
  for (let attempt = 1; ; attempt++) {
    const listen = port ?? (await freePort());
    try {
      return await spawnAndWait(argsFor(listen), { port: listen, readyPath, cwd, name });
    } catch (err) {
      if (attempt >= 3 || !String(err).includes('Address already in use')) throw err;
    }
  }
}

/**
 * @param {string[]} args
 * @param {{ port: number, readyPath: string, cwd?: string, name: string }} options
 * @returns {Promise<DevServer>}
 */
async function spawnAndWait(args, { port, readyPath, cwd, name }) {
  const child = spawn(WRANGLER, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, WRANGLER_SEND_METRICS: 'false' } });
  const pid = /** @type {number} */ (child.pid);
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  const server = {
    url,
    output: () => output,
    async stop() {
      try {
        process.kill(-pid, 'SIGTERM');
      } catch {
        // already gone
      }
      await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once('exit', r)));
      // wrangler can exit before its workerd child has closed (and checkpointed) the SQLite files:
      // whoever opens them next must wait until the whole process group is gone
      for (let i = 0; i < 200; i++) {
        try {
          process.kill(-pid, 0);
        } catch {
          return; // ESRCH: no process of the group is left
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited:\n${output}`);
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`${name} did not answer within 120 s:\n${output}`);
    }
    try {
      const res = await fetch(url + readyPath);
      if (res.status < 500) return server;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * `wrangler dev` for a config on `port` (a free one if omitted), state under `persistTo`.
 * @param {{ config: string, port?: number, persistTo?: string, readyPath?: string, extraArgs?: string[] }} options
 * @returns {Promise<DevServer>}
 */
export async function startDevServer({ config, port, persistTo, readyPath = '/', extraArgs = [] }) {
  const argsFor = (/** @type {number} */ listen) => [
    'dev', '-c', config, '--port', String(listen), '--ip', '127.0.0.1', '--log-level', 'warn', ...extraArgs,
    ...(persistTo ? ['--persist-to', persistTo] : []),
  ];
  return startWrangler(argsFor, { port, readyPath, name: `wrangler dev (${config})` });
}

/**
 * Runs a command to its end; rejects with its output if it fails.
 * @param {string} command
 * @param {string[]} args
 * @param {import('node:child_process').SpawnOptions} [opts]
 * @returns {Promise<string>} stdout and stderr
 */
export function run(command, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    let out = '';
    child.stdout?.on('data', (d) => (out += d));
    child.stderr?.on('data', (d) => (out += d));
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${command} ${args.join(' ')} failed (${code}):\n${out}`))));
  });
}
