/**
 * A funnel step as an overview filter: `f=sequence,is,<JSON steps>` is the Stats API's
 * `["sequence", [step, …]]` (Plausible's semantics, workers/query/sequence.ts): visits in which
 * the steps happened in that order. Clicking step k of a one-visit funnel puts steps 1…k here, so
 * the overview counts exactly the visitors who reached step k. Cards on event dimensions (pages,
 * goals) then show the event each such visit went on to next, as Plausible answers them.
 *
 * Only what a funnel step can be is accepted from a URL: 1–8 leaves `[op, event:dimension, values]`,
 * each value a short string, so a crafted link cannot make the API do more than a funnel does.
 */

export const SEQUENCE = 'sequence';
const MAX_STEPS = 8;
const MAX_VALUES = 10;
const MAX_VALUE_LENGTH = 300;
const STEP_OPS = new Set(['is', 'is_not', 'contains', 'contains_not']);
const STEP_DIMENSION = /^event:(page|name|goal|hostname|props:[\w:. -]{1,100})$/;

/** One step: `["is", "event:page", ["/pricing"]]`. */
export type SequenceStep = [op: string, dimension: string, values: string[]];

function isStep(raw: unknown): raw is SequenceStep {
  if (!Array.isArray(raw) || raw.length !== 3) return false;
  const [op, dimension, values] = raw as unknown[];
  return typeof op === 'string' && STEP_OPS.has(op) && typeof dimension === 'string' && STEP_DIMENSION.test(dimension)
    && Array.isArray(values) && values.length > 0 && values.length <= MAX_VALUES
    && values.every((v) => typeof v === 'string' && v.length <= MAX_VALUE_LENGTH);
}

/** The steps of a sequence filter's URL value, or null when it is not one a funnel could make. */
export function parseSequenceSteps(text: string): SequenceStep[] | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  return Array.isArray(raw) && raw.length > 0 && raw.length <= MAX_STEPS && raw.every(isStep) ? raw : null;
}

/** The URL value of a sequence filter (one `values` entry of its FilterSpec). */
export const sequenceValue = (steps: SequenceStep[]): string => JSON.stringify(steps);

/** "/ → /pricing → Signup": a step reads as its values ("not /x" when negated). */
export function sequenceText(steps: SequenceStep[]): string {
  return steps.map(([op, , values]) => `${op.endsWith('not') ? 'not ' : ''}${values.join(' or ')}`).join(' → ');
}
