import { describe, expect, it } from 'vitest';
import { prng } from '../../../test/helpers/prng';
import { anomalyBreach, judgeHour, median, robustSigma, stepAlert, type AlertState } from './anomaly';

const HOURS_PER_WEEK = 168;

/** Poisson draw (Knuth for small means, a normal approximation above 60; exact enough for noise). */
function poisson(rand: () => number, mean: number): number {
  if (mean > 60) {
    const z = Math.sqrt(-2 * Math.log(rand() || 1e-12)) * Math.cos(2 * Math.PI * rand());
    return Math.max(0, Math.round(mean + z * Math.sqrt(mean)));
  }
  const limit = Math.exp(-mean);
  let k = 0;
  for (let p = rand(); p > limit; p *= rand()) k++;
  return k;
}

/** A site's normal week: busy afternoons, quiet nights, weekends at 60 %; `peak` visitors per hour at most. */
function seasonalMean(hourOfWeek: number, peak: number): number {
  const day = Math.floor(hourOfWeek / 24);
  const hour = hourOfWeek % 24;
  const diurnal = 0.08 + 0.92 * Math.max(0, Math.sin(((hour - 6) / 18) * Math.PI));
  return peak * diurnal * (day >= 5 ? 0.6 : 1);
}

function series(weeks: number, peak: number, seed: number): number[] {
  const rand = prng(seed);
  return Array.from({ length: weeks * HOURS_PER_WEEK }, (_, h) => poisson(rand, seasonalMean(h % HOURS_PER_WEEK, peak)));
}

/** Every hourly check after the first MIN_WEEKS weeks, as the cron runs them: the hours that fire. */
function firingHours(counts: number[]): number[] {
  const fired: number[] = [];
  for (let h = 4 * HOURS_PER_WEEK; h < counts.length; h++) {
    const history: number[] = [];
    for (let w = 8; w >= 1; w--) if (h - w * HOURS_PER_WEEK >= 0) history.push(counts[h - w * HOURS_PER_WEEK]!);
    if (judgeHour(history, counts[h]!).anomaly) fired.push(h);
  }
  return fired;
}

