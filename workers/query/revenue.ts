/**
 * Revenue metrics as Plausible's Stats API v2 returns them: an object with the amount and its
 * currency (`{"short": "$1.2K", "long": "$1,234.00", "value": 1234, "currency": "USD"}`).
 * Pulse converts no currencies (there is no exchange-rate feed offline): a row's revenue is in the
 * one currency its events were sent in. A row that mixes currencies has no meaningful sum, so its
 * revenue metrics are null; a row without revenue takes the query's currency, when it has one.
 */
import type { Money, MetricValue } from '../../contract/api';
import type { BaseRow } from './types';

export type { Money, MetricValue };

/**
 * Plausible's short form (Cldr's short currency format): one fraction digit, always shown
 * (`€100.0`, `$1.2K`), rounded half to even (`$50.45` is `$50.4`). `roundingMode` is Intl v3, which
 * the TypeScript lib in use does not type yet.
 */
const SHORT: Intl.NumberFormatOptions & { roundingMode: 'halfEven' } = { notation: 'compact', minimumFractionDigits: 1, maximumFractionDigits: 1, roundingMode: 'halfEven' };

function format(value: number, currency: string, compact: boolean): string {
  try {
    const options: Intl.NumberFormatOptions = compact
      ? { style: 'currency', currency, ...SHORT }
      : { style: 'currency', currency };
    return new Intl.NumberFormat('en-US', options).format(value);
  } catch {
    return `${value} ${currency}`; // a code ICU does not know
  }
}

export function money(value: number, currency: string): Money {
  return { short: format(value, currency, true), long: format(value, currency, false), value, currency };
}

/** The plain number of a metric value (sorting, comparisons, CSV). */
export function metricNumber(v: MetricValue | undefined): number | null {
  return v === null || v === undefined ? null : typeof v === 'number' ? v : v.value;
}

/** The currency of a row's revenue: its own, else the query's; null when mixed or unknown. */
export function rowCurrency(r: BaseRow, queryCurrency: string | null): string | null {
  if ((r.revenueCurrencies ?? 0) > 1) return null;
  return r.revenueCurrency ?? queryCurrency;
}

/** The one currency every row with revenue uses, or null. */
export function queryCurrency(rows: BaseRow[]): string | null {
  const seen = new Set<string>();
  for (const r of rows) {
    if ((r.revenueCurrencies ?? 0) > 1) return null;
    if (r.revenueCurrency) seen.add(r.revenueCurrency);
  }
  return seen.size === 1 ? [...seen][0]! : null;
}
