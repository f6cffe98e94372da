/**
 * What the filter builder offers: every dimension the Stats API filters on (DESIGN §4), in the
 * words the dashboard uses, and the four operators of Plausible's filter modal.
 */
import type { FilterOpId } from '../../lib/view';

export interface FilterDimension {
  dimension: string;
  label: string;
}

/** `event:props:<key>` is offered as "Property" with a key field (PROPS below). */
export const FILTER_DIMENSIONS: FilterDimension[] = [
  { dimension: 'event:page', label: 'Page' },
  { dimension: 'visit:entry_page', label: 'Entry page' },
  { dimension: 'visit:exit_page', label: 'Exit page' },
  { dimension: 'event:hostname', label: 'Hostname' },
  { dimension: 'event:goal', label: 'Goal' },
  { dimension: 'event:name', label: 'Event name' },
  { dimension: 'visit:source', label: 'Source' },
  { dimension: 'visit:referrer', label: 'Referrer' },
  { dimension: 'visit:channel', label: 'Channel' },
  { dimension: 'visit:utm_source', label: 'UTM source' },
  { dimension: 'visit:utm_medium', label: 'UTM medium' },
  { dimension: 'visit:utm_campaign', label: 'UTM campaign' },
  { dimension: 'visit:utm_content', label: 'UTM content' },
  { dimension: 'visit:utm_term', label: 'UTM term' },
  { dimension: 'visit:country', label: 'Country' },
  { dimension: 'visit:region_name', label: 'Region' },
  { dimension: 'visit:city_name', label: 'City' },
  { dimension: 'visit:device', label: 'Device' },
  { dimension: 'visit:browser', label: 'Browser' },
  { dimension: 'visit:browser_version', label: 'Browser version' },
  { dimension: 'visit:os', label: 'Operating system' },
  { dimension: 'visit:os_version', label: 'OS version' },
  { dimension: 'visit:new_vs_returning', label: 'New or returning' },
];

export const PROPS = 'event:props';

export const FILTER_OPS: { op: FilterOpId; label: string }[] = [
  { op: 'is', label: 'is' },
  { op: 'is_not', label: 'is not' },
  { op: 'contains', label: 'contains' },
  { op: 'contains_not', label: 'does not contain' },
];

export const dimensionLabel = (dimension: string): string | undefined => FILTER_DIMENSIONS.find((d) => d.dimension === dimension)?.label;
