import type { PaneOutput, PlaygroundRun } from '@qlora-studio/contracts';
import { Copy, Download, MessageSquarePlus, ThumbsDown, ThumbsUp } from 'lucide-react';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { Alert } from '../../../components/ui/alert';
import { Badge, type BadgeTone } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { DropdownMenu, DropdownMenuContent, DropdownMenuItem, DropdownMenuTrigger } from '../../../components/ui/dropdown-menu';
import { cn } from '../../../lib/cn';
import { copyText } from '../../../components/copy-button';
import { playgroundKeys } from '../../../lib/query-keys';
import { updatePane, useUpdatePane, type PaneUpdate } from '../api/update-pane';
import { downloadText, fileSlug, finishReasonText, paneStats, paneStatusText, paneToJson, paneToMarkdown } from '../output-format';
import { wordDiff } from '../word-diff';
import { DiffOutput, MarkdownOutput } from './markdown-output';

const statusTone: Record<PaneOutput['status'], BadgeTone> = { queued: 'neutral', running: 'primary', done: 'success', stopped: 'warning', failed: 'danger' };
const statusLabel: Record<PaneOutput['status'], string> = { queued: 'Queued', running: 'Generating', done: 'Done', stopped: 'Stopped', failed: 'Failed' };

export interface OutputPaneProps {
  run: PlaygroundRun;
  pane: PaneOutput;
  /** The name this pane goes by on the page (its label, made unique when two panes share one). */
  name: string;
  /** Pane 1's text when the word diff is on and this is another pane. */
  diffBase: string | null;
  /** Notes and votes can be changed (your own session). */
  editable: boolean;
  /** Chat mode: add this reply to the conversation to continue it. */
  onContinue?: () => void;
  headingLevel?: 'h3' | 'h4';
  /** Added to the region's and the note's names to tell apart the same model in another run, e.g. "run 2". */
  context?: string;
}

/**
 * A note that saves a moment after typing stops, when the field loses focus, and when the pane
 * goes away (a new run started with Ctrl+Enter from the note replaces the panes without a blur).
 */
function PaneNote({ run, pane, name, editable }: { run: PlaygroundRun; pane: PaneOutput; name: string; editable: boolean }) {
  const id = useId();
  const update = useUpdatePane();
  const queryClient = useQueryClient();
  const [note, setNote] = useState(pane.note);
  const field = useRef<HTMLTextAreaElement>(null);
  /** Typed and not sent yet, with where it belongs. */
  const unsaved = useRef<PaneUpdate | null>(null);
  // The stored note comes back after each save: it must not overwrite what is being typed.
  useEffect(() => {
    if (!unsaved.current && document.activeElement !== field.current) setNote(pane.note);
  }, [pane.note]);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const flush = () => {
    clearTimeout(timer.current);
    if (unsaved.current) update.mutate(unsaved.current);
    unsaved.current = null;
  };
  useEffect(() => {
    // Unmounted, or the page closing: send it without the component (its mutation observer is
    // gone), with keepalive so a closing page still delivers it.
    const send = () => {
      clearTimeout(timer.current);
      const note = unsaved.current;
      unsaved.current = null;
      if (note) void updatePane(note, { keepalive: true }).then(() => queryClient.invalidateQueries({ queryKey: playgroundKeys.sessions() }));
    };
    window.addEventListener('pagehide', send);
    return () => (window.removeEventListener('pagehide', send), send());
  }, [queryClient]);
  if (!editable && !pane.note) return null;
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-sm font-medium">
        Note<span className="sr-only"> for {name}</span>
      </label>
      <textarea
        ref={field}
        id={id}
        rows={2}
        maxLength={4000}
        value={note}
        readOnly={!editable}
        placeholder={editable ? 'What stands out in this reply?' : undefined}
        onChange={(e) => {
          const value = e.target.value;
          setNote(value);
          if (!editable) return;
          unsaved.current = value === pane.note ? null : { runId: run.id, pane: pane.index, note: value };
          clearTimeout(timer.current);
          timer.current = setTimeout(flush, 1000);
        }}
        onBlur={flush}
        className="w-full rounded-lg border border-line-strong bg-surface px-3 py-2 text-sm text-fg placeholder:text-fg-muted read-only:bg-surface-muted"
      />
    </div>
  );
}

function VoteButtons({ run, pane, editable }: { run: PlaygroundRun; pane: PaneOutput; editable: boolean }) {
  const update = useUpdatePane();
  const [vote, setVote] = useState(pane.vote);
  useEffect(() => setVote(pane.vote), [pane.vote]);
  const cast = (v: 'up' | 'down') => {
    const next = vote === v ? null : v;
    setVote(next);
    update.mutate({ runId: run.id, pane: pane.index, vote: next }, { onError: () => setVote(pane.vote) });
  };
  return (
    <>
      <Button
        variant="ghost"
        size="icon"
        aria-label="Vote up"
        aria-pressed={vote === 'up'}
        disabled={!editable}
        onClick={() => cast('up')}
        className={cn(vote === 'up' && 'bg-success-soft text-success-text')}
      >
        <ThumbsUp aria-hidden className={cn(vote === 'up' && 'fill-current')} />
      </Button>
      <Button
        variant="ghost"
        size="icon"
        aria-label="Vote down"
        aria-pressed={vote === 'down'}
        disabled={!editable}
        onClick={() => cast('down')}
        className={cn(vote === 'down' && 'bg-danger-soft text-danger-text')}
      >
        <ThumbsDown aria-hidden className={cn(vote === 'down' && 'fill-current')} />
      </Button>
    </>
  );
}

