/** Starts `wrangler dev` for a config, waits until it answers, and stops it again. */
import { spawn } from 'node:child_process';

const WRANGLER = new URL('../../node_modules/.bin/wrangler', import.meta.url).pathname;

export async function startDevServer({ config, port, persistTo, readyPath = '/', logFile, extraArgs = [] }) {
  const args = ['dev', '-c', config, '--port', String(port), '--ip', '127.0.0.1', '--log-level', 'warn', ...extraArgs];
  if (persistTo) args.push('--persist-to', persistTo);
  const child = spawn(WRANGLER, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, WRANGLER_SEND_METRICS: 'false' } });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev (${config}) exited:\n${output}`);
    try {
      const res = await fetch(url + readyPath);
      if (res.status < 500) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    output: () => output,
    async stop() {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
      // wrangler can exit before its workerd child has closed (and checkpointed) the SQLite files:
      // whoever opens them next must wait until the whole process group is gone
      for (let i = 0; i < 200; i++) {
        try {
          process.kill(-child.pid, 0);
        } catch {
          return; // ESRCH: no process of the group is left
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}

export function run(command, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${command} ${args.join(' ')} failed (${code}):\n${out}`))));
  });
}

export { WRANGLER };
