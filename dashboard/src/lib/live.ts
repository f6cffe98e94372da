/**
 * The realtime page's server side: the snapshot, and short-lived tokens for the live WebSocket.
 * A WebSocket cannot carry the HttpOnly session, so the dashboard's server trades the session for
 * a 60-second live token, which the browser offers as a subprotocol (never logged in URLs). The
 * socket opens on `PULSE_PUBLIC_API_URL` if set, else on `PULSE_API_URL` (local dev, tests), else
 * on the dashboard's own origin, which passes it through the service binding
 * (entry.cloudflare-pages.tsx).
 */
import { server$, type RequestEventBase } from '@builder.io/qwik-city';
import type { LiveEvent, MinuteRow, RealtimeSnapshot } from '../../../contract/realtime';
import { api, apiOrigin, messageOf } from './api';

export type { LiveEvent, MinuteRow, RealtimeSnapshot };
export type { LiveMessage } from '../../../contract/realtime';

/** The subprotocol the Worker expects next to the token (workers/realtime/routes.ts). */
export const LIVE_PROTOCOL = 'pulse.live';

export function liveBase(ev: RequestEventBase): string {
  const origin = ev.env.get('PULSE_PUBLIC_API_URL') || (ev.env.get('PULSE_API_URL') ? apiOrigin(ev) : ev.url.origin);
  return origin.replace(/^http/, 'ws').replace(/\/+$/, '');
}

export const getLiveToken = server$(async function (site: string, share: string | null): Promise<{ ok: true; token: string; url: string } | { ok: false; error: string }> {
  try {
    const t = await api<{ token: string }>(this, `/api/v1/sites/${encodeURIComponent(site)}/live-token`, { method: 'POST', body: {}, share });
    return { ok: true, token: t.token, url: `${liveBase(this)}/api/v1/sites/${encodeURIComponent(site)}/live` };
  } catch (e) {
    return { ok: false, error: messageOf(e) };
  }
});
