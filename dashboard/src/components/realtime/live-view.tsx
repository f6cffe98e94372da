/**
 * The realtime view: current visitors, pageviews per minute over 30 minutes, the live event
 * feed, and the top pages, sources, countries and devices of those 30 minutes. Starts from the server-rendered snapshot, then follows the WebSocket (lib/live-socket.ts):
 * a `snapshot` message replaces everything, `events` messages append.
 */
import { component$, useStore, useVisibleTask$ } from '@builder.io/qwik';
import type { LiveMessage, RealtimeSnapshot } from '../../lib/live';
import type { BreakdownRow } from '../../../../contract/realtime';
import { openLive } from '../../lib/live-socket';
import { SNAPSHOT_INTERVAL_MS } from '../../../../contract/realtime';
import { countryName } from '../../lib/format';
import { ApexChart } from '../chart/apex-chart';

const FEED = 50;
/** How often the socket grants a snapshot, plus a margin so that jitter never gets one refused. */
const SNAPSHOT_EVERY_MS = SNAPSHOT_INTERVAL_MS + 200;

export const LiveView = component$<{ site: string; share: string | null; snapshot: RealtimeSnapshot }>(({ site, share, snapshot }) => {
  const state = useStore({ snap: snapshot, status: 'connecting' as 'connecting' | 'live' | 'offline', error: '' });

  useVisibleTask$(({ cleanup }) => {
    // An `events` message carries the current visitors and the minute, not the 30-minute totals
    // or the top lists: those come with a snapshot, which the socket grants once per
    // SNAPSHOT_EVERY_MS. So events ask for one, at most that often, and a burst asks once.
    let askedAt = 0;
    let askTimer: ReturnType<typeof setTimeout> | undefined;
    const askSnapshot = () => {
      if (askTimer) return;
      const wait = Math.max(0, askedAt + SNAPSHOT_EVERY_MS - Date.now());
      askTimer = setTimeout(() => {
        askTimer = undefined;
        if (live.send(JSON.stringify({ type: 'snapshot' }))) askedAt = Date.now();
      }, wait);
    };

    const apply = (msg: LiveMessage) => {
      if (msg.type === 'snapshot') {
        const { type: _type, ...snap } = msg;
        state.snap = snap;
        return;
      }
      if (msg.type !== 'events') return; // a notice (a refused request): the next ask retries
      const known = new Set(state.snap.recent.map((e) => e.id));
      const fresh = msg.events.filter((e) => !known.has(e.id));
      const minutes = [...state.snap.minutes];
      if (minutes.length && minutes[minutes.length - 1]!.time === msg.minute.time) minutes[minutes.length - 1] = msg.minute;
      else minutes.push(msg.minute), minutes.shift();
      state.snap = { ...state.snap, visitors: msg.visitors, minutes, recent: [...fresh.reverse(), ...state.snap.recent].slice(0, FEED), at: msg.at };
      askSnapshot();
    };

    const live = openLive(site, share, {
      onMessage: apply,
      onStatus: (status, why) => {
        if (status === 'live') askedAt = Date.now(); // the socket's first message is a snapshot
        state.status = status;
        state.error = why ?? '';
      },
    });
    cleanup(() => {
      clearTimeout(askTimer);
      live.stop();
    });
  });

  const s = state.snap;
  const labels = s.minutes.map((m) => m.time);
  return (
    <div class="grid">
      <section class="card">
        <h2>
          <span class="live-dot" aria-hidden="true" />
          Current visitors
        </h2>
        {/* only this number is a live region: the whole card would be read out on every event */}
        <p class="big-number" data-testid="live-visitors" aria-live="polite" aria-atomic="true">
          {s.visitors}
        </p>
        <p class="muted" data-testid="live-status">
          {state.status === 'live' ? 'Live' : state.status === 'connecting' ? 'Connecting…' : `Reconnecting (${state.error})`} · {s.visitors_30m} visitors, {s.pageviews} pageviews in the last 30 minutes
        </p>
        <h2>Pageviews per minute</h2>
        <ApexChart id="live-minutes" labels={labels} series={[{ name: 'Pageviews', data: s.minutes.map((m) => m.pageviews) }]} metric="pageviews" interval="minute" label="Pageviews per minute over the last 30 minutes" />
      </section>
      <section class="card">
        <h2>Live feed</h2>
        {s.recent.length === 0 ? (
          <p class="empty">No events in the last 30 minutes. They appear here the moment they arrive.</p>
        ) : (
          // focusable so that keyboard users can scroll it (a scrollable region must be)
          <ol class="feed" data-testid="live-feed" tabIndex={0} aria-label="Latest events, newest first">
            {s.recent.map((e) => (
              <li key={e.id}>
                <span>
                  <strong>{e.name === 'pageview' ? e.path : e.name}</strong>{' '}
                  <span class="muted">
                    {e.source} · {e.device}
                    {e.country ? ` · ${countryName(e.country)}` : ''}
                  </span>
                </span>
                <time class="muted" dateTime={e.time}>
                  {e.time.slice(11, 19)}
                </time>
              </li>
            ))}
          </ol>
        )}
      </section>
      <LiveTable title="Top pages" testid="live-pages" rows={s.pages} none="(none)" />
      <LiveTable title="Top sources" testid="live-sources" rows={s.sources} none="Direct / None" />
      <LiveTable title="Countries" testid="live-countries" rows={s.countries} none="Unknown" countries />
      <LiveTable title="Devices" testid="live-devices" rows={s.devices} none="Unknown" />
    </div>
  );
});

/** A top list of the last 30 minutes: the snapshot's rows, as the stream keeps them current. */
const LiveTable = component$<{ title: string; testid: string; rows: BreakdownRow[]; none: string; countries?: boolean }>(({ title, testid, rows, none, countries }) => (
  <section class="card">
    <h2>{title} (30 min)</h2>
    <table data-testid={testid}>
      <tbody>
        {rows.map((r) => (
          <tr key={r.name ?? ''}>
            <td>{r.name === null ? none : countries ? countryName(r.name) : r.name}</td>
            <td class="num">{r.visitors}</td>
          </tr>
        ))}
      </tbody>
    </table>
  </section>
));
