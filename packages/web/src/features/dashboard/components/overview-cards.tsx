import type { Overview } from '@qlora-studio/contracts';
import { Boxes, CheckCircle2, Coins, Database, Layers, Loader2, XCircle } from 'lucide-react';
import { Link } from 'react-router';
import { Alert } from '../../../components/ui/alert';
import { Skeleton } from '../../../components/ui/skeleton';
import { isApiClientError } from '../../../lib/api-client';
import { cn } from '../../../lib/cn';
import { usePreferences } from '../../../lib/preferences';
import { useOverview } from '../api/get-overview';
import { useCountUp } from '../count-up';

const compact = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 });
const whole = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });

type Tone = 'primary' | 'success' | 'danger' | 'warning' | 'neutral';

/** Soft gradient and icon colour per tone; high contrast drops both for a flat, opaque card. */
const toneClasses: Record<Tone, { card: string; icon: string }> = {
  primary: { card: 'from-primary/20 via-primary/5', icon: 'bg-primary-soft text-primary-text' },
  success: { card: 'from-success/20 via-success/5', icon: 'bg-success-soft text-success-text' },
  danger: { card: 'from-danger/20 via-danger/5', icon: 'bg-danger-soft text-danger-text' },
  warning: { card: 'from-warning/20 via-warning/5', icon: 'bg-warning-soft text-warning-text' },
  neutral: { card: 'from-secondary/20 via-secondary/5', icon: 'bg-surface-muted text-fg-muted' },
};

interface CardSpec {
  key: string;
  label: string;
  value: (o: Overview) => number;
  hint: (o: Overview) => string;
  format?: (n: number) => string;
  icon: typeof Boxes;
  tone: (o: Overview) => Tone;
  to: string;
}

const plural = (n: number, one: string, many: string) => `${whole.format(n)} ${n === 1 ? one : many}`;

export const overviewCards: CardSpec[] = [
  {
    key: 'models',
    label: 'Models',
    value: (o) => o.models,
    hint: () => 'base models ready to fine-tune',
    icon: Boxes,
    tone: () => 'primary',
    to: '/fine-tune',
  },
  {
    key: 'adapters',
    label: 'Adapters',
    value: (o) => o.adapters,
    hint: () => 'LoRA adapters trained',
    icon: Layers,
    tone: () => 'success',
    to: '/activity?type=train',
  },
  { key: 'datasets', label: 'Datasets', value: (o) => o.datasets, hint: () => 'uploaded or imported', icon: Database, tone: () => 'primary', to: '/fine-tune' },
  {
    key: 'running',
    label: 'Running jobs',
    value: (o) => o.jobs.running,
    hint: (o) => (o.jobs.queued ? `${whole.format(o.jobs.queued)} queued after them` : 'nothing waiting'),
    icon: Loader2,
    tone: (o) => (o.jobs.running ? 'primary' : 'neutral'),
    to: '/activity',
  },
  {
    key: 'completed',
    label: 'Completed jobs',
    value: (o) => o.jobs.succeeded,
    hint: () => 'finished fine',
    icon: CheckCircle2,
    tone: () => 'success',
    to: '/activity',
  },
  {
    key: 'failed',
    label: 'Failed jobs',
    value: (o) => o.jobs.failed + o.jobs.interrupted,
    hint: (o) => (o.jobs.interrupted ? `${plural(o.jobs.interrupted, 'was', 'were')} interrupted` : 'failed or interrupted'),
    icon: XCircle,
    tone: (o) => (o.jobs.failed + o.jobs.interrupted ? 'danger' : 'neutral'),
    to: '/activity',
  },
  {
    key: 'tokens',
    label: 'Tokens trained',
    value: (o) => o.tokensTrained,
    format: (n) => compact.format(n),
    hint: () => 'across every fine-tune',
    icon: Coins,
    tone: () => 'warning',
    to: '/activity?type=train',
  },
];

