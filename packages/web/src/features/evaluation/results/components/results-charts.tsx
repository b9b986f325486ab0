import {
  BarElement,
  CategoryScale,
  Chart as ChartJS,
  Filler,
  Legend,
  LinearScale,
  LineElement,
  PointElement,
  RadialLinearScale,
  Tooltip,
  type ChartData,
  type ChartOptions,
  type Plugin,
} from 'chart.js';
import { useMemo } from 'react';
import { Bar, Line, Radar } from 'react-chartjs-2';
import { wrapLabel } from '../chart-labels';
import { modelColour, usePalette, type Palette } from './chart-palette';

/**
 * Chart.js charts of the Results tab. Only ever imported lazily (see lazy-charts.tsx), so Chart.js
 * stays out of the main bundle. Each chart is drawn for sighted users; the caller always renders
 * the same numbers as text next to it.
 */
ChartJS.register(CategoryScale, LinearScale, RadialLinearScale, BarElement, LineElement, PointElement, Filler, Tooltip, Legend);

/** Writes each bar's value above it, so the value is readable without hovering. */
function valueLabels(format: (v: number) => string, colour: string): Plugin<'bar'> {
  return {
    id: 'valueLabels',
    afterDatasetsDraw(chart) {
      const { ctx } = chart;
      ctx.save();
      ctx.fillStyle = colour;
      ctx.font = '600 12px Inter, system-ui, sans-serif';
      ctx.textAlign = 'center';
      ctx.textBaseline = 'bottom';
      chart.data.datasets.forEach((dataset, d) => {
        const meta = chart.getDatasetMeta(d);
        if (meta.hidden) return;
        meta.data.forEach((bar, i) => {
          const value = dataset.data[i];
          if (typeof value !== 'number') return;
          ctx.fillText(format(value), bar.x, Math.min(bar.y, (bar as unknown as { base: number }).base) - 4);
        });
      });
      ctx.restore();
    },
  };
}

/** A 6-digit hex colour at 15% opacity (the theme tokens are hex); other forms are left as they are. */
const translucent = (colour: string) => (/^#[0-9a-f]{6}$/i.test(colour) ? `${colour}26` : colour);

const axis = (p: Palette, title?: string) => ({
  ticks: { color: p.muted },
  grid: { color: p.grid },
  ...(title ? { title: { display: true, text: title, color: p.muted } } : {}),
});

export interface BarsProps {
  /** One bar (or, with several series, one group) per label. */
  labels: string[];
  series: { label: string; values: (number | null)[] }[];
  /** Colour by bar (one series: each model its own colour) or by series. */
  colourBy: 'bar' | 'series';
  unit: string;
  format: (v: number) => string;
  description: string;
  /** Start the value axis at zero (fractions) or let it fit (losses). */
  fromZero: boolean;
  max?: number;
}

/** A bar chart across models (one metric) or a grouped bar chart across benchmarks. */
export function BarsChart({ labels, series, colourBy, unit, format, description, fromZero, max }: BarsProps) {
  const palette = usePalette();
  const data = useMemo<ChartData<'bar', (number | null)[]>>(
    () => ({
      labels,
      datasets: series.map((s, k) => ({
        label: s.label,
        data: s.values,
        backgroundColor: colourBy === 'bar' ? labels.map((_, i) => modelColour(palette, i)) : modelColour(palette, k),
        borderRadius: 4,
        maxBarThickness: 64,
      })),
    }),
    [labels, series, colourBy, palette],
  );
  const plugins = useMemo(() => [valueLabels(format, palette.fg)], [format, palette.fg]);
  const options = useMemo<ChartOptions<'bar'>>(
    () => ({
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      layout: { padding: { top: 20 } },
      scales: {
        x: {
          ...axis(palette),
          ticks: {
            color: palette.muted,
            autoSkip: false,
            maxRotation: 0,
            // About 7 px a character at 12 px: each label wraps to the width its bar has.
            callback(value, index) {
              const room = this.chart.width / Math.max(labels.length, 1) / 7;
              return wrapLabel(labels[index] ?? String(value), Math.max(8, Math.floor(room)));
            },
          },
        },
        y: { ...axis(palette, unit), beginAtZero: fromZero, ...(max !== undefined ? { max } : {}) },
      },
      plugins: {
        legend: { display: false },
        tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${format(Number(item.raw))}${unit ? ` ${unit}` : ''}` } },
      },
    }),
    [palette, unit, fromZero, max, labels, format],
  );
  return (
    <Bar data={data} options={options} plugins={plugins} role="img" aria-label={description}>
      <p>{description}</p>
    </Bar>
  );
}

export interface RadarProps {
  axes: string[];
  series: { label: string; values: number[] }[];
  description: string;
}

/** Each model's main metric (points, 0–100) on each benchmark. */
export function ProfileRadar({ axes, series, description }: RadarProps) {
  const palette = usePalette();
  const data = useMemo<ChartData<'radar', number[]>>(
    () => ({
      labels: axes,
      datasets: series.map((s, i) => ({
        label: s.label,
        data: s.values,
        borderColor: modelColour(palette, i),
        backgroundColor: translucent(modelColour(palette, i)),
        pointBackgroundColor: modelColour(palette, i),
        borderWidth: 2,
        // Dashes tell the base apart without relying on its colour.
        borderDash: i === 0 ? [6, 4] : undefined,
        fill: true,
      })),
    }),
    [axes, series, palette],
  );
  const options = useMemo<ChartOptions<'radar'>>(
    () => ({
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: {
        r: {
          min: 0,
          max: 100,
          ticks: { color: palette.muted, backdropColor: 'transparent', stepSize: 25 },
          grid: { color: palette.grid },
          angleLines: { color: palette.grid },
          // Benchmark names wrap so that the outer labels stay inside a phone-wide chart.
          pointLabels: { color: palette.fg, font: { size: 12 }, callback: (label: string) => wrapLabel(label, 14) },
        },
      },
      plugins: {
        legend: { display: false },
        tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${Number(item.raw).toFixed(1)} points` } },
      },
    }),
    [palette],
  );
  return (
    <Radar data={data} options={options} role="img" aria-label={description}>
      <p>{description}</p>
    </Radar>
  );
}

