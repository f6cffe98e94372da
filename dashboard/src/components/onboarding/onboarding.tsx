/**
 * A new site's overview before its first pageview: the snippet, a hint for trying it on
 * localhost, and a "waiting" line that turns live the moment an event reaches the site, through
 * the same WebSocket as the realtime page (no polling).
 */
import { component$, useStore, useVisibleTask$ } from '@builder.io/qwik';
import { Link } from '@builder.io/qwik-city';
import { openLive } from '../../lib/live-socket';
import { Snippet } from '../snippet/snippet';

export const Onboarding = component$<{ site: string; tracker: string; base: string }>(({ site, tracker, base }) => {
  const state = useStore({ connected: false, first: null as null | { path: string; time: string } });

  useVisibleTask$(({ cleanup }) => {
    const live = openLive(site, null, {
      onStatus: (status) => (state.connected = status === 'live'),
      onMessage: (msg) => {
        if (state.first) return;
        // a snapshot counts too: the pageview may land between the page load and the socket
        const event = msg.type === 'events' ? msg.events[0] : msg.type === 'snapshot' ? msg.recent[0] : undefined;
        if (event) state.first = { path: event.name === 'pageview' ? event.path : event.name, time: event.time.slice(11, 19) };
      },
    });
    cleanup(() => live.stop());
  });

  return (
    <section class="card onboarding stack" data-testid="onboarding">
      <h2>Start counting visitors on {site}</h2>
      <p>Paste this snippet into the &lt;head&gt; of every page of your site, then open one of them.</p>
      <Snippet site={site} tracker={tracker} />
      <p class="muted">
        Trying it on localhost first? Pulse ignores local pages unless the script tag says so: add <code>data-allow-localhost</code> to it, and remove it again before you go live.
      </p>
      <p class="waiting" data-testid="onboarding-status" aria-live="polite" data-state={state.first ? 'live' : 'waiting'}>
        {state.first ? (
          <>
            <span class="live-dot" aria-hidden="true" /> Your first event arrived at {state.first.time} UTC: {state.first.path}. The reports fill in within a minute.{' '}
            <Link prefetch={false} href={`${base}/realtime/`}>Watch it live</Link> · <Link prefetch={false} href={`${base}/?setup=done`}>Open the dashboard</Link>
          </>
        ) : (
          <>Waiting for the first pageview{state.connected ? '…' : ' (connecting)…'}</>
        )}
      </p>
    </section>
  );
});
