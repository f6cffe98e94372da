/**
 * Row types of D1 tables as raw SQL returns them (snake_case column names), derived from the
 * drizzle schema so a column is declared once. Code queries D1 with bound SQL (drizzle is schema
 * and migrations only, README "Choices"); a query that selects a few columns uses `Pick<…>`.
 */
import type { InferSelectModel, Table } from 'drizzle-orm';
import type { apiKeys, funnels, goals, shareLinks, users } from './schema-accounts';
import type { sites } from './schema';
import type { deletedSites, erasures } from './schema-privacy';
import type { segments } from './schema-segments';
import type { alertFirings, alertSends, alerts, opsAlertFirings, opsAlerts, annotations, reports, webhookDeliveries, webhooks } from './schema-automation';

type Row<T extends Table> = InferSelectModel<T, { dbColumnNames: true }>;

export type SiteRow = Row<typeof sites>;
export type UserRow = Row<typeof users>;
export type ApiKeyRow = Row<typeof apiKeys>;
export type ShareLinkRow = Row<typeof shareLinks>;
export type GoalRow = Row<typeof goals>;
export type FunnelRow = Row<typeof funnels>;
export type SegmentRow = Row<typeof segments>;
export type ErasureRow = Row<typeof erasures>;
export type DeletedSiteRow = Row<typeof deletedSites>;
export type AnnotationRow = Row<typeof annotations>;
export type WebhookRow = Row<typeof webhooks>;
export type WebhookDeliveryRow = Row<typeof webhookDeliveries>;
export type AlertRow = Row<typeof alerts>;
export type AlertFiringRow = Row<typeof alertFirings>;
export type AlertSendRow = Row<typeof alertSends>;
export type OpsAlertRow = Row<typeof opsAlerts>;
export type OpsAlertFiringRow = Row<typeof opsAlertFirings>;
export type ReportRow = Row<typeof reports>;
