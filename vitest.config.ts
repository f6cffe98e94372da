import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';
import { createDevSecrets } from './scripts/generate-dev-vars.mjs';

/**
 * Two projects: `workers` runs inside workerd (Worker, SiteDO, Queue, D1, R2, cron code);
 * `browser` runs in Node and drives headless Chromium (test/helpers/browser.mjs) for the SDK and the dashboard.
 */
export default defineConfig({
  test: {
    projects: [
      {
        plugins: [
          cloudflareTest(async () => ({
            wrangler: { configPath: './wrangler.toml' },
            miniflare: {
              // Secrets are generated per run (signing keys, admin token): tests never need .dev.vars.
              bindings: {
                TEST_MIGRATIONS: await readD1Migrations('./migrations'),
                // first landed versions of migrations edited since, and a database of their own for
                // workers/db/migrations.test.ts to migrate from every landed step
                TEST_LANDED_MIGRATIONS: await readD1Migrations('./test/landed-migrations'),
                ...(await createDevSecrets()),
              },
              d1Databases: ['MIGRATION_TEST_DB'],
            },
          })),
        ],
        test: {
          name: 'workers',
          include: ['workers/**/*.test.ts', 'durable-objects/**/*.test.ts'],
          setupFiles: ['./test/apply-migrations.ts'],
        },
      },
      {
        test: {
          name: 'browser',
          include: ['sdk/**/*.test.ts', 'dashboard/**/*.test.ts', 'bench/**/*.test.ts', 'test/e2e/**/*.test.ts', 'scripts/**/*.test.mjs'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
