/**
 * The Playground prompt last edited and not yet stored on the server, kept in this browser so
 * a reload, a closed tab or a visit to another page does not lose it. One slot: the session it
 * was written in (null for none yet) and the draft.
 */
import type { EditorDraft } from './draft';

const KEY = 'qlora.playground.unsaved-draft';

const isString = (v: unknown): v is string => typeof v === 'string';
const isStringRecord = (v: unknown): v is Record<string, string> => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every(isString);
const settingKeys = ['temperature', 'topP', 'topK', 'maxNewTokens', 'repetitionPenalty', 'seed', 'stopStrings'];

/** A stored value is used only if it still has the draft's shape (an older app version may have written it). */
export function isEditorDraft(value: unknown): value is EditorDraft {
  const d = value as Partial<EditorDraft> | null;
  return (
    !!d &&
    (d.mode === 'text' || d.mode === 'chat') &&
    isString(d.text) &&
    isString(d.system) &&
    Array.isArray(d.conversation) &&
    d.conversation.every((m) => (m?.role === 'user' || m?.role === 'assistant') && isString(m.content)) &&
    isStringRecord(d.values) &&
    isStringRecord(d.settings) &&
    settingKeys.every((k) => isString((d.settings as Record<string, unknown>)[k])) &&
    Array.isArray(d.panes) &&
    d.panes.length >= 1 &&
    d.panes.length <= 4 &&
    d.panes.every((p) => isString(p?.modelId) && (p.adapterId === null || isString(p.adapterId)) && (p.quant === 'nf4' || p.quant === 'none'))
  );
}

/** The kept draft of this session (null: the page with no session open), if there is one. */
export function readUnsavedDraft(sessionId: string | null): EditorDraft | null {
  try {
    const entry = JSON.parse(localStorage.getItem(KEY) ?? 'null') as { sessionId?: unknown; draft?: unknown } | null;
    return entry && entry.sessionId === sessionId && isEditorDraft(entry.draft) ? entry.draft : null;
  } catch {
    return null;
  }
}

/** Keep `draft` as the unsaved edits of this session; null forgets this session's kept draft. */
export function writeUnsavedDraft(sessionId: string | null, draft: EditorDraft | null): void {
  try {
    if (draft) localStorage.setItem(KEY, JSON.stringify({ sessionId, draft }));
    else if (readUnsavedDraft(sessionId)) localStorage.removeItem(KEY);
  } catch {
    // Storage full or blocked: the draft lives on in the page, as before.
  }
}

/** The edits are stored on the server now: nothing to keep. */
export function clearUnsavedDraft(): void {
  try {
    localStorage.removeItem(KEY);
  } catch {
    // As above.
  }
}
