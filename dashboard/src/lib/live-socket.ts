/**
 * The browser end of the live stream: asks the dashboard's server for a 60-second token, opens
 * the WebSocket with it, and reconnects with a fresh token after 1, 2, 4… (at most 30) seconds.
 * The realtime page and the new-site onboarding both follow a site through it.
 */
import { getLiveToken, LIVE_PROTOCOL, type LiveMessage } from './live';

export interface LiveHandlers {
  onMessage(msg: LiveMessage): void;
  onStatus(status: 'connecting' | 'live' | 'offline', why?: string): void;
}

export interface LiveConnection {
  /** sends a message if the socket is open; false if it is not */
  send(text: string): boolean;
  stop(): void;
}

export function openLive(site: string, share: string | null, on: LiveHandlers): LiveConnection {
  let socket: WebSocket | null = null;
  let stopped = false;
  let retry = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const later = (why: string) => {
    if (stopped) return;
    on.onStatus('offline', why);
    socket = null;
    timer = setTimeout(connect, Math.min(30_000, 1000 * 2 ** retry++));
  };
  const connect = async () => {
    if (stopped) return;
    on.onStatus('connecting');
    const grant = await getLiveToken(site, share).catch((e: unknown) => ({ ok: false as const, error: String(e) }));
    if (stopped) return;
    if (!grant.ok) return later(grant.error);
    const ws = new WebSocket(grant.url, [LIVE_PROTOCOL, grant.token]);
    socket = ws;
    ws.onopen = () => {
      retry = 0;
      on.onStatus('live');
    };
    ws.onmessage = (e) => {
      let msg: LiveMessage;
      try {
        msg = JSON.parse(String(e.data)) as LiveMessage;
      } catch {
        return; // a message we do not understand (a newer server): keep the stream going
      }
      on.onMessage(msg);
    };
    // 4403: the Worker closed it because the session, key or share link was revoked
    ws.onclose = (e) => socket === ws && later(e.code === 4403 ? 'access revoked' : 'connection lost');
  };
  void connect();
  return {
    send(text) {
      if (socket?.readyState !== WebSocket.OPEN) return false;
      socket.send(text);
      return true;
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
      socket?.close();
    },
  };
}
