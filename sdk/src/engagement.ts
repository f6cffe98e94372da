import { send } from './transport';
import type { Payload } from './types';

/**
 * Scroll depth and engaged (visible) time of the current page, as Plausible's `engagement` event:
 * reported when the page is hidden and before an SPA navigation, only when something changed
 * (a deeper scroll, or at least 3 s more of engaged time).
 */
let page: Payload | undefined; // the pageview being measured
let since: number | false; // when the page last became visible, false while hidden
let maxBottom: number;
let engaged: number;
let sentDepth: number;

const bottom = () => scrollY + innerHeight;
const resume = () => (since = !document.hidden && Date.now());

/** Starts measuring the page of this pageview. */
export function startEngagement(pageview: Payload): void {
  page = pageview;
  maxBottom = bottom();
  engaged = 0;
  sentDepth = -1;
  resume();
}

/** Sends the current page's engagement if it changed since the last report. */
export function reportEngagement(): void {
  if (page) {
    engaged += +(since && Date.now() - since);
    resume();
    const sd = Math.min(100, Math.round((maxBottom / document.documentElement.scrollHeight) * 100));
    if (sd > sentDepth || engaged > 3e3) {
      send('engagement', page.u, page.p, { sd: (sentDepth = sd), e: engaged });
      engaged = 0;
    }
  }
}

/** Follows scrolling, and reports when the page is hidden (tab switch, close, navigation away). */
export function watchEngagement(): void {
  // scroll events cannot be cancelled, so this listener never delays scrolling
  addEventListener('scroll', () => (maxBottom = Math.max(maxBottom, bottom())));
  // visibilitychange fired at the document also reaches window listeners
  addEventListener('visibilitychange', () => (document.hidden ? reportEngagement() : resume()));
}