function Counter({ value, format = (n) => whole.format(n) }: { value: number; format?: (n: number) => string }) {
  const { reducedMotion } = usePreferences();
  const shown = useCountUp(value, reducedMotion);
  return (
    <>
      {/* The moving number is for the eyes; screen readers get the settled value once. */}
      <span aria-hidden data-testid="counter">
        {format(shown)}
      </span>
      <span className="sr-only">{format(value)}</span>
    </>
  );
}

const cardBase = cn(
  'group relative flex h-full min-h-32 flex-col gap-1 overflow-hidden rounded-xl border p-4 sm:p-5',
  // Glass: a translucent, blurred surface with a soft tinted gradient over the backdrop.
  'border-white/40 bg-surface/70 bg-gradient-to-br to-transparent shadow-card backdrop-blur-md dark:border-white/10 dark:bg-surface/60',
  // Micro-interactions: lift and glow on hover and focus (transitions stop under reduced motion).
  'transition-[transform,box-shadow,border-color] duration-200 ease-out hover:-translate-y-0.5 hover:border-line-strong hover:shadow-raised',
  'focus-visible:-translate-y-0.5 focus-visible:shadow-raised',
  // High contrast: opaque, flat, strong border.
  'hc:border-line-strong hc:bg-surface hc:bg-none hc:backdrop-blur-none hc:hover:translate-y-0',
);

/**
 * The Dashboard's headline numbers, each a link to where those things are (jobs: the Activity
 * board, whose columns are by status; adapters and tokens: its fine-tunes).
 */
export function OverviewCards() {
  const overview = useOverview();
  const data = overview.data;
  return (
    <section aria-labelledby="overview-title" className="relative isolate">
      <h2 id="overview-title" className="sr-only">
        Overview
      </h2>
      {/* The colour the glass blurs: two soft glows behind the cards (none in high contrast). */}
      <div aria-hidden className="pointer-events-none absolute inset-0 -z-10 overflow-hidden rounded-3xl hc:hidden">
        <div className="absolute -top-10 left-[10%] size-56 rounded-full bg-primary/25 blur-3xl dark:bg-primary/30" />
        <div className="absolute -bottom-12 right-[15%] size-56 rounded-full bg-success/20 blur-3xl" />
      </div>
      {overview.isError && !data ? (
        <Alert tone="danger" title="The overview could not be loaded">
          {isApiClientError(overview.error) ? overview.error.hint : 'Reload the page.'}
        </Alert>
      ) : (
        <ul className="grid grid-cols-2 gap-4 md:grid-cols-4 lg:gap-6" aria-label="Workspace overview">
          {overviewCards.map((card) => {
            const tone = data ? toneClasses[card.tone(data)] : toneClasses.neutral;
            const Icon = card.icon;
            return (
              <li key={card.key} className={cn(card.key === 'tokens' && 'col-span-2')}>
                <Link to={card.to} className={cn(cardBase, tone.card)} data-card={card.key}>
                  <span className="flex items-start justify-between gap-2">
                    <span className="text-sm font-medium text-fg-muted">{card.label}</span>
                    <span
                      aria-hidden
                      className={cn(
                        'grid size-9 shrink-0 place-items-center rounded-lg transition-transform duration-200 group-hover:scale-110 group-hover:-rotate-6 hc:border hc:border-line-strong',
                        tone.icon,
                      )}
                    >
                      <Icon className={cn('size-5', card.key === 'running' && data?.jobs.running && 'animate-spin [animation-duration:2.5s]')} />
                    </span>
                  </span>
                  {data ? (
                    <span className="text-3xl font-semibold tracking-tight text-fg tabular-nums">
                      <Counter value={card.value(data)} format={card.format} />
                    </span>
                  ) : (
                    <Skeleton className="h-9 w-14" />
                  )}
                  <span className="mt-auto text-xs text-fg-muted">{data ? card.hint(data) : ' '}</span>
                </Link>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
