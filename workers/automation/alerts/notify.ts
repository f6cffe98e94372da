/**
 * An alert's notice (DESIGN §4b): `{"type": "alert", "site", "alert": {...}, "observed",
 * "expected"?, "at"}` plus `state` (`firing` or `resolved`), to the rule's own channels and to
 * every webhook of the site that selects `alert`.
 */
import type { Env } from '../../env';
import type { AlertRow } from '../../db/rows';
import type { SiteConfig } from '../../lib/site-config';
import { notifyChannels, ruleStateJson, type Channel, type Notice } from '../channels';
import { fanOutAlert } from '../webhooks/fan-out';
import type { Transition } from './anomaly';
import type { Judgement } from './check';

export const alertJson = (a: AlertRow) => ({
  id: a.id,
  metric: a.metric,
  kind: a.kind,
  op: a.op,
  ...(a.value === null ? {} : { value: a.value }),
  window: a.window,
  ...ruleStateJson(a),
});

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));

/** What the rule watches, in words: `pageviews`, `conversions of "Signup"`, `LCP p75`. */
function subjectOf(metric: string): { what: string; verb: 'were' | 'was'; unit: (n: number) => string } {
  if (metric.startsWith('goal:')) return { what: `conversions of "${metric.slice(5)}"`, verb: 'were', unit: fmt };
  if (metric.startsWith('vital:')) {
    const name = metric.slice(6);
    // CLS is unitless with 3 decimals (as the Stats API rounds cls_p75), the rest are milliseconds
    return { what: `${name} p75`, verb: 'was', unit: name === 'CLS' ? (n) => String(Math.round(n * 1000) / 1000) : (n) => `${Math.round(n)} ms` };
  }
  return { what: metric.replace('_', ' '), verb: 'were', unit: fmt };
}

/** "visitors spiked to 412 in 2026-11-30 13:00:00 (expected about 120)". */
export function describeAlert(site: string, alert: AlertRow, transition: NonNullable<Transition>, j: Judgement): Notice & { json: Record<string, unknown> } {
  const { what, verb, unit } = subjectOf(alert.metric);
  const when = alert.window === '5m' ? 'now' : alert.window === '1d' ? `on ${j.period}` : `in the hour ${j.period}`;
  const condition = alert.kind === 'anomaly'
    ? `${j.observed > (j.expected ?? 0) ? 'unusually high' : 'unusually low'}: ${fmt(j.observed)} ${when}, where ${fmt(j.expected ?? 0)} is normal for that hour of the week`
    : `${unit(j.observed)} ${when}, ${alert.op} the threshold of ${unit(alert.value!)}`;
  const headline = alert.kind === 'anomaly' ? condition.slice(0, condition.indexOf(':')) : `${alert.op} ${unit(alert.value!)}`;
  const subject = transition === 'fire' ? `${site}: ${what} ${headline}` : `${site}: ${what} back to normal`;
  const What = `${what[0]!.toUpperCase()}${what.slice(1)}`;
  const text = transition === 'fire'
    ? `${What} ${alert.kind === 'anomaly' ? (verb === 'was' ? 'is' : 'are') : verb} ${condition}.`
    : `${What} ${verb === 'was' ? 'is' : 'are'} back to normal: ${unit(j.observed)} ${when}${j.expected === null ? '' : ` (normal: ${fmt(j.expected)})`}.`;
  return { subject, text, json: {} };
}

export async function notifyAlert(env: Env, site: SiteConfig, alert: AlertRow, transition: NonNullable<Transition>, firingId: string, j: Judgement, now: number): Promise<void> {
  const notice = describeAlert(site.id, alert, transition, j);
  const body = {
    type: 'alert',
    site: site.id,
    alert: alertJson(alert),
    state: transition === 'fire' ? 'firing' : 'resolved',
    period: j.period,
    observed: j.observed,
    ...(j.expected === null ? {} : { expected: j.expected, score: j.score }),
    at: new Date(now).toISOString(),
    message: notice.text,
  };
  notice.json = body;
  await notifyChannels(env, site.id, { id: alert.id, type: 'alert' }, firingId, JSON.parse(alert.channels) as Channel[], notice);
  await fanOutAlert(env, site.id, firingId, body);
}
