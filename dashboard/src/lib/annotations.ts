/**
 * The main chart's annotations (DESIGN §4b), from `/api/v1/sites/{site}/annotations`: read for
 * the chart's days, created and deleted from the chart (an admin's right; the API says no to
 * others and the form shows its message). Dates are the site's days, as the chart's buckets. The
 * chart also marks the firings of the site's alert rules.
 */
import { server$ } from '@builder.io/qwik-city';
import { api, messageOf } from './api';
import type { Result } from './stats';

export interface Annotation {
  id: string;
  date: string;
  text: string;
}

const path = (site: string) => `/api/v1/sites/${encodeURIComponent(site)}/annotations`;

export const listAnnotations = server$(async function (site: string, share: string | null, from: string | null, to: string | null): Promise<Result<Annotation[]>> {
  try {
    const q = new URLSearchParams();
    if (from) q.set('from', from);
    if (to) q.set('to', to);
    const res = await api<{ annotations: Annotation[] }>(this, `${path(site)}${q.size ? `?${q}` : ''}`, { share });
    return { ok: true, data: res.annotations.map(({ id, date, text }) => ({ id, date, text })) };
  } catch (e) {
    return { ok: false, error: messageOf(e) };
  }
});

/** An alert rule's firing, marked on the chart at its site-local day (`GET …/alerts/firings`). */
export interface ChartFiring {
  id: string;
  metric: string;
  date: string;
  observed: number;
}

export const listChartFirings = server$(async function (site: string, share: string | null, from: string, to: string): Promise<Result<ChartFiring[]>> {
  try {
    const q = new URLSearchParams({ from, to });
    const res = await api<{ firings: ChartFiring[] }>(this, `/api/v1/sites/${encodeURIComponent(site)}/alerts/firings?${q}`, { share });
    return { ok: true, data: res.firings.map(({ id, metric, date, observed }) => ({ id, metric, date, observed })) };
  } catch (e) {
    return { ok: false, error: messageOf(e) };
  }
});

/** A firing's mark: "Alert: pageviews 12", the rule's metric and the number that fired it. */
export const firingText = (f: ChartFiring): string => `Alert: ${f.metric.replace(/^goal:/, 'goal ').replace(/^vital:/, '')} ${Number.isInteger(f.observed) ? f.observed : f.observed.toFixed(1)}`;

export const createAnnotation = server$(async function (site: string, date: string, text: string): Promise<Result<Annotation>> {
  try {
    const a = await api<Annotation>(this, path(site), { body: { date, text } });
    return { ok: true, data: { id: a.id, date: a.date, text: a.text } };
  } catch (e) {
    return { ok: false, error: messageOf(e) };
  }
});

export const deleteAnnotation = server$(async function (site: string, id: string): Promise<Result<null>> {
  try {
    await api(this, `${path(site)}/${encodeURIComponent(id)}`, { method: 'DELETE' });
    return { ok: true, data: null };
  } catch (e) {
    return { ok: false, error: messageOf(e) };
  }
});
