/** Formatting helpers for numbers, sizes, durations and times, in the user's locale. */

const relativeFormat = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const clockFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });

const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86_400],
  ['month', 30 * 86_400],
  ['week', 7 * 86_400],
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60],
];

/** "just now", "5 minutes ago", "in 2 hours"… relative to `now` (ms since epoch). */
export function formatRelativeTime(date: string | number | Date, now: number = Date.now()): string {
  const time = new Date(date).getTime();
  if (Number.isNaN(time)) return 'unknown time';
  const seconds = Math.round((time - now) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 45) return 'just now';
  for (const [unit, size] of units) {
    if (abs >= size) return relativeFormat.format(Math.round(seconds / size), unit);
  }
  return relativeFormat.format(Math.round(seconds / 60), 'minute');
}

/** Full local date and time, for tooltips and `title` attributes. */
export function formatDateTime(date: string | number | Date): string {
  const d = new Date(date);
  return Number.isNaN(d.getTime()) ? 'unknown time' : dateTimeFormat.format(d);
}

/** 24-hour clock time with seconds, for log lines. */
export function formatClock(date: string | number | Date): string {
  const d = new Date(date);
  return Number.isNaN(d.getTime()) ? '--:--:--' : clockFormat.format(d);
}

/** 1536 → "1.5 KiB" (powers of 1024, named as such, like the server's messages). */
export function formatBytes(bytes: number, fractionDigits = 1): string {
  if (!Number.isFinite(bytes)) return '—';
  const sizes = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = Math.abs(bytes);
  let i = 0;
  while (value >= 1024 && i < sizes.length - 1) {
    value /= 1024;
    i += 1;
  }
  const sign = bytes < 0 ? '-' : '';
  return `${sign}${i === 0 ? value.toFixed(0) : value.toFixed(fractionDigits)} ${sizes[i]}`;
}

/** 3725 → "1 h 2 min", 42 → "42 s", 0.4 → "0.4 s". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  if (seconds < 10) return `${Number(seconds.toFixed(1))} s`;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) {
    const s = Math.round(seconds % 60);
    return s ? `${minutes} min ${s} s` : `${minutes} min`;
  }
  const hours = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m ? `${hours} h ${m} min` : `${hours} h`;
}

/** Seconds between two timestamps (the second defaults to now). */
export function secondsBetween(from: string, to?: string | null, now: number = Date.now()): number {
  const end = to ? new Date(to).getTime() : now;
  return Math.max(0, (end - new Date(from).getTime()) / 1000);
}

/** Number with at most `digits` fraction digits, grouped by locale. */
export function formatNumber(value: number, digits = 1): string {
  return value.toLocaleString(undefined, { maximumFractionDigits: digits });
}

/** 135000000 → "135M", 1.5e9 → "1.5B". */
export function formatParameters(n: number): string {
  if (n >= 1e9) return `${Number((n / 1e9).toFixed(1))}B`;
  if (n >= 1e6) return `${Math.round(n / 1e6)}M`;
  if (n >= 1e3) return `${Math.round(n / 1e3)}K`;
  return String(n);
}
