import { onCLS, onFCP, onINP, onLCP, onTTFB, type Metric } from 'web-vitals';
import { sendViaGlobal } from './sink';
import type { Track } from './types';

/**
 * Reports Core Web Vitals (LCP, INP, CLS, FCP, TTFB) with their ratings as non-interactive
 * `web-vital` events: props `metric`, `value` (ms, CLS unitless to 4 decimals) and `rating`.
 *
 * @param send where events go; defaults to `window.pulse`
 * @example
 * import { init } from '@pulse/sdk';
 * import { initVitals } from '@pulse/sdk/vitals';
 * init({ domain: 'example.com', api: 'https://pulse.example.com/api/event' });
 * initVitals();
 */
export function initVitals(send: Track = sendViaGlobal): void {
  const report = (m: Metric) => {
    const value = m.name == 'CLS' ? Math.round(m.value * 1e4) / 1e4 : Math.round(m.value);
    send('web-vital', {
      props: { metric: m.name, value: String(value), rating: m.rating },
      interactive: false,
    });
  };
  onLCP(report);
  onINP(report);
  onCLS(report);
  onFCP(report);
  onTTFB(report);
}
