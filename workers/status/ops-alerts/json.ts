import type { OpsAlertFiringRow, OpsAlertRow } from '../../db/rows';
import type { Channel } from '../../automation/channels';

/** An operations rule as the API shows it (never its secret, shown once at creation). */
export const opsAlertJson = (a: OpsAlertRow) => ({
  id: a.id,
  metric: a.metric,
  scope: a.scope,
  op: 'above',
  value: a.value,
  channels: JSON.parse(a.channels) as Channel[],
  cooldown_minutes: a.cooldown_minutes,
  firing: a.firing === 1,
  last_fired_at: a.last_fired_at === null ? null : new Date(a.last_fired_at).toISOString(),
  created_at: new Date(a.created_at).toISOString(),
  updated_at: new Date(a.updated_at).toISOString(),
});

export const opsFiringJson = (f: OpsAlertFiringRow) => ({
  id: f.id,
  state: f.kind === 'fire' ? 'firing' : 'resolved',
  period: f.period,
  observed: f.observed,
  at: new Date(f.at).toISOString(),
});
