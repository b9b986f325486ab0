import type { PlaygroundRun } from '@qlora-studio/contracts';
import { History, Plus } from 'lucide-react';
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { toast } from 'sonner';
import { actionToastMs } from '../../../lib/toast-timing';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../../components/ui/card';
import { PageHeader } from '../../../components/ui/page-header';
import { ApiErrorAlert } from '../../../components/api-error-alert';
import { usePermission } from '../../../lib/system/get-session';
import { useCreateRun } from '../api/create-run';
import { useCreateSession } from '../api/create-session';
import { useCatalogue } from '../api/get-catalogue';
import { usePlaygroundSession } from '../api/get-session';
import { useStopRun } from '../api/stop-run';
import { useUpdateSession } from '../api/update-session';
import { useWarmPlayground } from '../api/warm';
import { continueChat, draftToRunBody, draftToSaved, draftVariables, emptyDraft, emptyPane, runToDraft, savedToDraft, type EditorDraft } from '../draft';
import { isRunActive } from '../run-stream';
import { forgetStoredDraft, readUnsavedDraft, writeUnsavedDraft } from '../unsaved-draft';
import { useRunStream } from '../use-run-stream';
import { HistoryPanel } from './history-panel';
import { ModelsCard } from './models-card';
import { OutputGrid } from './output-grid';
import { PromptPanel } from './prompt-panel';
import { RunBar } from './run-bar';
import { SessionBar } from './session-bar';
import { SessionRuns } from './session-runs';
import { useJobs } from '../../../lib/jobs/api/list-jobs';
import { SettingsPanel } from './settings-panel';

/** The page with a session open; the query keeps the page mounted while it changes. */
const sessionPath = (id: string) => `/playground?session=${encodeURIComponent(id)}`;

/** Bring the output into view when a run starts below the fold, so the reply is seen as it streams. */
function revealOutput(element: HTMLElement | null): void {
  if (!element || element.getBoundingClientRect().top < window.innerHeight * 0.6) return;
  const smooth = document.documentElement.getAttribute('data-motion') !== 'reduce';
  requestAnimationFrame(() => element.scrollIntoView({ block: 'start', behavior: smooth ? 'smooth' : 'auto' }));
}

/** The prompt part of a draft as stored, to compare drafts by what was written. */
const promptKey = (d: EditorDraft): string => JSON.stringify(draftToSaved(d).prompt);

/** Whether a kept draft is the one stored on the server as `stored` (a promptKey). */
const isStoredAs = (stored: string) => (kept: EditorDraft) => promptKey(kept) === stored;

/**
 * Whether the draft holds edits not stored on the server: in a session, a prompt other than the
 * one last stored there (`storedPrompt`); with none open, anything written at all.
 */
function isEdited(d: EditorDraft, sessionId: string | null, storedPrompt: string | null): boolean {
  if (sessionId) return storedPrompt !== null && promptKey(d) !== storedPrompt;
  return !!(d.text.trim() || d.system.trim() || d.conversation.length);
}

