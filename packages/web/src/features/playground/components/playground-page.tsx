import type { PlaygroundRun } from '@qlora-studio/contracts';
import { History, Plus } from 'lucide-react';
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useSearchParams } from 'react-router';
import { toast } from 'sonner';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../../components/ui/card';
import { PageHeader } from '../../../components/ui/page-header';
import { ApiErrorAlert } from '../../../components/api-error-alert';
import { useJobs } from '../../../lib/jobs/api/list-jobs';
import { usePermission } from '../../../lib/system/get-session';
import { useCreateSession } from '../api/create-session';
import { useCatalogue } from '../api/get-catalogue';
import { usePlaygroundSession } from '../api/get-session';
import { useStopRun } from '../api/stop-run';
import { useUpdateSession } from '../api/update-session';
import { useWarmPlayground } from '../api/warm';
import { continueChat, draftToRunBody, draftVariables, runToDraft } from '../draft';
import { isRunActive } from '../run-stream';
import { useLinkedModel } from '../use-linked-model';
import { usePromptRun } from '../use-prompt-run';
import { useRunStream } from '../use-run-stream';
import { useSessionActions } from '../use-session-actions';
import { useSessionDraft } from '../use-session-draft';
import { HistoryPanel } from './history-panel';
import { ModelsCard } from './models-card';
import { OutputGrid } from './output-grid';
import { PromptPanel, type PromptPanelProps } from './prompt-panel';
import { RunBar } from './run-bar';
import { SessionBar } from './session-bar';
import { SessionRuns, type SessionRunsProps } from './session-runs';
import { SettingsPanel, type SettingsPanelProps } from './settings-panel';

function PromptCard(props: PromptPanelProps) {
  return (
    <Card aria-labelledby="pg-prompt-title">
      <CardHeader>
        <CardTitle id="pg-prompt-title">Prompt</CardTitle>
      </CardHeader>
      <CardContent>
        <PromptPanel {...props} />
      </CardContent>
    </Card>
  );
}

function GenerationSettingsCard(props: SettingsPanelProps) {
  return (
    <Card aria-labelledby="pg-settings-title" className="self-start">
      <CardHeader>
        <div>
          <CardTitle id="pg-settings-title">Generation settings</CardTitle>
          <CardDescription>The same for every pane, so the comparison is fair.</CardDescription>
        </div>
      </CardHeader>
      <CardContent>
        <SettingsPanel {...props} />
      </CardContent>
    </Card>
  );
}

/** The open session's runs before the one shown above. */
function EarlierRuns(props: SessionRunsProps) {
  return (
    <section aria-labelledby="pg-runs-title" className="flex flex-col gap-3">
      <h2 id="pg-runs-title" className="text-lg font-semibold">
        Runs in this session
      </h2>
      <SessionRuns {...props} />
    </section>
  );
}

