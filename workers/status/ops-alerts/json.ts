import type { OpsAlertFiringRow, OpsAlertRow } from '../../db/rows';
import { ruleStateJson } from '../../automation/channels';

/** An operations rule as the API shows it (never its secret, shown once at creation). */
export const opsAlertJson = (a: OpsAlertRow) => ({
  id: a.id,
  metric: a.metric,
  scope: a.scope,
  op: 'above',
  value: a.value,
  ...ruleStateJson(a),
});

export const opsFiringJson = (f: OpsAlertFiringRow) => ({
  id: f.id,
  state: f.kind === 'fire' ? 'firing' : 'resolved',
  period: f.period,
  observed: f.observed,
  at: new Date(f.at).toISOString(),
});
