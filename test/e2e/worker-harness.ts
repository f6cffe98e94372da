/**
 * A real Pulse Worker for browser end-to-end tests: `wrangler dev` on a free port with its own
 * temporary state, migrations applied, secrets generated, and helpers to create sites and read
 * the local D1 the Worker writes to.
 */
import type { D1Database, R2Bucket } from '@cloudflare/workers-types';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { getPlatformProxy } from 'wrangler';
import { createDevSecrets } from '../../scripts/generate-dev-vars.mjs';
import { run, startDevServer, WRANGLER } from '../helpers/dev-server.mjs';

const ROOT = resolve(import.meta.dirname, '../..');

export interface TestWorker {
  url: string;
  adminToken: string;
  admin(method: string, path: string, body?: unknown): Promise<any>;
  query<T>(sql: string, ...params: unknown[]): Promise<T[]>;
  /** the local R2 archive the Worker writes to */
  archive: R2Bucket;
  stop(): Promise<void>;
}

export async function startTestWorker(): Promise<TestWorker> {
  const state = mkdtempSync(join(tmpdir(), 'pulse-e2e-'));
  const secrets = await createDevSecrets();
  // wrangler dev reads secrets from .dev.vars next to the config; a copy of the config in the
  // temp dir would lose relative paths, so pass them as --var instead.
  const vars = Object.entries(secrets).flatMap(([k, v]) => ['--var', `${k}:${v}`]);
  await run(WRANGLER, ['d1', 'migrations', 'apply', 'pulse', '--local', '--persist-to', state], { cwd: ROOT });
  const server = await startDevServer({ config: join(ROOT, 'wrangler.toml'), persistTo: state, readyPath: '/api/health', extraArgs: vars });
  const proxy = await getPlatformProxy<{ DB: D1Database; ARCHIVE: R2Bucket }>({ configPath: join(ROOT, 'wrangler.toml'), persist: { path: join(state, 'v3') } });
  const adminToken = secrets.PULSE_ADMIN_TOKEN as string;
  return {
    url: server.url,
    adminToken,
    async admin(method, path, body) {
      const res = await fetch(server.url + path, {
        method,
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${path} -> ${res.status} ${text}`);
      return text ? JSON.parse(text) : null;
    },
    archive: proxy.env.ARCHIVE,
    async query(sql, ...params) {
      const { results } = await proxy.env.DB.prepare(sql).bind(...params).all();
      return results as never;
    },
    async stop() {
      await proxy.dispose();
      await server.stop();
      rmSync(state, { recursive: true, force: true });
    },
  };
}
