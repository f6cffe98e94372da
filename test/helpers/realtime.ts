/** Helpers for the realtime tests: events through the real collector, sockets through SELF. */
import { env, SELF } from 'cloudflare:test';
import { expect } from 'vitest';
import type { LiveMessage } from '../../contract/realtime';

export const ORIGIN = 'https://pulse.test';
export const admin = { authorization: `Bearer ${env.PULSE_ADMIN_TOKEN}` };
const UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

/** One pageview (or custom event) from a visitor identified by `ip`, as a browser sends it. */
export function postEvent(site: string, ip: string, path = '/', name = 'pageview', country = 'DE'): Promise<Response> {
  return SELF.fetch(`${ORIGIN}/api/event`, {
    method: 'POST',
    body: JSON.stringify({ n: name, u: `https://${site}${path}`, d: site }),
    headers: { 'content-type': 'text/plain', 'user-agent': UA, 'cf-connecting-ip': ip },
    cf: { country },
  } as RequestInit);
}

export async function liveToken(site: string, headers: Record<string, string> = admin): Promise<string> {
  const res = await SELF.fetch(`${ORIGIN}/api/v1/sites/${site}/live-token`, { method: 'POST', headers });
  expect(res.status).toBe(201);
  return (await res.json<{ token: string }>()).token;
}

export interface Viewer {
  ws: WebSocket;
  res: Response;
  messages: LiveMessage[];
}

export async function connect(site: string, query = '', headers: Record<string, string> = {}): Promise<Viewer> {
  const res = await SELF.fetch(`${ORIGIN}/api/v1/sites/${site}/live${query}`, { headers: { upgrade: 'websocket', ...headers } });
  if (res.status !== 101) throw new Error(`expected 101, got ${res.status}: ${await res.text()}`);
  const ws = res.webSocket!;
  const messages: LiveMessage[] = [];
  ws.addEventListener('message', (event) => messages.push(JSON.parse(event.data as string) as LiveMessage));
  ws.accept();
  return { ws, res, messages };
}

export async function waitFor<T>(check: () => T | undefined | false, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Every event path the viewer has been pushed after its snapshot. */
export const pushedPaths = (viewer: Viewer): string[] =>
  viewer.messages.flatMap((m) => (m.type === 'events' ? m.events.map((e) => e.path) : []));
