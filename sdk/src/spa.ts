import { config } from './config';
import { reportEngagement } from './engagement';
import { track } from './track';

let lastKey: string;

// a pageview when the path (or, in hash mode, path + hash) changed; the previous page's
// engagement goes first, in the same request
const onNavigate = () => {
  const key = (__PULSE_HASH__ ?? 'hash' in config()) ? location.pathname + location.hash : location.pathname;
  if (key != lastKey) {
    lastKey = key;
    reportEngagement();
    track('pageview');
  }
};

/**
 * Sends the first pageview, then one after every history change (pushState, replaceState,
 * back/forward) and, in hash mode, every hash change. Deduped by key, so a replaceState that
 * only edits the query string or a popstate + hashchange pair never counts twice.
 */
export function watchNavigation(): void {
  for (const method of ['pushState', 'replaceState'] as const) {
    const original = history[method];
    history[method] = function (this: History) {
      original.apply(this, arguments as unknown as Parameters<History[typeof method]>);
      onNavigate();
    };
  }
  addEventListener('popstate', onNavigate);
  if ((__PULSE_HASH__ ?? 'hash' in config())) addEventListener('hashchange', onNavigate);
  onNavigate();
}
