/**
 * What a saved segment stands for, for the choice of top stats: `f=segment,is,42` hides a page
 * or goal filter that decides which metrics the API accepts (Plausible resolves segments before
 * choosing them: a segment with a page filter shows no views per visit, which the API would
 * refuse). Its leaves join the view's own filters for that choice only.
 */
import type { Filter, Segment } from '../../../contract/api';
import { SEGMENT, type FilterSpec } from './view';

function leaves(filter: Filter, out: FilterSpec[]): void {
  const [op, second] = filter as [string, unknown, unknown];
  if (op === 'and' || op === 'or') for (const f of second as Filter[]) leaves(f, out);
  else if (op === 'not' || op === 'has_done' || op === 'has_not_done') leaves(second as Filter, out);
  else if (typeof second === 'string' && second !== SEGMENT) out.push({ dimension: second, op: op as FilterSpec['op'], values: ((filter as unknown[])[2] as unknown[]).map(String) });
}

export function withSegmentFilters(filters: FilterSpec[], segments: Segment[]): FilterSpec[] {
  const out = filters.filter((f) => f.dimension !== SEGMENT);
  for (const f of filters.filter((x) => x.dimension === SEGMENT)) {
    for (const seg of segments.filter((s) => f.values.includes(String(s.id)))) for (const leaf of seg.filters) leaves(leaf, out);
  }
  return out;
}
