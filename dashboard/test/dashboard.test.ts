/**
 * The dashboard in real headless Chromium against a real Worker: one Worker (seeded with 7 days
 * of demo traffic) and one built dashboard on `wrangler pages dev` serve every suite below.
 */
import { afterAll, beforeAll, describe } from 'vitest';
import { startAll, stopAll } from './harness';
import { authSuite } from './auth.suite';
import { automationSuite } from './automation.suite';
import { overviewSuite } from './overview.suite';
import { realtimeSuite } from './realtime.suite';
import { settingsSuite } from './settings.suite';
import { shareSuite } from './share.suite';

describe('dashboard', () => {
  beforeAll(startAll, 300_000);
  afterAll(stopAll, 60_000);
  authSuite();
  overviewSuite();
  shareSuite();
  realtimeSuite();
  settingsSuite();
  automationSuite();
});
