import { sendViaGlobal } from './sink';
import type { Props, Track } from './types';

const MAX_STACK = 1000;

/**
 * Reports uncaught errors and unhandled promise rejections as non-interactive `error` events
 * (props `message`, `source`, `line`, `stack` trimmed to 1000 chars). The same error is sent once
 * per page load, and at most `limit` errors per page, so an error in a loop cannot flood Pulse.
 *
 * @param send where events go; defaults to `window.pulse`
 * @param limit most errors sent per page load
 * @example
 * import { init } from '@pulse/sdk';
 * import { initErrors } from '@pulse/sdk/errors';
 * init({ domain: 'example.com', api: 'https://pulse.example.com/api/event' });
 * initErrors();
 */
export function initErrors(send: Track = sendViaGlobal, limit = 10): void {
  const seen = new Set<string>();
  const report = (message: string, source?: string, line?: number, stack?: string) => {
    const key = message + '\n' + source + ':' + line;
    if (seen.has(key) || seen.size >= limit) return;
    seen.add(key);
    const props: Props = { message: message.slice(0, 500) };
    if (source) props.source = source;
    if (line) props.line = String(line);
    if (stack) props.stack = stack.slice(0, MAX_STACK);
    try {
      send('error', { props, interactive: false });
    } catch {
      // why: reporting must never raise a second error on the page
    }
  };
  // without capture this sees script errors only, not failed <img>/<script> loads
  addEventListener('error', (ev) => {
    const err = ev.error as Error | undefined;
    report(String(ev.message || err), ev.filename, ev.lineno, err && err.stack);
  });
  addEventListener('unhandledrejection', (ev) => {
    const reason = ev.reason as Error | undefined;
    report(String((reason && reason.message) || reason), undefined, undefined, reason && reason.stack);
  });
}
