import type { D1Migration } from '@cloudflare/vitest-plugin';
import type { Env as WorkerEnv } from '../workers/env';

declare global {
  namespace Cloudflare {
    interface Env extends WorkerEnv {
      TEST_MIGRATIONS: D1Migration[];
      TEST_LANDED_MIGRATIONS: D1Migration[];
      MIGRATION_TEST_DB: D1Database;
      /** overrides the fuzzers' default seed (test/helpers/fuzz.ts); '' = the default */
      FUZZ_SEED: string;
      /** the local webhook receiver's origin (test/helpers/webhook-receiver.mjs) */
      TEST_WEBHOOK_RECEIVER: string;
      /** a local stand-in for Cloudflare's API (test/helpers/cloudflare-api-server.mjs), ending /client/v4 */
      TEST_CF_API: string;
    }
  }
}
export type Env = WorkerEnv;
