/**
 * Digest periods in the site's time zone: the last complete week (Monday to Sunday, as the
 * dashboard's weeks) or month. A digest is due from 07:00 local on the Monday or the 1st; a cron
 * run that was missed sends it at the next run (each period once, `last_sent_period`).
 */
import { addDays, addMonths, localDay, tzOffset } from '../../lib/timezone';

export type Interval = 'weekly' | 'monthly';

export interface DigestPeriod {
  /** `2026-11-23` (the week's Monday) or `2026-11` */
  label: string;
  from: string;
  to: string;
}

export const SEND_HOUR = 7;

export function lastPeriod(interval: Interval, now: number, tz: string): DigestPeriod {
  const today = localDay(now, tz);
  if (interval === 'weekly') {
    const weekday = (new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7; // 0 = Monday
    const from = addDays(today, -weekday - 7);
    return { label: from, from, to: addDays(from, 6) };
  }
  const month1 = `${today.slice(0, 7)}-01`;
  const from = addMonths(month1, -1);
  return { label: from.slice(0, 7), from, to: addDays(month1, -1) };
}

/** Is the period's digest due: past 07:00 local on the day after it ended? */
export function isDue(period: DigestPeriod, now: number, tz: string): boolean {
  const local = new Date(now + tzOffset(now, tz)).toISOString();
  return local >= `${addDays(period.to, 1)}T${String(SEND_HOUR).padStart(2, '0')}:00:00`;
}