export interface StepProps {
  points: { step: number; value: number }[];
  baseValue: number | null;
  baseLabel: string;
  runLabel: string;
  unit: string;
  format: (v: number) => string;
  description: string;
}

/** The main metric of a fine-tune's checkpoints against the training step, the base as a dashed level. */
export function StepChart({ points, baseValue, baseLabel, runLabel, unit, format, description }: StepProps) {
  const palette = usePalette();
  const data = useMemo<ChartData<'line', { x: number; y: number }[]>>(() => {
    const first = points[0]!.step;
    const last = points[points.length - 1]!.step;
    return {
      datasets: [
        {
          label: runLabel,
          data: points.map((p) => ({ x: p.step, y: p.value })),
          borderColor: modelColour(palette, 1),
          backgroundColor: modelColour(palette, 1),
          borderWidth: 2,
          pointRadius: 4,
        },
        ...(baseValue === null
          ? []
          : [
              {
                label: baseLabel,
                data: [
                  { x: first, y: baseValue },
                  { x: last, y: baseValue },
                ],
                borderColor: modelColour(palette, 0),
                backgroundColor: modelColour(palette, 0),
                borderWidth: 2,
                borderDash: [6, 4],
                pointRadius: 0,
              },
            ]),
      ],
    };
  }, [points, baseValue, baseLabel, runLabel, palette]);
  const options = useMemo<ChartOptions<'line'>>(
    () => ({
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      parsing: false,
      scales: {
        x: { type: 'linear', ...axis(palette, 'Training step'), ticks: { color: palette.muted, precision: 0 } },
        y: { ...axis(palette, unit), grace: '10%' },
      },
      plugins: {
        legend: { display: false },
        tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${format(item.parsed.y ?? 0)}${unit ? ` ${unit}` : ''}` } },
      },
    }),
    [palette, unit, format],
  );
  return (
    <Line data={data} options={options} role="img" aria-label={description}>
      <p>{description}</p>
    </Line>
  );
}
