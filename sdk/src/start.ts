import { setConfig } from './config';
import { watchEngagement } from './engagement';
import { watchNavigation } from './spa';
import { track } from './track';
import type { Options, Track } from './types';

/**
 * Starts the core tracker, shared by the script tag and the npm build: sends the first pageview,
 * follows SPA navigations, installs `window.pulse` and replays calls queued before load.
 * A flag is on when its key is present (`dataset` semantics).
 */
export function start(options: Options): void {
  setConfig(options);
  const queued = window.pulse?.q;
  window.pulse = track;
  watchEngagement();
  watchNavigation();
  queued?.map((args) => track(...(args as Parameters<Track>)));
}
