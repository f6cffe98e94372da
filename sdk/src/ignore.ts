import { config } from './config';
import type { Payload } from './types';

/**
 * Whether this event may be sent: not when an opt-out flag, Global Privacy Control, automation
 * (`navigator.webdriver`) or a local page (unless `allowLocalhost` is set) says no. Checked per
 * event, so an opt-out set while the page is open takes effect at once. Stamps the event with the
 * stored persistent id, read with the opt-out flag (one storage access per event).
 */
export function admit(e: Payload): boolean {
  try {
    if (localStorage.pulse_ignore == 'true') return false;
    e.pid = localStorage.pulse_pid;
  } catch {
    // why: storage access throws in sandboxed iframes and with storage blocked; then only the other checks apply
  }
  return !(
    window.pulseOptOut ||
    navigator.globalPrivacyControl ||
    navigator.webdriver ||
    // localhost, 127.x, [::1], and an empty hostname (a file: page)
    (!('allowLocalhost' in config()) && /^(localhost|127\.|\[::1|$)/.test(location.hostname))
  );
}