export default function PlaygroundPage() {
  const [search] = useSearchParams();
  const sessionId = search.get('session') || null;
  const navigate = useNavigate();
  const catalogue = useCatalogue();
  const session = usePlaygroundSession(sessionId);
  const canRun = usePermission('inference:run');
  const createRun = useCreateRun();
  // Live through the app's event stream: replies run below a fine-tune's priority.
  const runningFineTunes = useJobs({ status: 'running', type: 'train', limit: 1 });
  const stopRun = useStopRun();
  const createSession = useCreateSession();
  const updateSession = useUpdateSession();
  useWarmPlayground(canRun.allowed);

  // With no session open, the prompt you left unsaved (reload, closed tab, another page) comes back.
  const [draft, setDraft] = useState<EditorDraft>(() => (sessionId ? null : readUnsavedDraft(null)) ?? emptyDraft());
  const [startedRun, setStartedRun] = useState<PlaygroundRun | null>(null);
  const [tried, setTried] = useState(false);
  const [historyOpen, setHistoryOpen] = useState(false);
  const { run, ended } = useRunStream(startedRun);
  const active = isRunActive(run);

  const limit = catalogue.data?.limits.maxNewTokens ?? null;
  const models = catalogue.data?.models;
  const adapters = catalogue.data?.adapters;
  // A session that could not be opened is not written to: Run and Save start a new one.
  const owned = session.data?.ownedByMe ?? !session.isError;
  // Only the owner may stop a run, so only a run of yours holds Run back: running from someone
  // else's session starts a session of yours and leaves their run to them.
  const busy = active && owned;
  const variables = useMemo(() => draftVariables(draft), [draft]);
  const { body, problems } = useMemo(
    () => draftToRunBody(draft, { sessionId: owned ? sessionId : null, maxNewTokens: limit, models, adapters }),
    [draft, owned, sessionId, limit, models, adapters],
  );
  const change = (patch: Partial<EditorDraft>) => setDraft((d) => ({ ...d, ...patch }));

  // Restore the draft once per opened session (not when a run of ours moved us into one).
  const restored = useRef<string | null>(null);
  /** The open session's prompt as last restored, saved or run: edits since are kept on leaving it. */
  const storedPrompt = useRef<string | null>(null);
  useEffect(() => {
    const s = session.data;
    if (!s || restored.current === s.id) return;
    restored.current = s.id;
    const newest = [...s.runs].sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
    const next = s.draft ? savedToDraft(s.draft) : newest ? runToDraft(newest) : null;
    if (next) setDraft(next);
    // Nothing saved in it yet (an empty import, say): an empty prompt, not the one of the session before.
    else setDraft((d) => ({ ...emptyDraft(), panes: d.panes, settings: d.settings }));
    storedPrompt.current = promptKey(next ?? emptyDraft());
    // Edits to it that never reached the server (the tab closed, say) come back, with Undo.
    const kept = readUnsavedDraft(s.id);
    if (kept && promptKey(kept) !== storedPrompt.current) {
      setDraft(kept);
      toast.info('Restored your unsaved edits to this session', { duration: actionToastMs, action: { label: 'Undo', onClick: () => setDraft(next ?? emptyDraft()) } });
    }
    setStartedRun(newest && isRunActive(newest) ? newest : null);
    setTried(false);
  }, [session.data]);
  useEffect(() => {
    if (!sessionId) restored.current = null;
  }, [sessionId]);

  // Unsaved edits are kept in this browser as you type, and when the page goes away.
  /** The write still waiting for typing to pause; run at once (`flushKeep`) before anything reads or clears the kept drafts. */
  const pendingKeep = useRef<(() => void) | null>(null);
  const flushKeep = useCallback(() => {
    const keep = pendingKeep.current;
    pendingKeep.current = null;
    keep?.();
  }, []);
  useEffect(() => {
    // Only once the draft is this session's (while another session loads, it is still the old one's).
    if (restored.current !== sessionId) return;
    const stored = storedPrompt.current;
    const keep = () => writeUnsavedDraft(sessionId, isEdited(draft, sessionId, stored) ? draft : null);
    pendingKeep.current = keep;
    const timer = setTimeout(() => pendingKeep.current === keep && flushKeep(), 300);
    return () => clearTimeout(timer);
  }, [draft, sessionId, flushKeep]);
  useEffect(() => {
    // Closing the tab or reloading: keep what was typed in the last moments too.
    window.addEventListener('pagehide', flushKeep);
    return () => (window.removeEventListener('pagehide', flushKeep), flushKeep());
  }, [flushKeep]);
  /** Edits reached the server as `stored`: the kept copy goes, unless newer edits were typed meanwhile. */
  const settleKept = useCallback(
    (id: string | null, stored: string) => {
      flushKeep();
      forgetStoredDraft(id, isStoredAs(stored));
    },
    [flushKeep],
  );

  // A link may name the adapter (`?adapter=<job id>`) or model (`?model=<id>`) to try; otherwise
  // the first pane starts on the first model.
  const preset = useRef(false);
  const wantedAdapter = search.get('adapter');
  const wantedModel = search.get('model');
  useEffect(() => {
    const c = catalogue.data;
    if (!c || sessionId || preset.current) return;
    const adapter = c.adapters.find((a) => a.id === wantedAdapter);
    const modelId = adapter?.baseModelId ?? c.models.find((m) => m.id === wantedModel)?.id ?? c.models[0]?.id;
    // With no model yet, try again when one is registered (the catalogue refetches).
    if (modelId) preset.current = true;
    setDraft((current) => {
      // A workspace bound below the default reply length lowers the default.
      const d = Number(current.settings.maxNewTokens) > c.limits.maxNewTokens ? { ...current, settings: { ...current.settings, maxNewTokens: String(c.limits.maxNewTokens) } } : current;
      if (adapter && modelId) return { ...d, panes: [{ ...emptyPane, modelId, adapterId: adapter.id }] };
      return modelId && d.panes.length === 1 && !d.panes[0]!.modelId ? { ...d, panes: [{ ...emptyPane, modelId }] } : d;
    });
  }, [catalogue.data, sessionId, wantedAdapter, wantedModel]);

  // The finished run joins the session's list.
  const { refetch: refetchSession } = session;
  useEffect(() => {
    if (ended && sessionId) void refetchSession();
  }, [ended, sessionId, refetchSession]);

  // Set from the moment the create request goes out, before `isPending` reaches this closure.
  const submitting = useRef(false);
  /** The title as typed, and in which session (null: none open yet). */
  const typedTitle = useRef<{ sessionId: string | null; title: string } | null>(null);
  const pageRef = useRef<HTMLDivElement>(null);
  const outputRef = useRef<HTMLDivElement>(null);
  const onRun = useCallback(() => {
    // One run at a time: another would leave the first generating with no one following it.
    if (busy || submitting.current || createRun.isPending) return;
    setTried(true);
    if (!canRun.allowed) return void toast.error('You can’t run prompts', { description: canRun.reason ?? undefined });
    if (!body) {
      // Take the user to the first field that needs fixing (the alert lists them all).
      requestAnimationFrame(() => pageRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
      return;
    }
    submitting.current = true;
    const sentPrompt = promptKey(draft);
    const typed = typedTitle.current?.sessionId === sessionId ? typedTitle.current.title.trim() : '';
    createRun.mutate(body, {
      onSettled: () => (submitting.current = false),
      onSuccess: (created) => {
        storedPrompt.current = sentPrompt;
        settleKept(sessionId, sentPrompt);
        setStartedRun(created);
        setTried(false);
        revealOutput(outputRef.current);
        typedTitle.current = null;
        if (created.sessionId !== sessionId) {
          restored.current = created.sessionId;
          navigate(sessionPath(created.sessionId));
          // The run named the new session after its prompt; a title typed before wins.
          if (typed) updateSession.mutate({ id: created.sessionId, title: typed });
        } else if (typed && typed !== session.data?.title) {
          // A title typed into your session is saved with the run, not only by Save session.
          updateSession.mutate({ id: created.sessionId, title: typed });
        }
      },
    });
  }, [body, busy, canRun, createRun, draft, navigate, session.data?.title, sessionId, settleKept, updateSession]);

  const onKeyDown = (e: KeyboardEvent) => {
    // Dialogs (History, Rename) render in portals, whose key presses still bubble here through React.
    if (!pageRef.current?.contains(e.target as Node)) return;
    // The prompt editor runs on its own Ctrl+Enter and keeps the press to itself: one run per press.
    // A held key repeats: one run per press, not one after another as each ends.
    if ((e.ctrlKey || e.metaKey) && e.key === 'Enter' && !e.repeat) {
      e.preventDefault();
      onRun();
    }
  };

  const onSave = (title: string) => {
    const saved = draftToSaved(draft);
    if (sessionId && owned) {
      updateSession.mutate(
        { id: sessionId, draft: saved, ...(title ? { title } : {}) },
        {
          onSuccess: () => {
            storedPrompt.current = JSON.stringify(saved.prompt);
            settleKept(sessionId, storedPrompt.current);
            toast.success('Session saved');
          },
        },
      );
    } else {
      createSession.mutate(
        { draft: saved, ...(title ? { title } : {}) },
        {
          onSuccess: (s) => {
            toast.success(`Saved as “${s.title}”`);
            restored.current = s.id;
            storedPrompt.current = JSON.stringify(saved.prompt);
            settleKept(sessionId, storedPrompt.current);
            navigate(sessionPath(s.id));
          },
        },
      );
    }
  };

  /**
   * Leaving the open prompt (New session, or another session from History): edits made since it
   * was last stored are saved into your session; other edits stay kept in this browser, for
   * when you come back (to that session, or to a new one for a prompt written before any).
   */
  const keepEdits = () => {
    flushKeep(); // typed in the last moments: into the browser's keeping now
    if (!isEdited(draft, sessionId, storedPrompt.current)) return;
    if (sessionId && owned && session.data) {
      const [id, title, key] = [sessionId, session.data.title, promptKey(draft)];
      updateSession.mutate({ id, draft: draftToSaved(draft) }, { onSuccess: () => (settleKept(id, key), toast.success(`Kept your edits in “${title}”`)) });
    } else if (sessionId) {
      toast.info('Your edits are kept in this browser', { description: 'Open that session again to go on with them.' });
    } else {
      toast.info('Your unsaved prompt is kept', { description: 'New session brings it back.' });
    }
  };

  const newSession = () => {
    if (sessionId) keepEdits();
    clearSession();
  };

  /** To the page with no session open: the prompt written there before comes back, else an empty one. */
  const clearSession = () => {
    setStartedRun(null);
    setTried(false);
    if (!sessionId && isEdited(draft, null, null)) {
      // Already here: New session starts afresh, with Undo.
      const before = draft;
      toast('Started a new prompt', { duration: actionToastMs, action: { label: 'Undo', onClick: () => setDraft(before) } });
    }
    const kept = sessionId ? readUnsavedDraft(null) : null;
    if (kept) toast.info('Your unsaved prompt is back');
    setDraft((d) => kept ?? { ...emptyDraft(), panes: d.panes, settings: d.settings });
    navigate('/playground');
  };

  const earlierRuns = (session.data?.runs ?? []).filter((r) => r.id !== run?.id);
  const isChat = run?.prompt.mode === 'chat';

  return (
    <div ref={pageRef} onKeyDown={onKeyDown}>
      <PageHeader
        title="Playground"
        description="Try a prompt on a base model or a fine-tuned adapter, compare up to four side by side, and keep every run."
        actions={
          <>
            <Button variant="secondary" onClick={newSession}>
              <Plus aria-hidden />
              New session
            </Button>
            <Button variant="secondary" onClick={() => setHistoryOpen(true)}>
              <History aria-hidden />
              History
            </Button>
          </>
        }
      />
      <HistoryPanel
        open={historyOpen}
        onOpenChange={setHistoryOpen}
        currentSessionId={sessionId}
        onOpenSession={(id) => {
          setHistoryOpen(false);
          if (id !== sessionId) {
            keepEdits();
            restored.current = null;
            navigate(sessionPath(id));
          }
        }}
        onDeleted={(id) => {
          writeUnsavedDraft(id, null);
          if (id === sessionId) clearSession();
        }}
      />

      <div className="flex flex-col gap-6">
        {session.isError && <ApiErrorAlert title="This session could not be opened" error={session.error} action={<Button variant="secondary" onClick={clearSession}>Start a new session</Button>} />}
        {!canRun.allowed && canRun.reason && !canRun.reason.startsWith('Checking') && (
          <Alert tone="warning" title="You can look around but not run prompts">
            {canRun.reason}
          </Alert>
        )}
        <SessionBar
          session={session.data ?? null}
          saving={createSession.isPending || updateSession.isPending}
          onSave={onSave}
          sharing={updateSession.isPending}
          onTitleInput={(title) => (typedTitle.current = { sessionId, title })}
          onShare={(shared) => sessionId && updateSession.mutate({ id: sessionId, shared }, { onSuccess: () => toast.success(shared ? 'Shared with the workspace' : 'No longer shared') })}
        />

        <div className="grid gap-6 xl:grid-cols-[minmax(0,3fr)_minmax(20rem,2fr)]">
          <div className="flex min-w-0 flex-col gap-6">
            <ModelsCard catalogue={catalogue} panes={draft.panes} onChange={(panes) => change({ panes })} />

            <Card aria-labelledby="pg-prompt-title">
              <CardHeader>
                <CardTitle id="pg-prompt-title">Prompt</CardTitle>
              </CardHeader>
              <CardContent>
                <PromptPanel
                  draft={draft}
                  onChange={change}
                  variables={variables}
                  variableErrors={problems.variables}
                  promptError={problems.prompt}
                  conversationWarning={problems.conversation}
                  showErrors={tried}
                  onRun={onRun}
                />
              </CardContent>
            </Card>
          </div>

          <Card aria-labelledby="pg-settings-title" className="self-start">
            <CardHeader>
              <div>
                <CardTitle id="pg-settings-title">Generation settings</CardTitle>
                <CardDescription>The same for every pane, so the comparison is fair.</CardDescription>
              </div>
            </CardHeader>
            <CardContent>
              <SettingsPanel form={draft.settings} errors={problems.settings} onChange={(settings) => change({ settings })} maxNewTokensLimit={limit} />
            </CardContent>
          </Card>
        </div>

        <RunBar
          onRun={onRun}
          starting={createRun.isPending}
          busy={busy}
          onStop={busy && run ? () => stopRun.mutate({ id: run.id }) : undefined}
          stopping={stopRun.isPending && stopRun.variables?.id === run?.id}
          paneCount={draft.panes.length}
          forksSession={!!sessionId && !owned}
          problems={problems}
          trainingRunning={(runningFineTunes.data?.jobs.length ?? 0) > 0}
          showProblems={tried}
        />
        {createRun.isError && <ApiErrorAlert title="The prompt could not be run" error={createRun.error} />}

        <div ref={outputRef} className="scroll-mt-4">
          <OutputGrid
            run={run}
            editable={owned}
            onContinue={isChat && run ? (text) => setDraft((d) => continueChat(d, run.prompt.mode === 'chat' ? run.prompt.messages : [], text)) : undefined}
          />
        </div>

        {sessionId && earlierRuns.length > 0 && (
          <section aria-labelledby="pg-runs-title" className="flex flex-col gap-3">
            <h2 id="pg-runs-title" className="text-lg font-semibold">
              Runs in this session
            </h2>
            <SessionRuns
              runs={earlierRuns}
              editable={owned}
              onReuse={(r) => (setDraft(runToDraft(r)), toast.success('Prompt and settings restored'))}
              onStop={(r) => stopRun.mutate({ id: r.id }, { onSuccess: () => void refetchSession() })}
              stoppingId={stopRun.isPending ? (stopRun.variables?.id ?? null) : null}
            />
          </section>
        )}
      </div>
    </div>
  );
}
