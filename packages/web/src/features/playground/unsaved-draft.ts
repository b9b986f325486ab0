/**
 * Playground prompts edited and not yet stored on the server, kept in this browser so a reload,
 * a closed tab, Back or a visit to another page does not lose them: one slot per session (and
 * one for the page with no session open).
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

type Slots = Record<string, EditorDraft>;
/** Sessions whose unsaved edits are kept at most; the oldest go first. */
const maxSlots = 20;
const slotOf = (sessionId: string | null): string => sessionId ?? '';

function readSlots(): Slots {
  try {
    const value = JSON.parse(localStorage.getItem(KEY) ?? 'null') as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
    return Object.fromEntries(Object.entries(value).filter(([, draft]) => isEditorDraft(draft))) as Slots;
  } catch {
    return {};
  }
}

function writeSlots(slots: Slots): void {
  try {
    const entries = Object.entries(slots).slice(-maxSlots);
    if (entries.length) localStorage.setItem(KEY, JSON.stringify(Object.fromEntries(entries)));
    else localStorage.removeItem(KEY);
  } catch {
    // Storage full or blocked: the draft lives on in the page, as before.
  }
}

/** The kept draft of this session (null: the page with no session open), if there is one. */
export function readUnsavedDraft(sessionId: string | null): EditorDraft | null {
  return readSlots()[slotOf(sessionId)] ?? null;
}

/** Keep `draft` as the unsaved edits of this session (the newest slot); null forgets them. */
export function writeUnsavedDraft(sessionId: string | null, draft: EditorDraft | null): void {
  const slots = readSlots();
  const key = slotOf(sessionId);
  if (!draft && !(key in slots)) return;
  delete slots[key];
  if (draft) slots[key] = draft;
  writeSlots(slots);
}

/**
 * The edits reached the server: forget this session's kept draft, unless it has changed since
 * (`isStored` says whether the kept draft is what was stored).
 */
export function forgetStoredDraft(sessionId: string | null, isStored: (kept: EditorDraft) => boolean): void {
  const kept = readUnsavedDraft(sessionId);
  if (kept && isStored(kept)) writeUnsavedDraft(sessionId, null);
}