describe('anomaly detector', () => {
  it('median and MAD by hand', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    // deviations from 3: 2, 1, 0, 1, 97 -> median 1 -> 1.4826
    expect(robustSigma([1, 2, 3, 4, 100])).toBeCloseTo(1.4826, 4);
  });

  it('a known hour: expected is the median, the score uses the larger of MAD and Poisson variance', () => {
    // sorted 96 98 99 100 | 101 102 103 105 -> median 100.5; |deviations| 0.5 0.5 1.5 1.5 2.5 2.5 4.5 4.5
    // -> MAD 2 -> sigma 2.97 (variance 8.8); Poisson: 100.5 × (1 + π/16) = 120.23, larger; + 1 = 121.23
    // score (160 − 100.5) / sqrt(121.23) = 59.5 / 11.011 = 5.40
    const weeks = [98, 100, 103, 101, 96, 102, 99, 105];
    expect(judgeHour(weeks, 160)).toEqual({ expected: 100.5, observed: 160, score: 5.4, anomaly: 'spike' });
    expect(judgeHour(weeks, 130)).toMatchObject({ score: 2.68, anomaly: null }); // 29.5 / 11.011
    expect(judgeHour(weeks, 40)).toMatchObject({ anomaly: 'drop', score: -5.49 }); // −60.5 / 11.011
  });

  it('wide week-to-week variation widens normal: the MAD wins over Poisson', () => {
    // median 100, MAD 40 -> sigma 59.3: even 300 is only score 3.37
    expect(judgeHour([60, 140, 100, 60, 140, 100, 60, 140], 300)).toMatchObject({ expected: 100, anomaly: null });
  });

  it('is robust to one odd week in the history', () => {
    // last year's launch week (900) does not move the expected value, so 110 is normal and 400 a spike
    const history = [100, 95, 105, 900, 98, 102, 97, 103];
    expect(judgeHour(history, 110)).toMatchObject({ expected: 101, anomaly: null }); // median of 95 97 98 100 102 103 105 900
    expect(judgeHour(history, 400).anomaly).toBe('spike');
  });

  it('says nothing before four weeks of history', () => {
    expect(judgeHour([100, 100, 100], 10_000)).toEqual({ expected: null, observed: 10_000, score: 0, anomaly: null });
  });

  it('small counts do not flap: 0 -> 6 or 4 -> 0 is noise; 0 -> 15 is not', () => {
    expect(judgeHour([0, 0, 0, 0, 0, 0, 0, 0], 6).anomaly).toBeNull(); // below MIN_COUNT
    expect(judgeHour([4, 3, 5, 4, 4, 6, 3, 4], 0).anomaly).toBeNull();
    expect(judgeHour([1, 0, 2, 1, 0, 1, 1, 0], 9).anomaly).toBeNull();
    expect(judgeHour([0, 0, 1, 0, 0, 1, 0, 0], 15).anomaly).toBe('spike');
  });

  it('a seasonal week with an injected spike and drop fires exactly those two hours', () => {
    const counts = series(8, 120, 19);
    const spikeAt = 7 * HOURS_PER_WEEK + 2 * 24 + 14; // week 8, Wednesday 14:00 (~120 expected)
    const dropAt = 7 * HOURS_PER_WEEK + 4 * 24 + 11; // week 8, Friday 11:00 (~105 expected)
    counts[spikeAt] = counts[spikeAt]! * 3;
    counts[dropAt] = Math.round(counts[dropAt]! * 0.25);
    expect(firingHours(counts)).toEqual([spikeAt, dropAt]);
    const history = (h: number) => [1, 2, 3, 4, 5, 6, 7].map((w) => counts[h - w * HOURS_PER_WEEK]!);
    expect(judgeHour(history(spikeAt), counts[spikeAt]!).anomaly).toBe('spike');
    expect(judgeHour(history(dropAt), counts[dropAt]!).anomaly).toBe('drop');
  });

  it('noise alone never fires over 8 weeks of hourly checks, busy or quiet, for many seeds', () => {
    for (const [peak, seed] of [[120, 1], [120, 2], [2_000, 3], [25, 4], [6, 5], [1, 6], [400, 7], [60, 8]] as const) {
      // 12 weeks so that every check of the last 8 has a full 4–8-week history
      expect(firingHours(series(12, peak, seed)), `peak ${peak}, seed ${seed}`).toEqual([]);
    }
  });
});

describe('alert state: cool-down and back to normal', () => {
  const HOUR = 3_600_000;
  const quiet: AlertState = { firing: false, lastFiredAt: null };

  it('fires once, holds while breached, resolves when clearly normal', () => {
    let s = quiet;
    const seen: (string | null)[] = [];
    // scores hour by hour: 6 (fire), 7 (still firing, no repeat), 3 (between: holds), 1 (back to normal)
    for (const [i, score] of [6, 7, 3, 1].entries()) {
      const v = { expected: 100, observed: 100 + score * 11, score, anomaly: score >= 4.5 ? ('spike' as const) : null };
      const { breached, cleared } = anomalyBreach(v, null);
      const step = stepAlert(s, breached, cleared, i * HOUR, 6 * HOUR);
      s = step.state;
      seen.push(step.transition);
    }
    expect(seen).toEqual(['fire', null, null, 'resolve']);
    expect(s).toEqual({ firing: false, lastFiredAt: 0 });
  });

  it('a new breach within the cool-down after a resolve is not sent; after it, it is', () => {
    const resolved: AlertState = { firing: false, lastFiredAt: 0 };
    expect(stepAlert(resolved, true, false, 2 * HOUR, 6 * HOUR).transition).toBeNull();
    expect(stepAlert(resolved, true, false, 6 * HOUR, 6 * HOUR)).toEqual({ state: { firing: true, lastFiredAt: 6 * HOUR }, transition: 'fire' });
  });

  it('an anomaly rule for drops ignores spikes', () => {
    const spike = { expected: 100, observed: 200, score: 9, anomaly: 'spike' as const };
    expect(anomalyBreach(spike, 'below')).toEqual({ breached: false, cleared: false });
    expect(anomalyBreach(spike, 'above').breached).toBe(true);
  });
});
