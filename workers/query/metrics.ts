/**
 * From base sums to metric values, rounded as Plausible rounds them (bounce rate and durations
 * integers, views per visit 2 decimals, percentage 1 decimal, conversion rates 2 decimals).
 */
import { metricNumber, money, rowCurrency, type MetricValue } from './revenue';
import { VITAL_METRICS, type BaseRow, type Metric, type Need } from './types';

/** The base sums each metric is finished from. */
export function needsFor(metrics: Metric[]): Set<Need> {
  const needs = new Set<Need>();
  for (const m of metrics) {
    switch (m) {
      case 'visitors':
      case 'percentage':
      case 'conversion_rate':
      case 'group_conversion_rate':
        needs.add('visitors');
        break;
      case 'visits':
      case 'pageviews':
      case 'events':
      case 'errors':
        needs.add(m);
        break;
      case 'views_per_visit':
        needs.add('visits').add('sessionPageviews');
        break;
      case 'bounce_rate':
        needs.add('visits').add('bounces');
        break;
      case 'visit_duration':
        needs.add('visits').add('duration');
        break;
      case 'total_revenue':
      case 'average_revenue':
        needs.add('revenue');
        break;
      case 'scroll_depth':
      case 'time_on_page':
        needs.add('engagement');
        break;
      default:
        needs.add('vitals');
    }
  }
  return needs;
}

/** Plausible's average revenue: ClickHouse's average of Decimal(18, 3) amounts, truncated to three places. */
function truncate3(x: number): number {
  return Math.sign(x) * Math.trunc(Math.abs(x) * 1000 + 1e-6) / 1000;
}

export function round(x: number, decimals = 0): number {
  const f = 10 ** decimals;
  return Math.round(x * f + Number.EPSILON * Math.sign(x)) / f;
}

/** Denominators some metrics need beyond the row itself. */
export interface Totals {
  /** visitors with the same filters and no dimensions (percentage) */
  visitors?: number;
  /** visitors without goal filters and no dimensions (conversion_rate) */
  visitorsNoGoal?: number;
  /** visitors without goal filters per group of the non-goal dimensions (group_conversion_rate) */
  groupVisitorsNoGoal?: (row: BaseRow) => number;
  /** the currency of every row's revenue (revenue.ts) */
  revenueCurrency?: string | null;
}

export function finishMetric(m: Metric, r: BaseRow, totals: Totals): MetricValue {
  const visits = r.visits ?? 0;
  switch (m) {
    case 'visitors':
      return r.visitors ?? 0;
    case 'visits':
      return visits;
    case 'pageviews':
      return r.pageviews ?? 0;
    case 'events':
      return r.events ?? 0;
    case 'errors':
      return r.errors ?? 0;
    case 'views_per_visit': {
      const sessions = r.sessionCount ?? visits;
      return sessions ? round((r.sessionPageviews ?? 0) / sessions, 2) : 0;
    }
    case 'bounce_rate': {
      const sessions = r.bounceSessions ?? visits;
      return sessions ? round((100 * (r.bounces ?? 0)) / sessions) : 0;
    }
    case 'visit_duration': {
      const sessions = r.durationSessions ?? r.sessionCount ?? visits;
      return sessions ? round((r.duration ?? 0) / sessions) : 0;
    }
    case 'percentage':
      return totals.visitors ? round((100 * (r.visitors ?? 0)) / totals.visitors, 1) : 0;
    case 'conversion_rate':
      return totals.visitorsNoGoal ? round((100 * (r.visitors ?? 0)) / totals.visitorsNoGoal, 2) : 0;
    case 'group_conversion_rate': {
      const base = totals.groupVisitorsNoGoal?.(r) ?? 0;
      return base ? round((100 * (r.visitors ?? 0)) / base, 2) : 0;
    }
    case 'total_revenue':
    case 'average_revenue': {
      const currency = rowCurrency(r, totals.revenueCurrency ?? null);
      if (!currency) return null;
      const total = r.revenue ?? 0;
      return money(m === 'total_revenue' ? round(total, 2) : r.revenueEvents ? truncate3(total / r.revenueEvents) : 0, currency);
    }
    case 'scroll_depth':
      return r.scrollDepth == null ? null : round(r.scrollDepth);
    case 'time_on_page':
      return r.timeOnPage == null ? null : round(r.timeOnPage);
    default: {
      const v = r.vitals?.[m as keyof typeof VITAL_METRICS];
      if (v == null) return null;
      return m === 'cls_p75' ? round(v, 3) : round(v);
    }
  }
}

/**
 * A comparison's `change`, as Plausible's Compare.calculate_change: conversion rate in points (1
 * decimal); bounce rate in whole points, null when the comparison had none; everything else
 * (percentage and group conversion rate included) a percent change rounded to an integer, 100
 * from nothing to something and 0 from nothing to nothing.
 */
export function change(m: Metric, currValue: MetricValue, prevValue: MetricValue): number | null {
  const curr = metricNumber(currValue);
  const prev = metricNumber(prevValue);
  if (curr === null || prev === null) return null;
  if (m === 'conversion_rate') return round(curr - prev, 1);
  if (m === 'bounce_rate') return prev > 0 ? curr - prev : null;
  if (prev === 0) return curr > 0 ? 100 : 0;
  return round(((curr - prev) / prev) * 100);
}
