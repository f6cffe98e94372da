import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';
import { createDevSecrets } from '../../scripts/generate-dev-vars.mjs';

/**
 * The workerd half of `npm run bench:cost` (bench/cost.mjs runs it once per rate, each in a fresh
 * runtime, so D1, R2 and the objects hold that rate's site alone). Only the simulation: `npm test`
 * never runs it (its workers project includes workers/, durable-objects/ and test/ only).
 */
export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['bench/cost/simulate.ts'],
    testTimeout: 900_000,
    hookTimeout: 120_000,
    setupFiles: ['./test/apply-migrations.ts'],
  },
  plugins: [
    cloudflareTest(async () => ({
      wrangler: { configPath: './wrangler.toml' },
      miniflare: {
        // The consumer's batching wait (1 s in wrangler.toml) only paces the bench's drains: each
        // message is written on its own either way, so what a message costs does not change.
        queueConsumers: { 'pulse-events': { maxBatchSize: 50, maxBatchTimeout: 0.05, maxRetries: 5, deadLetterQueue: 'pulse-events-dlq' } },
        bindings: {
          TEST_MIGRATIONS: await readD1Migrations('./migrations'),
          ...(await createDevSecrets()),
          BENCH_EVENTS_PER_MONTH: process.env.BENCH_EVENTS_PER_MONTH ?? '1000000',
          BENCH_WINDOW_MS: process.env.BENCH_WINDOW_MS ?? '3600000',
        },
      },
    })),
  ],
});
