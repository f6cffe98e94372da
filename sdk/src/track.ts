import { startEngagement, watchEngagement } from './engagement';
import { watchNavigation } from './spa';
import { send } from './transport';
import type { EventOptions, Options, Track } from './types';

/**
 * The running tracker's options. Module-level state, not a factory: a page has one tracker,
 * and plain variables minify far smaller than closures passed around.
 */
export let o: Options;

/** Sends one event (`window.pulse`); `track('404')` adds the path that was not found. */
export const track: Track = (name, options) => {
  const x: EventOptions = options || {};
  const e = send(name, x.url || location.href, name == '404' ? { path: location.pathname, ...x.props } : x.props, {
    $: x.revenue,
    i: x.interactive,
  });
  if (e && name == 'pageview') startEngagement(e);
};

/**
 * Starts the core tracker, shared by the script tag and the npm build: sends the first pageview,
 * follows SPA navigations, installs `window.pulse` and replays calls queued before load.
 * A flag is on when its key is present (`dataset` semantics).
 */
export function start(options: Options): void {
  o = options;
  const queued = window.pulse?.q;
  window.pulse = track;
  watchEngagement();
  watchNavigation();
  queued?.map((args) => track(...(args as Parameters<Track>)));
}
