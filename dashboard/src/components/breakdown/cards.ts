/** What each breakdown card shows: tabs, the dimension behind each tab, and its metrics. */
import type { Dimension, Metric } from '../../../../contract/api';
import { AUTOMATIC_EVENT_NAMES } from '../../../../contract/events';

export interface Tab {
  id: string;
  label: string;
  dimension: Dimension;
  /** column title of the labels */
  column: string;
  metrics: Metric[];
  /** extra filters the tab always applies (e.g. custom events only) */
  only?: [string, Dimension, string[]][];
  /** drawn as the world map (every country) instead of the top rows; its CSV is the countries tab's */
  map?: boolean;
}

export interface CardDef {
  id: string;
  title: string;
  tabs: Tab[];
}

const V: Metric[] = ['visitors', 'percentage'];
// Events the tracker sends on its own: the "custom events" tab hides them.
const AUTOMATIC = [...AUTOMATIC_EVENT_NAMES];

export const CARDS: CardDef[] = [
  {
    id: 'sources',
    title: 'Top sources',
    tabs: [
      { id: 'source', label: 'Sources', dimension: 'visit:source', column: 'Source', metrics: V },
      { id: 'channel', label: 'Channels', dimension: 'visit:channel', column: 'Channel', metrics: V },
      { id: 'utm_medium', label: 'UTM medium', dimension: 'visit:utm_medium', column: 'Medium', metrics: V },
      { id: 'utm_source', label: 'UTM source', dimension: 'visit:utm_source', column: 'Source', metrics: V },
      { id: 'utm_campaign', label: 'Campaign', dimension: 'visit:utm_campaign', column: 'Campaign', metrics: V },
    ],
  },
  {
    id: 'pages',
    title: 'Top pages',
    tabs: [
      { id: 'page', label: 'Top pages', dimension: 'event:page', column: 'Page', metrics: ['visitors', 'pageviews', 'time_on_page', 'scroll_depth'] },
      { id: 'entry', label: 'Entry pages', dimension: 'visit:entry_page', column: 'Entry page', metrics: ['visitors', 'visits'] },
      { id: 'exit', label: 'Exit pages', dimension: 'visit:exit_page', column: 'Exit page', metrics: ['visitors', 'visits'] },
    ],
  },
  {
    id: 'locations',
    title: 'Locations',
    tabs: [
      { id: 'country', label: 'Countries', dimension: 'visit:country', column: 'Country', metrics: V },
      { id: 'region', label: 'Regions', dimension: 'visit:region_name', column: 'Region', metrics: V },
      { id: 'city', label: 'Cities', dimension: 'visit:city_name', column: 'City', metrics: V },
      { id: 'map', label: 'Map', dimension: 'visit:country', column: 'Country', metrics: V, map: true },
    ],
  },
  {
    id: 'devices',
    title: 'Devices',
    tabs: [
      { id: 'device', label: 'Devices', dimension: 'visit:device', column: 'Device', metrics: V },
      { id: 'browser', label: 'Browsers', dimension: 'visit:browser', column: 'Browser', metrics: V },
      { id: 'os', label: 'OS', dimension: 'visit:os', column: 'Operating system', metrics: V },
    ],
  },
  {
    id: 'goals',
    title: 'Goal conversions',
    tabs: [
      // revenue: the amount the goal's events carried (null for a goal without revenue: the card
      // shows those columns only when some goal has revenue)
      { id: 'goal', label: 'Goals', dimension: 'event:goal', column: 'Goal', metrics: ['visitors', 'events', 'conversion_rate', 'total_revenue', 'average_revenue'] },
      {
        id: 'event',
        label: 'Custom events',
        dimension: 'event:name',
        column: 'Event',
        metrics: ['visitors', 'events'],
        only: [['is_not', 'event:name', AUTOMATIC]],
      },
      { id: 'props', label: 'Properties', dimension: 'event:props:plan', column: 'Value', metrics: ['visitors', 'events'] },
    ],
  },
];

export const findTab = (dimension: string): Tab | undefined => CARDS.flatMap((c) => c.tabs).find((t) => t.dimension === dimension);

/** The Properties tab's key before the site's own keys have loaded (prop-key-picker.tsx). */
export const DEFAULT_PROP_KEYS = ['plan', 'url', 'path', 'method'];
