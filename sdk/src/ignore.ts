import { o } from './track';

/** The stored persistent id, read with the opt-out flag (one storage access per event). */
export let pid: string | undefined;

/**
 * Whether this browser must not be tracked: an opt-out flag, Global Privacy Control,
 * automation (`navigator.webdriver`), or a local page unless `allowLocalhost` is set.
 * Checked per event, so an opt-out set while the page is open takes effect at once.
 */
export function isIgnored(): unknown {
  const n = navigator;
  try {
    if (localStorage.pulse_ignore == 'true') return 1;
    pid = localStorage.pulse_pid;
  } catch {
    // why: storage access throws in sandboxed iframes and with storage blocked; then only the other checks apply
  }
  return (
    window.pulseOptOut ||
    n.globalPrivacyControl ||
    n.webdriver ||
    // localhost, 127.x, [::1], and an empty hostname (a file: page)
    (!('allowLocalhost' in o) && /^(localhost|127\.|\[::1|$)/.test(location.hostname))
  );
}
