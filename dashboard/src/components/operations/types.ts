/** What `GET /api/v1/status` and `/api/v1/status/alerts` answer (workers/status/, OpenAPI `Status`, `OpsAlert`). */
import type { Channel } from '../automation/channels';

export interface SiteStatus {
  site: string;
  outbox_pending: number;
  outbox_oldest_seconds: number | null;
  drops: Record<string, number>;
  events_today: number;
  rollup_lag_seconds: number | null;
}

export interface QueueStatus {
  backlog: number | null;
  backlog_bytes: number | null;
  dlq_backlog: number | null;
  dlq: number;
  measured_at: string | null;
  reason: string | null;
}

export interface Status {
  at: string;
  sites: SiteStatus[];
  next_offset: number | null;
  queues: Record<string, QueueStatus>;
  cron: { name: string; last_run: string; duration_ms: number; ok: boolean; error: string | null }[];
  rollups: { lag_seconds: number | null };
  databases: { binding: string; size_bytes: number | null; limit_bytes: number }[];
}

export const OPS_METRICS = ['outbox_oldest_seconds', 'database_used_percent', 'cron_failures'] as const;
export type OpsMetric = (typeof OPS_METRICS)[number];

export interface OpsAlert {
  id: string;
  metric: OpsMetric;
  scope: string | null;
  op: 'above';
  value: number;
  channels: Channel[];
  cooldown_minutes: number;
  firing: boolean;
  last_fired_at: string | null;
}

export interface OpsFiring {
  id: string;
  state: 'firing' | 'resolved';
  period: string;
  observed: number;
  at: string;
}
