import type { CreatePlaygroundRunBody, PlaygroundRun } from '@qlora-studio/contracts';
import { useCallback, useRef, type RefObject } from 'react';
import { useNavigate } from 'react-router';
import { toast } from 'sonner';
import type { PermissionCheck } from '../../lib/system/get-session';
import { useCreateRun } from './api/create-run';
import type { useUpdateSession } from './api/update-session';
import { promptKey, type SessionDraft } from './use-session-draft';

/** The page with a session open; the query keeps the page mounted while it changes. */
export const sessionPath = (id: string) => `/playground?session=${encodeURIComponent(id)}`;

/** Bring the output into view when a run starts below the fold, so the reply is seen as it streams. */
function revealOutput(element: HTMLElement | null): void {
  if (!element || element.getBoundingClientRect().top < window.innerHeight * 0.6) return;
  const smooth = document.documentElement.getAttribute('data-motion') !== 'reduce';
  requestAnimationFrame(() => element.scrollIntoView({ block: 'start', behavior: smooth ? 'smooth' : 'auto' }));
}

export interface PromptRunOptions {
  sessionId: string | null;
  sessionTitle: string | undefined;
  /** A run of yours is going in the open session: Run waits for it. */
  busy: boolean;
  canRun: PermissionCheck;
  sessionDraft: SessionDraft;
  /** What Run sends, or null while the draft has problems. */
  body: CreatePlaygroundRunBody | null;
  /** The same mutation the session bar shows as saving. */
  updateSession: ReturnType<typeof useUpdateSession>;
  setStartedRun: (run: PlaygroundRun) => void;
  setTried: (tried: boolean) => void;
  /** The page, whose first invalid field Run focuses. */
  pageRef: RefObject<HTMLElement | null>;
}

/**
 * Run: sends the draft (one run at a time), follows the run it started, and names the session
 * with a title typed before (`noteTitle`). A run from no session, or from someone else's, opens
 * the new session of yours it started.
 */
export function usePromptRun({ sessionId, sessionTitle, busy, canRun, sessionDraft, body, updateSession, setStartedRun, setTried, pageRef }: PromptRunOptions) {
  const navigate = useNavigate();
  const createRun = useCreateRun();
  // Set from the moment the create request goes out, before `isPending` reaches this closure.
  const submitting = useRef(false);
  /** The title as typed, and in which session (null: none open yet). */
  const typedTitle = useRef<{ sessionId: string | null; title: string } | null>(null);
  const outputRef = useRef<HTMLDivElement>(null);
  const { draft, markStored, setRestoredSession } = sessionDraft;

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
        markStored(sessionId, sentPrompt);
        setStartedRun(created);
        setTried(false);
        revealOutput(outputRef.current);
        typedTitle.current = null;
        if (created.sessionId !== sessionId) {
          setRestoredSession(created.sessionId);
          navigate(sessionPath(created.sessionId));
          // The run named the new session after its prompt; a title typed before wins.
          if (typed) updateSession.mutate({ id: created.sessionId, title: typed });
        } else if (typed && typed !== sessionTitle) {
          // A title typed into your session is saved with the run, not only by Save session.
          updateSession.mutate({ id: created.sessionId, title: typed });
        }
      },
    });
  }, [
    body,
    busy,
    canRun,
    createRun,
    draft,
    navigate,
    sessionTitle,
    sessionId,
    markStored,
    setRestoredSession,
    setStartedRun,
    setTried,
    pageRef,
    updateSession,
  ]);

  return {
    onRun,
    /** Starting a run: the request is on its way. */
    starting: createRun.isPending,
    /** Why the last Run failed to start, if it did. */
    error: createRun.isError ? createRun.error : null,
    /** Where the reply shows, scrolled into view when a run starts. */
    outputRef,
    noteTitle: (title: string) => {
      typedTitle.current = { sessionId, title };
    },
  };
}
