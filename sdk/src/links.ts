import { sendViaGlobal } from './sink';
import type { Track } from './types';

// Plausible's default file-download extensions, as one pattern.
const DOWNLOADS = 'pdf|xlsx?|docx?|txt|rtf|csv|exe|key|pps|pptx?|7z|pkg|rar|gz|zip|avi|mov|mp4|mpe?g|wmv|midi?|mp3|wav|wma|dmg';

/** Which link and form interactions to track. */
export interface LinkOptions {
  /** Clicks on links to other hosts, as `Outbound Link: Click` with prop `url`. */
  outbound?: boolean;
  /** Clicks on file links, as `File Download` with prop `url` (no query string): `true` for the default extensions, or a list. */
  downloads?: boolean | string[];
  /** Form submissions, as `Form: Submission`. */
  forms?: boolean;
}

/**
 * Tracks outbound link clicks, file downloads and form submissions, each only when asked for.
 * Listens in the capture phase so an app's `stopPropagation` does not hide the click; the
 * event is sent in the same task, before the browser leaves the page.
 *
 * @param send where events go; defaults to `window.pulse`
 * @example
 * import { init } from '@pulse/sdk';
 * import { initLinks } from '@pulse/sdk/links';
 * init({ domain: 'example.com', api: 'https://pulse.example.com/api/event' });
 * initLinks({ outbound: true, downloads: ['pdf', 'zip'], forms: true });
 */
export function initLinks(options: LinkOptions, send: Track = sendViaGlobal): void {
  const dl = options.downloads;
  const files = dl && RegExp('\\.(' + (dl === true ? DOWNLOADS : dl.join('|')) + ')$', 'i');
  const onClick = (ev: MouseEvent) => {
    const a = (ev.target as Element).closest?.('a[href]') as HTMLAnchorElement | null;
    // auxclick counts only the middle button (open in new tab)
    if (!a || (ev.type == 'auxclick' && ev.button != 1)) return;
    if (options.outbound && a.host != location.host && /^https?:$/.test(a.protocol)) {
      send('Outbound Link: Click', { props: { url: a.href } });
    } else if (files && files.test(a.pathname)) {
      // the query string often carries signed tokens; the file is what matters
      send('File Download', { props: { url: a.href.split('?')[0] } });
    }
  };
  if (options.outbound || files) {
    addEventListener('click', onClick, true);
    addEventListener('auxclick', onClick, true);
  }
  if (options.forms) addEventListener('submit', () => send('Form: Submission'), true);
}
