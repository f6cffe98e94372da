/** Where on the main chart's category axis an annotation's day is drawn (pure: unit-tested). */

/**
 * The bucket an annotation is drawn at: its own day, the first hour of it on an hourly chart, or
 * the week or month bucket holding it; null when the chart does not cover the day.
 */
export function bucketOf(date: string, labels: string[]): string | null {
  const exact = labels.find((l) => l.slice(0, 10) === date);
  if (exact) return exact;
  if (labels.length === 0 || labels[0]!.length !== 10) return null; // an hourly chart without that day
  const before = labels.filter((l) => l < date);
  const found = before[before.length - 1];
  if (!found) return null;
  const next = labels[labels.indexOf(found) + 1];
  if (next) return found; // the day lies between two bucket starts: in the earlier bucket
  // the last bucket: a month bucket runs to the next month, a day or week one for its step
  const step = labels.length < 2 ? 86_400_000 : Date.parse(found) - Date.parse(labels[labels.length - 2]!);
  if (step > 7 * 86_400_000) return date.slice(0, 7) === found.slice(0, 7) ? found : null;
  return date < new Date(Date.parse(found) + step).toISOString().slice(0, 10) ? found : null;
}
