import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';
import { createDevSecrets } from './scripts/generate-dev-vars.mjs';
import { LongestFirstSequencer } from './test/sequencer';
import { startWebhookReceiver } from './test/helpers/webhook-receiver.mjs';
import { startCloudflareApiServer } from './test/helpers/cloudflare-api-server.mjs';

/**
 * Pure modules (parsing, normalising, attribution, dates, patterns) need no runtime: their tests
 * run in plain Node, where a file costs milliseconds instead of a workerd start. A test listed
 * here must not import `cloudflare:*` (the `unit` project fails to load it if it does).
 */
const UNIT_TESTS = [
  'contract/**/*.test.ts',
  'dashboard/src/lib/**/*.test.ts',
  'workers/collect/{attribute-source,geo-from-cf,normalize-url,parse-body,parse-device,pipeline,reject-bots,scrub-text,ua-cache}.test.ts',
  'workers/reports/errors/fingerprint.test.ts',
  'workers/reports/journeys/spans.test.ts',
  'workers/lib/{usage-meter,user-regex}.test.ts',
  'workers/query/date-range.test.ts',
  'workers/stats-v1/params.test.ts',
  'workers/automation/webhooks/{signature,targets}.test.ts',
  'workers/automation/alerts/anomaly.test.ts',
];

/**
 * Three projects: `unit` runs pure modules in Node; `workers` runs inside workerd (Worker, SiteDO,
 * Queue, D1, R2, cron code); `browser` runs in Node and drives headless Chromium
 * (test/helpers/browser.mjs) for the SDK and the dashboard.
 */
export default defineConfig({
  test: {
    // Browser tests mostly wait (pages, timers, servers), so three files at a time keep two cores
    // busy; a workerd test may then wait for CPU, hence its longer timeouts.
    maxWorkers: 3,
    sequence: { sequencer: LongestFirstSequencer },
    projects: [
      { test: { name: 'unit', include: UNIT_TESTS, environment: 'node' } },
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
                // the attack suite's fuzzers (test/fuzz/): a fixed seed unless FUZZ_SEED is set
                FUZZ_SEED: process.env.FUZZ_SEED ?? '',
                // webhooks (workers/automation/webhooks/): a real receiver on loopback, which the
                // tests allow as `npm run dev` does, and retries without back-off so that the DLQ
                // test walks every attempt in seconds
                TEST_WEBHOOK_RECEIVER: await startWebhookReceiver(),
                PULSE_WEBHOOK_ALLOW_LOOPBACK: '1',
                // operators by email (workers/auth/operator.ts): spaces and letter case on purpose,
                // the list is trimmed and case-insensitive (test/helpers/api.ts signs one in)
                PULSE_OPERATOR_EMAILS: ' Operator@Pulse.TEST , nobody-else@pulse.test',
                PULSE_WEBHOOK_RETRY_BASE_SECONDS: '0',
                // Cloudflare's API stands in locally (the real one is unreachable offline) for the
                // status's Queue depth (workers/status/queue-depth.ts); CF_ACCOUNT_ID stays unset
                TEST_CF_API: await startCloudflareApiServer(),
              },
              d1Databases: ['MIGRATION_TEST_DB'],
            },
          })),
        ],
        test: {
          name: 'workers',
          include: ['workers/**/*.test.ts', 'durable-objects/**/*.test.ts', 'test/{faults,fuzz}/**/*.test.ts'],
          exclude: UNIT_TESTS,
          // One workerd for all files instead of one per file (~1 s each): files share D1 and the
          // module caches, so every test names its own sites and rows and counts only those.
          isolate: false,
          // a loaded 2-core machine (CI, or the browser files beside) can stall a workerd test
          // for tens of seconds: the timeout guards hangs, not speed (benchmarks measure that)
          testTimeout: 90_000,
          hookTimeout: 60_000,
          setupFiles: ['./test/apply-migrations.ts'],
        },
      },
      {
        test: {
          name: 'browser',
          include: ['sdk/**/*.test.ts', 'dashboard/**/*.test.ts', 'bench/**/*.test.ts', 'test/e2e/**/*.test.ts', 'scripts/**/*.test.mjs'],
          // the dashboard's pure modules are unit tests, not browser ones
          exclude: UNIT_TESTS,
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // a page on a loaded 2-core machine can take seconds to answer a click: the 1 s default
          // of expect.poll made CI flaky (the second invitation, the details sort)
          expect: { poll: { timeout: 15_000 } },
        },
      },
    ],
  },
});
