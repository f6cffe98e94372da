/** Saved segments (`/api/v1/sites/{site}/segments`, DESIGN §4b), shared by the dashboard and the SDK client. */
import type { Filter } from './api';

export type SegmentScope = 'site' | 'personal';

/** A saved segment; use it in a query as `["is", "segment", [id]]`. */
export interface Segment {
  id: number;
  name: string;
  /** `personal`: only its owner sees it; `site`: every reader of the site */
  scope: SegmentScope;
  filters: Filter[];
  owned_by_you: boolean;
  created_at: string;
  updated_at: string;
}

export interface SegmentCreate {
  name: string;
  filters: Filter[];
  /** default `personal`; `site` needs the admin role */
  scope?: SegmentScope;
}

export type SegmentUpdate = Partial<SegmentCreate>;

/** The filter that applies saved segments (any of the ids), as Plausible's. */
export type SegmentFilter = ['is', 'segment', number[]];

export function segmentFilter(...ids: number[]): SegmentFilter {
  return ['is', 'segment', ids];
}
