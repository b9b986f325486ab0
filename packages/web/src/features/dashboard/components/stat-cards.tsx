import type { Job } from '@qlora-studio/contracts';
import { CheckCircle2, Clock, Loader2, XCircle } from 'lucide-react';
import { Skeleton } from '../../../components/ui/skeleton';
import { cn } from '../../../lib/cn';

interface Stat {
  label: string;
  value: number;
  icon: typeof Clock;
  accent: string;
  hint: string;
  /** Only tint the card when there is something to see. */
  quietWhenZero?: boolean;
}

/** Counts of jobs by state: what is running, waiting, done and broken. */
export function StatCards({ jobs, loading, failed }: { jobs: Job[] | undefined; loading: boolean; failed?: boolean }) {
  const count = (...statuses: Job['status'][]) => jobs?.filter((j) => statuses.includes(j.status)).length ?? 0;
  const stats: Stat[] = [
    { label: 'Running', value: count('running'), icon: Loader2, accent: 'from-primary/15 text-primary-text', hint: 'jobs working now' },
    { label: 'Queued', value: count('queued'), icon: Clock, accent: 'from-secondary/15 text-fg-muted', hint: 'waiting for a slot' },
    { label: 'Succeeded', value: count('succeeded'), icon: CheckCircle2, accent: 'from-success/15 text-success-text', hint: 'finished fine' },
    { label: 'Need attention', value: count('failed', 'interrupted'), icon: XCircle, accent: 'from-danger/15 text-danger-text', hint: 'failed or interrupted', quietWhenZero: true },
  ];
  return (
    <ul className="grid grid-cols-2 gap-4 lg:grid-cols-4 lg:gap-6" aria-label="Job counts">
      {stats.map((s) => (
        <li
          key={s.label}
          className={cn(
            'relative overflow-hidden rounded-xl border border-line bg-surface bg-gradient-to-br to-transparent to-60% p-4 shadow-card sm:p-5 hc:border-line-strong',
            s.quietWhenZero && s.value === 0 ? 'text-fg-muted' : s.accent,
          )}
        >
          <div className="flex items-center justify-between gap-2">
            <span className="text-sm font-medium text-fg-muted">{s.label}</span>
            <s.icon className="size-5" aria-hidden />
          </div>
          {loading ? (
            <Skeleton className="mt-2 h-9 w-12" />
          ) : (
            <p className="mt-1 text-3xl font-semibold tracking-tight text-fg tabular-nums">
              {failed ? (<><span aria-hidden>—</span><span className="sr-only">unknown</span></>) : s.value}
            </p>
          )}
          <p className="text-xs text-fg-muted">{s.hint}</p>
        </li>
      ))}
    </ul>
  );
}