export default function PlaygroundPage() {
  const [search] = useSearchParams();
  const sessionId = search.get('session') || null;
  const catalogue = useCatalogue();
  const session = usePlaygroundSession(sessionId);
  const canRun = usePermission('inference:run');
  // Live through the app's event stream: replies run below a fine-tune's priority.
  const runningFineTunes = useJobs({ status: 'running', type: 'train', limit: 1 });
  const stopRun = useStopRun();
  const createSession = useCreateSession();
  const updateSession = useUpdateSession();
  useWarmPlayground(canRun.allowed);

  const [startedRun, setStartedRun] = useState<PlaygroundRun | null>(null);
  const [tried, setTried] = useState(false);
  const [historyOpen, setHistoryOpen] = useState(false);
  const { run, ended } = useRunStream(startedRun);
  const active = isRunActive(run);
  const resetRun = useCallback(() => {
    setStartedRun(null);
    setTried(false);
  }, []);
  // An opened session shows its newest run while that still goes on.
  const followNewest = useCallback((newest: PlaygroundRun | undefined) => {
    setStartedRun(newest && isRunActive(newest) ? newest : null);
    setTried(false);
  }, []);
  const sessionDraft = useSessionDraft(sessionId, session.data, followNewest);
  const { draft, setDraft, change } = sessionDraft;
  useLinkedModel(catalogue.data, sessionId, setDraft);

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

  // The finished run joins the session's list.
  const { refetch: refetchSession } = session;
  useEffect(() => {
    if (ended && sessionId) void refetchSession();
  }, [ended, sessionId, refetchSession]);

  const pageRef = useRef<HTMLDivElement>(null);
  const prompt = usePromptRun({
    sessionId,
    sessionTitle: session.data?.title,
    busy,
    canRun,
    sessionDraft,
    body,
    updateSession,
    setStartedRun,
    setTried,
    pageRef,
  });
  const actions = useSessionActions({ sessionId, session: session.data, owned, sessionDraft, createSession, updateSession, resetRun });

  const onKeyDown = (e: KeyboardEvent) => {
    // Dialogs (History, Rename) render in portals, whose key presses still bubble here through React.
    if (!pageRef.current?.contains(e.target as Node)) return;
    // The prompt editor runs on its own Ctrl+Enter and keeps the press to itself: one run per press.
    // A held key repeats: one run per press, not one after another as each ends.
    if ((e.ctrlKey || e.metaKey) && e.key === 'Enter' && !e.repeat) {
      e.preventDefault();
      prompt.onRun();
    }
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
            <Button variant="secondary" onClick={actions.newSession}>
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
          actions.openSession(id);
        }}
        onDeleted={actions.sessionDeleted}
      />

      <div className="flex flex-col gap-6">
        {session.isError && (
          <ApiErrorAlert
            title="This session could not be opened"
            error={session.error}
            action={
              <Button variant="secondary" onClick={actions.clearSession}>
                Start a new session
              </Button>
            }
          />
        )}
        {!canRun.allowed && canRun.reason && !canRun.reason.startsWith('Checking') && (
          <Alert tone="warning" title="You can look around but not run prompts">
            {canRun.reason}
          </Alert>
        )}
        <SessionBar
          session={session.data ?? null}
          saving={createSession.isPending || updateSession.isPending}
          onSave={actions.save}
          sharing={updateSession.isPending}
          onTitleInput={prompt.noteTitle}
          onShare={(shared) =>
            sessionId &&
            updateSession.mutate({ id: sessionId, shared }, { onSuccess: () => toast.success(shared ? 'Shared with the workspace' : 'No longer shared') })
          }
        />

        <div className="grid gap-6 xl:grid-cols-[minmax(0,3fr)_minmax(20rem,2fr)]">
          <div className="flex min-w-0 flex-col gap-6">
            <ModelsCard catalogue={catalogue} panes={draft.panes} onChange={(panes) => change({ panes })} />

            <PromptCard
              draft={draft}
              onChange={change}
              variables={variables}
              variableErrors={problems.variables}
              promptError={problems.prompt}
              conversationWarning={problems.conversation}
              showErrors={tried}
              onRun={prompt.onRun}
            />
          </div>

          <GenerationSettingsCard form={draft.settings} errors={problems.settings} onChange={(settings) => change({ settings })} maxNewTokensLimit={limit} />
        </div>

        <RunBar
          onRun={prompt.onRun}
          starting={prompt.starting}
          busy={busy}
          onStop={busy && run ? () => stopRun.mutate({ id: run.id }) : undefined}
          stopping={stopRun.isPending && stopRun.variables?.id === run?.id}
          paneCount={draft.panes.length}
          forksSession={!!sessionId && !owned}
          problems={problems}
          trainingRunning={(runningFineTunes.data?.jobs.length ?? 0) > 0}
          showProblems={tried}
        />
        {prompt.error && <ApiErrorAlert title="The prompt could not be run" error={prompt.error} />}

        <div ref={prompt.outputRef} className="scroll-mt-4">
          <OutputGrid
            run={run}
            editable={owned}
            onContinue={isChat && run ? (text) => setDraft((d) => continueChat(d, run.prompt.mode === 'chat' ? run.prompt.messages : [], text)) : undefined}
          />
        </div>

        {sessionId && earlierRuns.length > 0 && (
          <EarlierRuns
            runs={earlierRuns}
            editable={owned}
            onReuse={(r) => (setDraft(runToDraft(r)), toast.success('Prompt and settings restored'))}
            onStop={(r) => stopRun.mutate({ id: r.id }, { onSuccess: () => void refetchSession() })}
            stoppingId={stopRun.isPending ? (stopRun.variables?.id ?? null) : null}
          />
        )}
      </div>
    </div>
  );
}
