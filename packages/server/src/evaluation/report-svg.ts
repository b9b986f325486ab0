/**
 * The report's charts as inline SVG written by hand: no script, no external reference, so the
 * HTML report draws them offline and in print. Colours come from CSS classes of the report's
 * stylesheet (light, dark and print). No xmlns attribute: HTML parsers do not need it inline.
 */
import type { Comparison, MetricComparison } from './compare.js';
import { escapeHtml, formatSigned, formatValue } from './report-format.js';

const WIDTH = 560;
const LABEL_WIDTH = 200;
const VALUE_WIDTH = 70;
const BAR_HEIGHT = 22;
const GAP = 8;
const TOP = 8;

/** The drawing width left for bars. */
const PLOT = WIDTH - LABEL_WIDTH - VALUE_WIDTH;

/** A label cut to fit its column (the full text stays in the element's <title>). */
function clip(text: string, max = 30): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The opening tag of a chart, with an accessible name. */
function svgOpen(height: number, title: string): string {
  return `<svg class="chart" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="${escapeHtml(title)}"><title>${escapeHtml(title)}</title>`;
}

/**
 * One metric's value per model as horizontal bars from zero, scaled to the largest magnitude;
 * the base in one colour, the others in another.
 */
export function metricBarChart(metric: MetricComparison, labels: readonly string[]): string {
  const height = TOP * 2 + labels.length * (BAR_HEIGHT + GAP) - GAP;
  const max = Math.max(...metric.values.map((v) => (v !== undefined && Number.isFinite(v) ? Math.abs(v) : 0)), 0) || 1;
  const rows = labels.map((label, i) => {
    const value = metric.values[i];
    const y = TOP + i * (BAR_HEIGHT + GAP);
    const width = value !== undefined && Number.isFinite(value) ? (Math.max(value, 0) / max) * PLOT : 0;
    const middle = y + BAR_HEIGHT / 2 + 4;
    return [
      `<g><title>${escapeHtml(`${label}: ${formatValue(value)}`)}</title>`,
      `<text class="label" x="${LABEL_WIDTH - 8}" y="${middle}" text-anchor="end">${escapeHtml(clip(label))}</text>`,
      `<rect class="${i === 0 ? 'bar-base' : 'bar'}" x="${LABEL_WIDTH}" y="${y}" width="${width.toFixed(1)}" height="${BAR_HEIGHT}"/>`,
      `<text class="value" x="${(LABEL_WIDTH + width + 6).toFixed(1)}" y="${middle}">${escapeHtml(formatValue(value))}</text></g>`,
    ].join('');
  });
  return `${svgOpen(height, `${metric.name} by model`)}${rows.join('')}</svg>`;
}

/**
 * Each model's delta against the base on one per-item metric, with its bootstrap interval as a
 * whisker around a zero line: an interval clear of zero is a difference the data support.
 */
export function deltaChart(metric: MetricComparison): string {
  const deltas = metric.deltas.filter((d) => d.bootstrap);
  if (deltas.length === 0) return '';
  const height = TOP * 2 + deltas.length * (BAR_HEIGHT + GAP) - GAP + 16;
  const reach = Math.max(...deltas.flatMap((d) => [Math.abs(d.bootstrap!.low), Math.abs(d.bootstrap!.high)]), 0) || 1;
  // x of a delta: zero in the middle of the plot, ±reach at its edges.
  const x = (value: number): number => LABEL_WIDTH + PLOT / 2 + (value / reach) * (PLOT / 2 - 4);
  const rows = deltas.map((d, i) => {
    const b = d.bootstrap!;
    const y = TOP + i * (BAR_HEIGHT + GAP) + BAR_HEIGHT / 2;
    const clear = b.low > 0 || b.high < 0;
    return [
      `<g><title>${escapeHtml(`${d.label}: ${d.verdict ?? ''}`)}</title>`,
      `<text class="label" x="${LABEL_WIDTH - 8}" y="${y + 4}" text-anchor="end">${escapeHtml(clip(d.label))}</text>`,
      `<line class="whisker" x1="${x(b.low).toFixed(1)}" x2="${x(b.high).toFixed(1)}" y1="${y}" y2="${y}"/>`,
      `<circle class="${clear ? 'point-clear' : 'point'}" cx="${x(b.delta).toFixed(1)}" cy="${y}" r="5"/>`,
      `<text class="value" x="${WIDTH - VALUE_WIDTH + 6}" y="${y + 4}">${escapeHtml(formatSigned(b.delta, metric))}</text></g>`,
    ].join('');
  });
  const axisBottom = height - 16;
  const zero = x(0).toFixed(1);
  const axis = `<line class="axis" x1="${zero}" x2="${zero}" y1="${TOP / 2}" y2="${axisBottom}"/><text class="value" x="${zero}" y="${height - 4}" text-anchor="middle">0 ${escapeHtml(metric.unit)}</text>`;
  return `${svgOpen(height, `Change in ${metric.name} against the base, with ${Math.round(deltas[0]!.bootstrap!.confidence * 100)}% intervals`)}${axis}${rows.join('')}</svg>`;
}

/** Every chart of a comparison: a value chart per metric, and a delta chart per per-item metric. */
export function comparisonCharts(comparison: Comparison): { metric: string; values: string; deltas: string }[] {
  const labels = comparison.models.map((m) => m.label);
  return comparison.metrics.map((metric) => ({ metric: metric.name, values: metricBarChart(metric, labels), deltas: deltaChart(metric) }));
}
