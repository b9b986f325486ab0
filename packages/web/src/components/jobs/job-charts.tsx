import { processMetricNames } from '@qlora-studio/contracts';
import { Chart as ChartJS, Filler, Legend, LinearScale, LineElement, PointElement, Tooltip, type ChartData, type ChartOptions } from 'chart.js';
import { useEffect, useMemo, useState } from 'react';
import { Line } from 'react-chartjs-2';
import { formatBytes, formatNumber } from '../../lib/format';
import { usePreferences } from '../../lib/preferences';
import type { MetricPoint } from '../../lib/jobs/job-stream';
import type { ChartedTrainingMetric } from './charted-metrics';

/**
 * Chart.js charts of a job's metrics. This module is only ever imported lazily (see
 * metrics-charts.tsx), so Chart.js stays out of the main bundle.
 */
ChartJS.register(LinearScale, PointElement, LineElement, Tooltip, Legend, Filler);

type Tone = 'primary' | 'success' | 'warning' | 'danger' | 'secondary';
interface Palette {
  tones: Record<Tone, string>;
  fg: string;
  muted: string;
  grid: string;
  surface: string;
}

function readPalette(): Palette {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    tones: {
      primary: v('--color-primary', '#1e40af'),
      success: v('--color-success', '#059669'),
      warning: v('--color-warning', '#d97706'),
      danger: v('--color-danger', '#dc2626'),
      secondary: v('--color-secondary', '#64748b'),
    },
    fg: v('--color-fg', '#0f172a'),
    muted: v('--color-fg-muted', '#475569'),
    grid: v('--color-line', '#e2e8f0'),
    surface: v('--color-surface', '#ffffff'),
  };
}

/** The theme's token colours, read again whenever the theme changes. */
function usePalette(): Palette {
  const { theme } = usePreferences();
  const [palette, setPalette] = useState(readPalette);
  useEffect(() => {
    const frame = requestAnimationFrame(() => setPalette(readPalette()));
    return () => cancelAnimationFrame(frame);
  }, [theme]);
  return palette;
}

/** A metric by its catalogued name: a misspelt one, or one the job page does not pass on, does not compile. */
type ChartedMetricName = ChartedTrainingMetric | (typeof processMetricNames)[keyof typeof processMetricNames];

interface Series {
  name: ChartedMetricName;
  label: string;
  tone: Tone;
  dashed?: boolean;
}

interface ChartSpec {
  id: string;
  title: string;
  xLabel: string;
  series: Series[];
  format: (value: number) => string;
}

const byStep = 'Step';
const bySeconds = 'Seconds since start';

const trainingCharts: ChartSpec[] = [
  {
    id: 'loss',
    title: 'Training and validation loss',
    xLabel: byStep,
    series: [
      { name: 'loss', label: 'Training loss', tone: 'primary' },
      { name: 'eval_loss', label: 'Validation loss', tone: 'warning', dashed: true },
    ],
    format: (v) => formatNumber(v, 4),
  },
  {
    id: 'lr',
    title: 'Learning rate',
    xLabel: byStep,
    series: [{ name: 'learning_rate', label: 'Learning rate', tone: 'success' }],
    format: (v) => v.toExponential(2),
  },
  {
    id: 'grad',
    title: 'Gradient norm',
    xLabel: byStep,
    series: [{ name: 'grad_norm', label: 'Gradient norm', tone: 'secondary' }],
    format: (v) => formatNumber(v, 3),
  },
  {
    id: 'tps',
    title: 'Tokens per second',
    xLabel: byStep,
    series: [{ name: 'tokens_per_second', label: 'Tokens per second', tone: 'primary' }],
    format: (v) => formatNumber(v, 1),
  },
];

