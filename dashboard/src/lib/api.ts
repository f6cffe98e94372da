/**
 * The one way the dashboard talks to the Pulse Worker. With `PULSE_API_URL` set (Vite dev, tests,
 * `wrangler pages dev`) it goes over HTTP there; otherwise through the `API` service binding on
 * Cloudflare Pages (no public hop); failing both, to http://127.0.0.1:8787 (`npm run dev`). The user's `pulse_session` cookie, which
 * only the dashboard's server can read (HttpOnly), is forwarded as `Authorization: Bearer`.
 */
import type { RequestEventBase } from '@builder.io/qwik-city';
import { effectiveShareToken } from './share-cookie';

export const SESSION_COOKIE = 'pulse_session';
const DEFAULT_API = 'http://127.0.0.1:8787';

/** A non-2xx answer of the API, with the API's own `{ "error": "..." }` message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** the API's stable `code` (e.g. `password_required`), when it sent one */
    readonly code: string | null = null,
  ) {
    super(message);
  }
}

interface Fetcher {
  fetch(input: Request): Promise<Response>;
}

export interface ApiInit {
  method?: string;
  /** JSON body */
  body?: unknown;
  /** a share-link token to send instead of the session (public share view) */
  share?: string | null;
  headers?: Record<string, string>;
}

function binding(ev: RequestEventBase): Fetcher | null {
  // A local `wrangler pages dev` also has an `API` binding, pointing at whatever Worker named
  // `pulse` runs on the machine: an explicit URL wins so tests reach their own Worker.
  if (ev.env.get('PULSE_API_URL')) return null;
  const env = (ev.platform as { env?: Record<string, unknown> } | undefined)?.env;
  const api = env?.API as Fetcher | undefined;
  return api && typeof api.fetch === 'function' ? api : null;
}

/** The Worker's origin for server-to-server calls. */
export function apiOrigin(ev: RequestEventBase): string {
  return (ev.env.get('PULSE_API_URL') || DEFAULT_API).replace(/\/+$/, '');
}

/** Where browsers load the tracker from: the Worker's public origin (configuration, not ours). */
export function trackerOrigin(ev: RequestEventBase): string {
  return (ev.env.get('PULSE_PUBLIC_API_URL') || (ev.env.get('PULSE_API_URL') ? apiOrigin(ev) : 'https://YOUR-PULSE-WORKER')).replace(/\/+$/, '');
}

/** Sends a request to the Worker and returns the raw response (CSV, WebSocket upgrades). */
export async function apiFetch(ev: RequestEventBase, path: string, init: ApiInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  // a password-protected link's own token reads nothing: send what its password unlocked
  const token = (init.share && effectiveShareToken(ev.cookie, init.share)) || ev.cookie.get(SESSION_COOKIE)?.value;
  if (token) headers.set('authorization', `Bearer ${token}`);
  if (init.body !== undefined) headers.set('content-type', 'application/json');
  const via = binding(ev);
  // Through the binding the URL's host is ours to choose: the dashboard's own origin makes links
  // the Worker builds (share links) point at the dashboard.
  const url = (via ? ev.url.origin : apiOrigin(ev)) + path;
  const request = new Request(url, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  try {
    return await (via ? via.fetch(request) : fetch(request));
  } catch (e) {
    throw new ApiError(503, `the Pulse API is unreachable (${e instanceof Error ? e.message : String(e)})`);
  }
}

/**
 * Calls the Worker and parses its JSON answer; a non-2xx answer throws an {@link ApiError}
 * carrying the API's message, which pages show as text.
 *
 * @example
 * const { sites } = await api<{ sites: Site[] }>(ev, '/api/v1/sites');
 */
export async function api<T>(ev: RequestEventBase, path: string, init: ApiInit = {}): Promise<T> {
  const res = await apiFetch(ev, path, init);
  const text = await res.text();
  if (!res.ok) throw new ApiError(res.status, errorMessage(res, text), errorCode(text));
  return (text ? JSON.parse(text) : null) as T;
}

function errorCode(text: string): string | null {
  try {
    const code = (JSON.parse(text) as { code?: unknown }).code;
    return typeof code === 'string' ? code : null;
  } catch {
    return null;
  }
}

function errorMessage(res: Response, text: string): string {
  try {
    const parsed = JSON.parse(text) as { error?: unknown; errors?: Record<string, string[]> };
    if (typeof parsed.error === 'string') return parsed.error;
    if (parsed.errors) return Object.entries(parsed.errors).map(([k, v]) => `${k}: ${v.join(', ')}`).join('; ');
  } catch {
    // not JSON (a proxy's HTML error page): fall back to the status below
  }
  return text.slice(0, 200) || `HTTP ${res.status}`;
}

/** The message to show for anything thrown by {@link api}. */
export function messageOf(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  return e instanceof Error ? e.message : String(e);
}
