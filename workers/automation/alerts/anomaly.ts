/**
 * The anomaly detector (DESIGN §4b), pure: is this hour's count far outside what the same hour of
 * the week looked like over the previous 4–8 weeks?
 *
 * - Expected value: the median of those weeks' counts, so one odd week (last week's launch, an
 *   outage) moves it little.
 * - Normal variation: the larger of the weeks' own spread (MAD × 1.4826, robust like the median)
 *   and Poisson noise. Counts of visitors in an hour are close to Poisson, whose variance is the
 *   mean: with few weeks the MAD is often 0 or tiny, and without the Poisson term two visitors
 *   instead of one would look infinitely unusual. The median of n weeks is itself uncertain by
 *   about π/(2n) of the Poisson variance, and +1 keeps an all-zero history finite.
 * - Verdict: score = (observed − expected) / sqrt(variance). A spike or drop needs |score| ≥
 *   FIRE_SCORE (far outside: ~1 in 300,000 per check for Gaussian noise) and at least
 *   MIN_COUNT of whichever of observed or expected is larger, so small counts never flap.
 * - Hysteresis (`stepAlert`): a firing alert goes back to normal only below RESOLVE_SCORE, and a
 *   cool-down keeps a new firing from repeating a recent one.
 */

export const MIN_WEEKS = 4;
export const MAX_WEEKS = 8;
export const FIRE_SCORE = 4.5;
export const RESOLVE_SCORE = 2.5;
export const MIN_COUNT = 10;

export type Direction = 'spike' | 'drop';

export interface Verdict {
  /** null while fewer than MIN_WEEKS weeks of history exist ("still learning") */
  expected: number | null;
  observed: number;
  score: number;
  /** set when the hour is far outside normal variation */
  anomaly: Direction | null;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median absolute deviation, scaled to estimate a standard deviation. */
export const robustSigma = (values: number[], center = median(values)): number => 1.4826 * median(values.map((v) => Math.abs(v - center)));

/** `history`: the same hour of the week in earlier weeks (any order; the newest MAX_WEEKS are used). */
export function judgeHour(history: number[], observed: number): Verdict {
  const weeks = history.slice(-MAX_WEEKS);
  if (weeks.length < MIN_WEEKS) return { expected: null, observed, score: 0, anomaly: null };
  const expected = median(weeks);
  const sigma = robustSigma(weeks, expected);
  const variance = Math.max(sigma * sigma, expected * (1 + Math.PI / (2 * weeks.length))) + 1;
  const score = (observed - expected) / Math.sqrt(variance);
  const bigEnough = Math.max(observed, expected) >= MIN_COUNT;
  const anomaly = !bigEnough || Math.abs(score) < FIRE_SCORE ? null : score > 0 ? 'spike' : 'drop';
  return { expected, observed, score: Math.round(score * 100) / 100, anomaly };
}

/** What an alert remembers between checks. */
export interface AlertState {
  firing: boolean;
  /** when it last fired (ms), for the cool-down */
  lastFiredAt: number | null;
}

export type Transition = 'fire' | 'resolve' | null;

/**
 * One check of a rule. `breached` says the rule's condition holds now; `cleared` says it is
 * clearly back to normal (for anomalies: |score| < RESOLVE_SCORE; for thresholds: !breached).
 * Between the two (an anomaly alert at score 3), the state holds: no flapping at the edge.
 */
export function stepAlert(state: AlertState, breached: boolean, cleared: boolean, now: number, cooldownMs: number): { state: AlertState; transition: Transition } {
  if (!state.firing && breached) {
    if (state.lastFiredAt !== null && now - state.lastFiredAt < cooldownMs) return { state, transition: null };
    return { state: { firing: true, lastFiredAt: now }, transition: 'fire' };
  }
  if (state.firing && cleared) return { state: { firing: false, lastFiredAt: state.lastFiredAt }, transition: 'resolve' };
  return { state, transition: null };
}

/** For an anomaly rule watching one direction (`op: above` = spikes, `below` = drops) or both. */
export function anomalyBreach(verdict: Verdict, op: 'above' | 'below' | null): { breached: boolean; cleared: boolean } {
  const wanted = verdict.anomaly !== null && (op === null || (op === 'above') === (verdict.anomaly === 'spike'));
  return { breached: wanted, cleared: verdict.expected === null || Math.abs(verdict.score) < RESOLVE_SCORE };
}
