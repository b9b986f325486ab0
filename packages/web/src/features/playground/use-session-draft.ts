import type { PlaygroundRun, PlaygroundSession } from '@qlora-studio/contracts';
import { useCallback, useEffect, useRef, useState } from 'react';
import { toast } from 'sonner';
import { actionToastMs } from '../../lib/toast-timing';
import { draftToSaved, emptyDraft, runToDraft, savedToDraft, type EditorDraft } from './draft';
import { forgetStoredDraft, readUnsavedDraft, writeUnsavedDraft } from './unsaved-draft';

/** The prompt part of a draft as stored, to compare drafts by what was written. */
export const promptKey = (d: EditorDraft): string => JSON.stringify(draftToSaved(d).prompt);

/** Whether a kept draft is the one stored on the server as `stored` (a promptKey). */
const isStoredAs = (stored: string) => (kept: EditorDraft) => promptKey(kept) === stored;

/**
 * Whether the draft holds edits not stored on the server: in a session, a prompt other than the
 * one last stored there (`storedPrompt`); with none open, anything written at all.
 */
export function isEdited(d: EditorDraft, sessionId: string | null, storedPrompt: string | null): boolean {
  if (sessionId) return storedPrompt !== null && promptKey(d) !== storedPrompt;
  return !!(d.text.trim() || d.system.trim() || d.conversation.length);
}

export interface SessionDraft {
  draft: EditorDraft;
  setDraft: (next: EditorDraft | ((d: EditorDraft) => EditorDraft)) => void;
  change: (patch: Partial<EditorDraft>) => void;
  /** Whether the draft holds edits the open session (or, with none open, the page) has not stored. */
  hasUnstoredEdits: () => boolean;
  /**
   * Which session the draft already belongs to, so opening it does not restore over the draft: a
   * run or save of ours that moves us into a session passes its id; null restores whatever opens next.
   */
  setRestoredSession: (id: string | null) => void;
  /** The open session's prompt reached the server as `stored` (a promptKey); the browser's copy in session `id` goes. */
  markStored: (id: string | null, stored: string) => void;
  /** Edits reached the server as `stored`: the kept copy of session `id` goes, unless newer edits were typed meanwhile. */
  settleKept: (id: string | null, stored: string) => void;
  /** Writes the kept copy now, before anything reads or clears the kept drafts. */
  flushKeep: () => void;
}

/**
 * The Playground's prompt being edited: restored once per opened session (its saved draft, else
 * its newest run, then any edits never stored that this browser kept), and kept in this browser
 * as you type and when the page goes away, so nothing typed is lost. `onOpened` hears of each
 * session restored, with its newest run.
 */
export function useSessionDraft(
  sessionId: string | null,
  session: PlaygroundSession | undefined,
  onOpened: (newest: PlaygroundRun | undefined) => void,
): SessionDraft {
  // With no session open, the prompt you left unsaved (reload, closed tab, another page) comes back.
  const [draft, setDraft] = useState<EditorDraft>(() => (sessionId ? null : readUnsavedDraft(null)) ?? emptyDraft());

  // Restore the draft once per opened session (not when a run of ours moved us into one).
  const restored = useRef<string | null>(null);
  /** The open session's prompt as last restored, saved or run: edits since are kept on leaving it. */
  const storedPrompt = useRef<string | null>(null);
  useEffect(() => {
    const s = session;
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
      toast.info('Restored your unsaved edits to this session', {
        duration: actionToastMs,
        action: { label: 'Undo', onClick: () => setDraft(next ?? emptyDraft()) },
      });
    }
    onOpened(newest);
  }, [session, onOpened]);
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
  const settleKept = useCallback(
    (id: string | null, stored: string) => {
      flushKeep();
      forgetStoredDraft(id, isStoredAs(stored));
    },
    [flushKeep],
  );

  return {
    draft,
    setDraft,
    change: (patch) => setDraft((d) => ({ ...d, ...patch })),
    hasUnstoredEdits: () => isEdited(draft, sessionId, storedPrompt.current),
    setRestoredSession: (id) => {
      restored.current = id;
    },
    markStored: (id, stored) => {
      storedPrompt.current = stored;
      settleKept(id, stored);
    },
    settleKept,
    flushKeep,
  };
}
