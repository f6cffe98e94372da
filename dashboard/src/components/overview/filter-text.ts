/** How a period and a filter read in words: "Last 7 days", "Source is not Google or Bing". */
import { labelFor } from '../breakdown/breakdown';
import { findTab } from '../breakdown/cards';
import { parseSequenceSteps, SEQUENCE, sequenceText } from '../../lib/sequence-filter';
import { PERIODS, type FilterSpec, type View } from '../../lib/view';
import { dimensionLabel, FILTER_OPS } from './filter-dimensions';

export const filterSubject = (f: FilterSpec) =>
  dimensionLabel(f.dimension) ?? findTab(f.dimension)?.column ?? f.dimension.replace(/^(visit|event):(props:)?/, '');
export const opWords = (op: FilterSpec['op']) => FILTER_OPS.find((o) => o.op === op)!.label;
/** "Google or Bing": the values of one filter match any of them (`does not contain` any, for the negations). */
export const valuesText = (f: FilterSpec) => f.values.map((v) => labelFor(f.dimension, v)).join(f.op.endsWith('not') ? ' nor ' : ' or ');
/** A chip's two parts, subject with operator and the values: ["Source is", "Google or Bing"]. */
export function filterWords(f: FilterSpec): [string, string] {
  if (f.dimension === SEQUENCE) return ['Visits through', sequenceText(parseSequenceSteps(f.values[0]!) ?? [])];
  return [`${filterSubject(f)} ${opWords(f.op)}`, valuesText(f)];
}
export const filterText = (f: FilterSpec) => filterWords(f).join(' ');

export function periodText(view: View): string {
  if (view.period === 'custom') return `${view.from} – ${view.to}`;
  return PERIODS.find((p) => p.id === view.period)!.label;
}
