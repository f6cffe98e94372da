/** The signed-in user, established once per request by the root layout's `onRequest`. */
import type { RequestEventBase } from '@builder.io/qwik-city';

export interface Me {
  user: { id: string; email: string };
  sites: { site: string; role: 'owner' | 'admin' | 'viewer' }[];
  /** listed in the Worker's PULSE_OPERATOR_EMAILS: may open the Operations page */
  operator: boolean;
}

const ME = 'pulse.me';

export const setMe = (ev: RequestEventBase, me: Me | null) => ev.sharedMap.set(ME, me);
export const getMe = (ev: RequestEventBase): Me | null => (ev.sharedMap.get(ME) as Me | undefined) ?? null;

/**
 * Paths anyone may open: sign-in, invitations and public share links (their token is in the URL),
 * and exports, which a share view downloads with its token (the API checks it on every query).
 */
export function isPublicPath(pathname: string): boolean {
  return pathname === '/login' || pathname === '/login/' || pathname.startsWith('/share/') || pathname.startsWith('/invitations/') || pathname.startsWith('/export/');
}

/** The post-sign-in redirect check lives in its own pure module (unit-tested in Node). */
export { safeNext } from './safe-next';
