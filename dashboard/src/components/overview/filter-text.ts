/** How a period and a filter read in words: "Last 7 days", "Source is not Google". */
import { labelFor } from '../breakdown/breakdown';
import { findTab } from '../breakdown/cards';
import { PERIODS, type FilterSpec, type View } from '../../lib/view';

const OP_WORDS: Record<FilterSpec['op'], string> = { is: 'is', is_not: 'is not', contains: 'contains' };

export const filterSubject = (f: FilterSpec) => findTab(f.dimension)?.column ?? f.dimension.replace(/^(visit|event):(props:)?/, '');
export const opWords = (op: FilterSpec['op']) => OP_WORDS[op];
export const filterText = (f: FilterSpec) => `${filterSubject(f)} ${opWords(f.op)} ${labelFor(f.dimension, f.value)}`;

export function periodText(view: View): string {
  if (view.period === 'custom') return `${view.from} – ${view.to}`;
  return PERIODS.find((p) => p.id === view.period)!.label;
}
