import type { PlaygroundRun } from '@qlora-studio/contracts';
import { MessageSquareText } from 'lucide-react';
import { useId, useState } from 'react';
import { EmptyState } from '../../../components/ui/empty-state';
import { Switch } from '../../../components/ui/switch';
import { cn } from '../../../lib/cn';
import { paneNames } from '../output-format';
import { isRunActive } from '../run-stream';
import { OutputPane } from './output-pane';

const columns: Record<number, string> = { 1: '', 2: 'lg:grid-cols-2', 3: 'lg:grid-cols-2 2xl:grid-cols-3', 4: 'lg:grid-cols-2 2xl:grid-cols-4' };

/** The whole run in a few words, announced when it changes (never per token). */
function runSummary(run: PlaygroundRun): string {
  if (isRunActive(run)) {
    const waiting = run.panes.filter((p) => p.status === 'queued').length;
    return waiting === run.panes.length ? 'Waiting: another reply is being generated' : 'Generating…';
  }
  const tokens = run.panes.reduce((n, p) => n + (p.completionTokens ?? 0), 0);
  const failed = run.panes.filter((p) => p.status === 'failed').length;
  return `Done, ${tokens.toLocaleString()} ${tokens === 1 ? 'token' : 'tokens'}${failed ? `; ${failed} failed` : ''}`;
}

/** The current run's outputs side by side (stacked on narrow screens), with the word diff. */
export function OutputGrid({ run, editable, onContinue }: { run: PlaygroundRun | null; editable: boolean; onContinue?: (text: string) => void }) {
  const id = useId();
  const [diff, setDiff] = useState(false);
  const names = run ? paneNames(run.panes) : [];
  const comparing = !!run && run.panes.length > 1;
  // Diffs are computed once replies settle, not on every streamed token.
  const first = run?.panes[0];
  const base = comparing && diff && first && first.status !== 'queued' && first.status !== 'running' ? first.text : null;

  return (
    <section aria-labelledby={`${id}-title`} className="flex flex-col gap-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h2 id={`${id}-title`} className="text-lg font-semibold">
          Output
        </h2>
        {comparing && (
          <label className="flex min-h-11 items-center gap-3 text-sm font-medium">
            <Switch checked={diff} onCheckedChange={setDiff} />
            Diff against first
          </label>
        )}
      </div>
      <p role="status" aria-live="polite" className={cn('text-sm text-fg-muted', !run && 'sr-only')}>
        {run ? runSummary(run) : ''}
      </p>
      {comparing && diff && (
        <p id={`${id}-legend`} className="pg-diff text-sm text-fg-muted">
          Compared with {names[0]}: <ins>underlined words</ins> are added, <del>struck-through words</del> are missing. Shown as plain text, once both replies
          have finished.
        </p>
      )}
      {!run ? (
        <EmptyState icon={MessageSquareText} title="No output yet" className="rounded-xl border border-dashed border-line-strong">
          Choose a model, write or pick a prompt, and press Run (or Ctrl+Enter). The reply streams in here.
        </EmptyState>
      ) : (
        <div className={cn('grid gap-4', columns[run.panes.length])}>
          {run.panes.map((pane, i) => (
            <OutputPane
              key={`${run.id}-${pane.index}`}
              run={run}
              pane={pane}
              name={names[i]!}
              diffBase={base !== null && i > 0 ? base : null}
              editable={editable}
              onContinue={onContinue ? () => onContinue(pane.text) : undefined}
            />
          ))}
        </div>
      )}
    </section>
  );
}
