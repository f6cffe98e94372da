/**
 * Mounts the automation resources of DESIGN §4b under `/api/v1/sites/{site}/`: one line per
 * route, handlers in one room per resource (annotations/, webhooks/, alerts/, reports/), and the
 * operator's `GET /api/v1/status` and its alert rules (workers/status/).
 */
import type { IRequest, RouterType } from 'itty-router';
import type { Env } from '../env';
import { createAnnotation, deleteAnnotation, listAnnotations, updateAnnotation } from './annotations/routes';
import { getStatus } from '../status/status';
import { createOpsAlert, deleteOpsAlert, listOpsAlerts, listOpsFirings, updateOpsAlert } from '../status/ops-alerts/routes';
import { getInsights } from './insights/routes';
import { createReport, deleteReport, listReports, sendReportNow, updateReport } from './reports/routes';
import { confirmUnsubscribe, showUnsubscribe } from './reports/unsubscribe';
import { createAlert, deleteAlert, listAlerts, listFirings, updateAlert } from './alerts/routes';
import { listChartFirings } from './alerts/chart-firings';
import { createWebhook, deleteWebhook, listDeliveries, listWebhooks, sendTestDelivery, updateWebhook } from './webhooks/routes';

type Args = [Env, ExecutionContext];

export function mountAutomationRoutes(router: RouterType<IRequest, Args>): void {
  const site = '/api/v1/sites/:site';
  router
    .get(`${site}/annotations`, listAnnotations)
    .post(`${site}/annotations`, createAnnotation)
    .patch(`${site}/annotations/:id`, updateAnnotation)
    .delete(`${site}/annotations/:id`, deleteAnnotation)
    .get(`${site}/webhooks`, listWebhooks)
    .post(`${site}/webhooks`, createWebhook)
    .patch(`${site}/webhooks/:id`, updateWebhook)
    .delete(`${site}/webhooks/:id`, deleteWebhook)
    .get(`${site}/webhooks/:id/deliveries`, listDeliveries)
    .post(`${site}/webhooks/:id/test`, sendTestDelivery)
    .get(`${site}/alerts`, listAlerts)
    .get(`${site}/alerts/firings`, listChartFirings)
    .post(`${site}/alerts`, createAlert)
    .patch(`${site}/alerts/:id`, updateAlert)
    .delete(`${site}/alerts/:id`, deleteAlert)
    .get(`${site}/alerts/:id/firings`, listFirings)
    .get(`${site}/reports`, listReports)
    .post(`${site}/reports`, createReport)
    .patch(`${site}/reports/:id`, updateReport)
    .delete(`${site}/reports/:id`, deleteReport)
    .post(`${site}/reports/:id/send`, sendReportNow)
    // signed-out: the link in every digest email
    .get('/api/v1/reports/unsubscribe', showUnsubscribe)
    .post('/api/v1/reports/unsubscribe', confirmUnsubscribe)
    .get(`${site}/insights`, getInsights)
    .get('/api/v1/status', getStatus)
    .get('/api/v1/status/alerts', listOpsAlerts)
    .post('/api/v1/status/alerts', createOpsAlert)
    .patch('/api/v1/status/alerts/:id', updateOpsAlert)
    .delete('/api/v1/status/alerts/:id', deleteOpsAlert)
    .get('/api/v1/status/alerts/:id/firings', listOpsFirings);
}
