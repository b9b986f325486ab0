import { firstChars, type PlaygroundRun } from '@qlora-studio/contracts';
import { RotateCcw, Square } from 'lucide-react';
import { Button } from '../../../components/ui/button';
import { RelativeTime } from '../../../components/ui/relative-time';
import { useFocusFallback } from '../../../lib/use-focus-fallback';
import { paneNames, promptAsText } from '../output-format';
import { isRunActive } from '../run-stream';
import { OutputPane } from './output-pane';

export interface SessionRunsProps {
  runs: PlaygroundRun[];
  /** Your own session: notes, votes and Stop. */
  editable: boolean;
  onReuse: (run: PlaygroundRun) => void;
  /** Stops a run that is still generating (one started before a reload, say). */
  onStop: (run: PlaygroundRun) => void;
  /** The run a stop was asked for and not yet answered. */
  stoppingId: string | null;
}

/** Earlier runs of the session, newest first, each with its outputs (collapsed after the first). */
export function SessionRuns({ runs, editable, onReuse, onStop, stoppingId }: SessionRunsProps) {
  // A run's Stop goes away when it ends: focus moves to its Reuse button beside it.
  const stopRef = useFocusFallback<HTMLButtonElement>((row) => row?.querySelector('button'));
  const sorted = [...runs].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return (
    <ol className="flex flex-col gap-3">
      {sorted.map((run, i) => {
        const names = paneNames(run.panes);
        const preview = firstChars(promptAsText(run).replace(/\s+/g, ' '), 140);
        return (
          <li key={run.id}>
            <details open={i === 0} className="group rounded-xl border border-line bg-surface hc:border-line-strong">
              <summary className="flex min-h-11 cursor-pointer flex-wrap items-baseline gap-x-3 gap-y-1 rounded-xl px-4 py-3">
                <h3 className="font-semibold">
                  <RelativeTime date={run.createdAt} />: {names.join(' vs ')}
                </h3>
                <span className="min-w-0 flex-1 truncate text-sm text-fg-muted literal-text">{preview || '(empty prompt)'}</span>
              </summary>
              <div className="flex flex-col gap-3 border-t border-line p-4">
                <div className="flex flex-wrap gap-3">
                  <Button variant="secondary" onClick={() => onReuse(run)}>
                    <RotateCcw aria-hidden />
                    Reuse prompt and settings
                  </Button>
                  {editable && isRunActive(run) && (
                    <Button ref={stopRef} variant="danger-outline" onClick={() => onStop(run)} loading={stoppingId === run.id}>
                      <Square aria-hidden />
                      Stop<span className="sr-only"> run {sorted.length - i}</span>
                    </Button>
                  )}
                </div>
                <div className="grid gap-4 md:grid-cols-2 2xl:grid-cols-[repeat(auto-fit,minmax(18rem,1fr))]">
                  {run.panes.map((pane, j) => (
                    <OutputPane
                      key={pane.index}
                      run={run}
                      pane={pane}
                      name={names[j]!}
                      diffBase={null}
                      editable={editable}
                      headingLevel="h4"
                      context={`run ${sorted.length - i}`}
                    />
                  ))}
                </div>
              </div>
            </details>
          </li>
        );
      })}
    </ol>
  );
}