const processCharts: ChartSpec[] = [
  {
    id: 'cpu',
    title: 'CPU use',
    xLabel: bySeconds,
    series: [{ name: processMetricNames.cpuPercent, label: 'CPU % of one core', tone: 'primary' }],
    format: (v) => `${formatNumber(v, 1)}%`,
  },
  {
    id: 'rss',
    title: 'Memory (resident)',
    xLabel: bySeconds,
    series: [{ name: processMetricNames.rssBytes, label: 'Resident memory', tone: 'success' }],
    format: (v) => formatBytes(v),
  },
  {
    id: 'disk',
    title: 'Disk used by outputs',
    xLabel: bySeconds,
    series: [{ name: processMetricNames.outputBytes, label: 'Output size', tone: 'warning' }],
    format: (v) => formatBytes(v),
  },
];

/** A text alternative: the last value of each series and how many points there are. */
function describe(spec: ChartSpec, metrics: Record<string, MetricPoint[]>): string {
  const parts = spec.series.flatMap((s) => {
    const points = metrics[s.name];
    const last = points?.[points.length - 1];
    return last ? [`${s.label} ${spec.format(last.value)} at ${spec.xLabel.toLowerCase()} ${formatNumber(last.step, 0)} (${points.length} points)`] : [];
  });
  return `${spec.title}: ${parts.join('; ') || 'no data yet'}`;
}

function MetricChart({ spec, metrics, palette }: { spec: ChartSpec; metrics: Record<string, MetricPoint[]>; palette: Palette }) {
  const hasData = spec.series.some((s) => metrics[s.name]?.length);
  const data = useMemo<ChartData<'line', { x: number; y: number }[]>>(
    () => ({
      datasets: spec.series
        .filter((s) => metrics[s.name]?.length)
        .map((s) => ({
          label: s.label,
          data: metrics[s.name]!.map((p) => ({ x: p.step, y: p.value })),
          borderColor: palette.tones[s.tone],
          backgroundColor: palette.tones[s.tone],
          borderWidth: 2,
          borderDash: s.dashed ? [6, 4] : undefined,
          pointRadius: metrics[s.name]!.length > 40 ? 0 : 2,
          tension: 0.2,
        })),
    }),
    [spec, metrics, palette],
  );
  const options = useMemo<ChartOptions<'line'>>(
    () => ({
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      parsing: false,
      normalized: true,
      interaction: { mode: 'nearest', intersect: false },
      scales: {
        x: {
          type: 'linear',
          title: { display: true, text: spec.xLabel, color: palette.muted },
          ticks: { color: palette.muted },
          grid: { color: palette.grid },
        },
        y: { ticks: { color: palette.muted, callback: (v) => spec.format(Number(v)) }, grid: { color: palette.grid } },
      },
      plugins: {
        legend: { display: spec.series.length > 1, labels: { color: palette.fg, boxHeight: 2 } },
        tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${spec.format(item.parsed.y ?? 0)}` } },
      },
    }),
    [spec, palette],
  );
  const label = describe(spec, metrics);
  return (
    <figure className="flex min-w-0 flex-col gap-2 rounded-lg border border-line p-3 hc:border-line-strong">
      <figcaption className="text-sm font-medium">{spec.title}</figcaption>
      <div className="relative h-48">
        {hasData ? (
          <Line data={data} options={options} role="img" aria-label={label} data-chart={spec.id}>
            <p>{label}</p>
          </Line>
        ) : (
          <p className="grid h-full place-items-center text-sm text-fg-muted">No data yet</p>
        )}
      </div>
    </figure>
  );
}

/** Every chart of the kind, in a responsive grid; one without data yet says so, at the same size (no layout jump when data arrives). */
export default function JobCharts({ metrics, specs }: { metrics: Record<string, MetricPoint[]>; specs: 'training' | 'process' }) {
  const palette = usePalette();
  const list = specs === 'training' ? trainingCharts : processCharts;
  return (
    <div className="grid gap-4 md:grid-cols-2">
      {list.map((spec) => (
        <MetricChart key={spec.id} spec={spec} metrics={metrics} palette={palette} />
      ))}
    </div>
  );
}
