import { startEngagement } from './engagement';
import { send } from './transport';
import type { EventOptions, Track } from './types';

/** Sends one event (`window.pulse`); `track('404')` adds the path that was not found. */
export const track: Track = (name, options) => {
  const x: EventOptions = options || {};
  const e = send(name, x.url || location.href, name == '404' ? { path: location.pathname, ...x.props } : x.props, {
    $: x.revenue,
    i: x.interactive,
  });
  if (e && name == 'pageview') startEngagement(e);
};