/** One model's reply: status, streamed text, figures, and what you can do with it. */
export function OutputPane({ run, pane, name, diffBase, editable, onContinue, headingLevel = 'h3', context }: OutputPaneProps) {
  const fullName = context ? `${name}, ${context}` : name;
  const headingId = useId();
  const Heading = headingLevel;
  const active = pane.status === 'queued' || pane.status === 'running';
  const finish = finishReasonText(pane.finishReason);
  const stats = paneStats(pane);
  const segments = useMemo(() => (diffBase === null || active ? null : wordDiff(diffBase, pane.text)), [diffBase, active, pane.text]);
  const base = `${fileSlug(name)}-${run.id}`;

  return (
    <section
      aria-label={`Output of ${fullName}`}
      className="flex min-w-0 flex-col gap-3 rounded-xl border border-line bg-surface p-4 shadow-card hc:border-line-strong"
    >
      <div className="flex flex-wrap items-start justify-between gap-2">
        <Heading id={headingId} className="min-w-0 font-semibold break-words">
          {name}
        </Heading>
        <Badge tone={statusTone[pane.status]}>{statusLabel[pane.status]}</Badge>
      </div>
      <p role="status" className="text-sm text-fg-muted">
        {paneStatusText(pane)}
        {finish && pane.status === 'done' ? `. ${finish}.` : ''}
      </p>

      <div aria-busy={active} className="min-h-16 text-fg literal-text">
        {pane.text ? (
          segments ? (
            <DiffOutput segments={segments} />
          ) : (
            <MarkdownOutput text={pane.text} />
          )
        ) : active ? (
          <p className="text-sm text-fg-muted">{pane.status === 'queued' ? 'The reply starts when the server is free.' : 'The first words appear here.'}</p>
        ) : pane.status !== 'failed' ? (
          <p className="text-sm text-fg-muted">No text was generated.</p>
        ) : null}
      </div>

      {pane.error && (
        <Alert tone="danger" title="This model could not reply">
          <p>{pane.error.message}</p>
          {pane.error.hint && <p className="mt-1">What to do: {pane.error.hint}</p>}
        </Alert>
      )}

      {stats.length > 0 && (
        <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 text-sm">
          {stats.map((s) => (
            <div key={s.label} className="contents">
              <dt className="text-fg-muted">{s.label}</dt>
              <dd>{s.value}</dd>
            </div>
          ))}
        </dl>
      )}

      {pane.renderedPrompt !== null && (
        <details className="text-sm">
          <summary className="flex min-h-11 cursor-pointer items-center font-medium text-primary-text">
            Exact prompt the model read{pane.promptTokens !== null && ` (${pane.promptTokens.toLocaleString()} tokens)`}
          </summary>
          <pre
            className="mt-1 max-h-64 overflow-auto rounded-lg border border-line bg-surface-muted p-3 font-mono text-xs whitespace-pre-wrap break-words"
            tabIndex={0}
          >
            {pane.renderedPrompt}
          </pre>
        </details>
      )}

      <div className="flex flex-wrap items-center gap-1 border-t border-line pt-3">
        <Button variant="ghost" size="icon" aria-label="Copy output" title="Copy output" disabled={!pane.text} onClick={() => copyText(pane.text, 'Output')}>
          <Copy aria-hidden />
        </Button>
        {/* Not modal: the rest of the page stays in the accessibility tree while the menu is open. */}
        <DropdownMenu modal={false}>
          <DropdownMenuTrigger asChild>
            <Button variant="ghost" size="icon" aria-label="Export output" title="Export output" disabled={active}>
              <Download aria-hidden />
            </Button>
          </DropdownMenuTrigger>
          <DropdownMenuContent align="start">
            <DropdownMenuItem onSelect={() => downloadText(paneToMarkdown(run, pane), `${base}.md`, 'text/markdown')}>Markdown (.md)</DropdownMenuItem>
            <DropdownMenuItem onSelect={() => downloadText(paneToJson(run, pane), `${base}.json`, 'application/json')}>JSON (.json)</DropdownMenuItem>
          </DropdownMenuContent>
        </DropdownMenu>
        <VoteButtons run={run} pane={pane} editable={editable} />
        {onContinue && pane.status !== 'failed' && !active && pane.text && (
          <Button variant="secondary" className="ml-auto" onClick={onContinue}>
            <MessageSquarePlus aria-hidden />
            Continue with this reply
          </Button>
        )}
      </div>
      <PaneNote run={run} pane={pane} name={fullName} editable={editable} />
    </section>
  );
}
