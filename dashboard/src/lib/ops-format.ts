/**
 * How the Operations page writes the status API's numbers: ages in seconds as "4 min 10 s",
 * sizes in the decimal units Cloudflare bills D1 by (10 GB = 10,000,000,000 bytes), shares of a
 * limit with two decimals, counts with thousands separators (an operator compares them exactly).
 */
const counts = new Intl.NumberFormat('en-US');

export const formatCount = (n: number | null | undefined): string => (n === null || n === undefined ? '—' : counts.format(n));

export function formatAge(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

const UNITS = ['bytes', 'kB', 'MB', 'GB', 'TB'];

export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return '—';
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${value >= 100 ? Math.round(value) : Math.round(value * 10) / 10} ${UNITS[unit]}`;
}

/** `part` as a share of `whole` in %, two decimals, at most 100 (a bar's width). */
export function percentOf(part: number | null | undefined, whole: number): number | null {
  if (part === null || part === undefined || whole <= 0) return null;
  return Math.min(100, Math.round((part / whole) * 10_000) / 100);
}
