import { useId } from 'react';
import { cn } from '../../lib/cn';

export interface SparklineProps {
  values: number[];
  /** Fixed range; defaults to the data's min and max. */
  min?: number;
  max?: number;
  /** Text alternative, e.g. "CPU use over the last 2 minutes: 12% to 48%". */
  label: string;
  className?: string;
  tone?: 'primary' | 'success' | 'warning' | 'danger' | 'secondary';
}

const strokes = {
  primary: 'stroke-primary',
  success: 'stroke-success',
  warning: 'stroke-warning',
  danger: 'stroke-danger',
  secondary: 'stroke-secondary',
};
const fills = {
  primary: 'text-primary',
  success: 'text-success',
  warning: 'text-warning',
  danger: 'text-danger',
  secondary: 'text-secondary',
};

/** A small line chart in SVG, scaled to its box. */
export function Sparkline({ values, min, max, label, className, tone = 'primary' }: SparklineProps) {
  const gradientId = useId();
  const width = 100;
  const height = 32;
  const lo = min ?? Math.min(...values);
  const hi = max ?? Math.max(...values);
  const span = hi - lo || 1;
  const points = values.map((v, i) => {
    const x = values.length === 1 ? width : (i / (values.length - 1)) * width;
    const y = height - 2 - ((v - lo) / span) * (height - 4);
    return [x, Math.max(1, Math.min(height - 1, y))] as const;
  });
  const line = points.map(([x, y], i) => `${i ? 'L' : 'M'}${x.toFixed(2)},${y.toFixed(2)}`).join(' ');
  const area = points.length ? `${line} L${width},${height} L${points[0]![0].toFixed(2)},${height} Z` : '';
  return (
    <svg
      role="img"
      aria-label={label}
      viewBox={`0 0 ${width} ${height}`}
      preserveAspectRatio="none"
      className={cn('h-8 w-full overflow-visible', fills[tone], className)}
    >
      <defs>
        <linearGradient id={gradientId} x1="0" x2="0" y1="0" y2="1">
          <stop offset="0%" stopColor="currentColor" stopOpacity="0.22" />
          <stop offset="100%" stopColor="currentColor" stopOpacity="0" />
        </linearGradient>
      </defs>
      {points.length > 1 && (
        <>
          <path d={area} fill={`url(#${gradientId})`} />
          <path d={line} fill="none" className={strokes[tone]} strokeWidth="2" vectorEffect="non-scaling-stroke" strokeLinejoin="round" strokeLinecap="round" />
        </>
      )}
    </svg>
  );
}
