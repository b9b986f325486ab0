import type { PlaygroundSession } from '@qlora-studio/contracts';
import { useNavigate } from 'react-router';
import { toast } from 'sonner';
import { actionToastMs } from '../../lib/toast-timing';
import type { useCreateSession } from './api/create-session';
import type { useUpdateSession } from './api/update-session';
import { draftToSaved, emptyDraft } from './draft';
import { readUnsavedDraft, writeUnsavedDraft } from './unsaved-draft';
import { sessionPath } from './use-prompt-run';
import { isEdited, promptKey, type SessionDraft } from './use-session-draft';

export interface SessionActionsOptions {
  sessionId: string | null;
  session: PlaygroundSession | undefined;
  /** Whether the open session is yours to write to (else Save starts a new one). */
  owned: boolean;
  sessionDraft: SessionDraft;
  createSession: ReturnType<typeof useCreateSession>;
  updateSession: ReturnType<typeof useUpdateSession>;
  /** Leaving the open prompt: no run is followed and no problems are shown. */
  resetRun: () => void;
}

/** Save, New session, opening another session from History, and a deleted session: what happens to the prompt being edited. */
export function useSessionActions({ sessionId, session, owned, sessionDraft, createSession, updateSession, resetRun }: SessionActionsOptions) {
  const navigate = useNavigate();
  const { draft, setDraft, flushKeep, markStored, settleKept, setRestoredSession } = sessionDraft;

  const save = (title: string) => {
    const saved = draftToSaved(draft);
    if (sessionId && owned) {
      updateSession.mutate(
        { id: sessionId, draft: saved, ...(title ? { title } : {}) },
        {
          onSuccess: () => {
            markStored(sessionId, JSON.stringify(saved.prompt));
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
            setRestoredSession(s.id);
            markStored(sessionId, JSON.stringify(saved.prompt));
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
    if (!sessionDraft.hasUnstoredEdits()) return;
    if (sessionId && owned && session) {
      const [id, title, key] = [sessionId, session.title, promptKey(draft)];
      updateSession.mutate({ id, draft: draftToSaved(draft) }, { onSuccess: () => (settleKept(id, key), toast.success(`Kept your edits in “${title}”`)) });
    } else if (sessionId) {
      toast.info('Your edits are kept in this browser', { description: 'Open that session again to go on with them.' });
    } else {
      toast.info('Your unsaved prompt is kept', { description: 'New session brings it back.' });
    }
  };

  /** To the page with no session open: the prompt written there before comes back, else an empty one. */
  const clearSession = () => {
    resetRun();
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

  return {
    save,
    clearSession,
    newSession: () => {
      if (sessionId) keepEdits();
      clearSession();
    },
    openSession: (id: string) => {
      if (id === sessionId) return;
      keepEdits();
      setRestoredSession(null);
      navigate(sessionPath(id));
    },
    /** A session was deleted (from History): its kept edits go, and if it was open, the page leaves it. */
    sessionDeleted: (id: string) => {
      writeUnsavedDraft(id, null);
      if (id === sessionId) clearSession();
    },
  };
}
