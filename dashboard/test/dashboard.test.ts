/**
 * The dashboard in real headless Chromium against a real Worker: one Worker (seeded with 7 days
 * of demo traffic) and one built dashboard on `wrangler pages dev` serve every suite below.
 */
import { afterAll, beforeAll, describe } from 'vitest';
import { startAll, stopAll } from './harness';
import { a11ySuite } from './a11y.suite';
import { authSuite } from './auth.suite';
import { chartSuite } from './chart.suite';
import { detailsSuite } from './details.suite';
import { filtersSuite } from './filters.suite';
import { automationSuite } from './automation.suite';
import { channelsSuite } from './channels.suite';
import { operationsSuite } from './operations.suite';
import { overviewSuite } from './overview.suite';
import { performanceSuite } from './performance.suite';
import { realtimeSuite } from './realtime.suite';
import { segmentsSuite } from './segments.suite';
import { reportsSuite } from './reports.suite';
import { settingsSuite } from './settings.suite';
import { settingsExtrasSuite } from './settings-extras.suite';
import { shareSuite } from './share.suite';
import { rangeCalendarSuite } from './range-calendar.suite';
import { timeControlsSuite } from './time-controls.suite';

describe('dashboard', () => {
  beforeAll(startAll, 300_000);
  afterAll(stopAll, 60_000);
  authSuite();
  overviewSuite();
  segmentsSuite();
  filtersSuite();
  chartSuite();
  timeControlsSuite();
  rangeCalendarSuite();
  detailsSuite();
  shareSuite();
  realtimeSuite();
  performanceSuite();
  settingsSuite();
  settingsExtrasSuite();
  a11ySuite();
  reportsSuite();
  automationSuite();
  channelsSuite();
  operationsSuite();
});
