/**
 * Small text helpers of the report generator: escaping for HTML, Markdown and CSV, and how
 * numbers, deltas and intervals are printed. Every user string goes through one of the escapers.
 */
import type { MetricComparison, MetricDelta } from './compare.js';

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text safe inside an HTML (or inline SVG) element or a double- or single-quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/**
 * Text safe in a Markdown table cell or paragraph: HTML's specials as entities (so a prompt's
 * `<script>` stays text on renderers that allow HTML), pipes and backslashes and emphasis marks
 * escaped, and line breaks as `<br>` so a multi-line prompt stays in its cell.
 */
export function escapeMarkdown(text: string): string {
  return escapeHtml(text)
    .replace(/([\\|*_`[\]])/g, '\\$1')
    .replace(/\r\n|\r|\n/g, '<br>');
}

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, a quote, a line break or leading or
 * trailing space, with quotes doubled. Text a spreadsheet would run as a formula (starting with
 * =, +, -, @, a tab or a carriage return: a model's output or a dataset's prompt can) gets a
 * leading apostrophe, as OWASP advises; numbers are written as they are.
 */
export function csvField(value: string | number | boolean | undefined): string {
  let text = value === undefined ? '' : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A row of CSV fields. */
export function csvRow(values: readonly (string | number | boolean | undefined)[]): string {
  return values.map(csvField).join(',');
}

/** A metric's value: up to 4 decimals, trailing zeros dropped; "—" when missing. */
export function formatValue(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  return String(Number(value.toFixed(4)));
}

/** A signed number in the metric's unit, e.g. "+6.8" points (no sign on what rounds to zero). */
export function formatSigned(value: number, metric: Pick<MetricComparison, 'scale' | 'unit'>, digits = metric.unit === 'nats/token' ? 3 : 1): string {
  if (!Number.isFinite(value)) return '—';
  const text = (value * metric.scale).toFixed(digits);
  if (Number(text) === 0) return (0).toFixed(digits);
  return value > 0 ? `+${text}` : text;
}

/** "+4.0 (95% CI +1.2 to +6.8) points", or just the delta when there is no interval. */
export function formatDelta(delta: MetricDelta, metric: MetricComparison): string {
  const unit = metric.unit ? ` ${metric.unit}` : '';
  const b = delta.bootstrap;
  if (!b) return `${formatSigned(delta.delta, metric)}${unit}`;
  const percent = Number((b.confidence * 100).toFixed(1));
  return `${formatSigned(b.delta, metric)} (${percent}% CI ${formatSigned(b.low, metric)} to ${formatSigned(b.high, metric)})${unit}`;
}

/** A model's choices with their log-likelihoods, e.g. "A) 4: -1.23; B) 5: -0.40". */
export function formatChoices(choices: readonly { text: string; logprob: number }[] | undefined): string {
  if (!choices) return '';
  return choices.map((c) => `${c.text}: ${c.logprob.toFixed(2)}`).join('; ');
}

/** A file-name-safe slug of a benchmark's name. */
export function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'evaluation'
  );
}
