/**
 * Server functions the overview's cards call, on the server during SSR and over Qwik's RPC after
 * a filter or tab changes. Every number comes from `POST /api/v2/query`, with the same JSON body a
 * Plausible client sends; failures come back as a message for the card to show.
 */
import { server$ } from '@builder.io/qwik-city';
import type { QueryRequest, QueryResponse, RealtimeSnapshot } from '../../../contract/api';
import { api, messageOf } from './api';

export type Result<T> = { ok: true; data: T } | { ok: false; error: string };

export const queryStats = server$(async function (body: QueryRequest, share: string | null): Promise<Result<QueryResponse>> {
  try {
    return { ok: true, data: await api<QueryResponse>(this, '/api/v2/query', { body, share }) };
  } catch (e) {
    return { ok: false, error: messageOf(e) };
  }
});

/** The live visitor count; null when the realtime snapshot is unavailable. */
export const currentVisitors = server$(async function (site: string, share: string | null): Promise<number | null> {
  try {
    const snap = await api<RealtimeSnapshot>(this, `/api/v1/sites/${encodeURIComponent(site)}/realtime`, { share });
    return typeof snap.visitors === 'number' ? snap.visitors : null;
  } catch {
    return null; // the live number is a bonus on the overview; its absence shows as a dash
  }
});

/** The property keys the site's events carry in the view's range, most used first. */
export const propKeys = server$(async function (site: string, share: string | null, dateRange: QueryRequest['date_range']): Promise<Result<string[]>> {
  try {
    const range = typeof dateRange === 'string' ? dateRange : JSON.stringify(dateRange);
    const res = await api<{ keys: { key: string }[] }>(this, `/api/v1/sites/${encodeURIComponent(site)}/prop-keys?date_range=${encodeURIComponent(range)}`, { share });
    return { ok: true, data: res.keys.map((k) => k.key) };
  } catch (e) {
    return { ok: false, error: messageOf(e) };
  }
});
