/**
 * Playground prompts edited and not yet stored on the server, kept in this browser so a reload,
 * a closed tab, Back or a visit to another page does not lose them: one slot per session (and
 * one for the page with no session open).
 */
import { z } from 'zod';
import { recordOfValid, storedJson } from '../../lib/browser-storage';
import type { EditorDraft } from './draft';

/** A stored draft is used only if it still has the draft's shape (an older app version may have written it). */
const editorDraftSchema = z.object({
  mode: z.enum(['text', 'chat']),
  text: z.string(),
  system: z.string(),
  conversation: z.array(z.object({ role: z.enum(['user', 'assistant']), content: z.string() })),
  values: z.record(z.string(), z.string()),
  settings: z
    .object({
      temperature: z.string(),
      topP: z.string(),
      topK: z.string(),
      maxNewTokens: z.string(),
      repetitionPenalty: z.string(),
      seed: z.string(),
      stopStrings: z.string(),
    })
    .catchall(z.string()),
  // Loose: a pane's other fields (its prompt template) are kept as they were.
  panes: z
    .array(
      z.looseObject({
        modelId: z.string(),
        adapterId: z.string().nullable(),
        quant: z.enum(['nf4', 'none']),
        // Drafts kept before the kernels choice existed ran the fast kernels.
        kernels: z.enum(['fast', 'exact']).default('fast'),
      }),
    )
    .min(1)
    .max(4),
}) satisfies z.ZodType<EditorDraft>;

export function isEditorDraft(value: unknown): value is EditorDraft {
  return editorDraftSchema.safeParse(value).success;
}

type Slots = Record<string, EditorDraft>;
/** Sessions whose unsaved edits are kept at most; the oldest go first. */
const maxSlots = 20;
const slotOf = (sessionId: string | null): string => sessionId ?? '';

/** One slot per session, oldest first; a slot that no longer fits is left out, the others kept. */
const storedSlots = storedJson<Slots>('local', 'qlora.playground.unsaved-draft', recordOfValid(editorDraftSchema), () => ({}));

const readSlots = (): Slots => storedSlots.read();

function writeSlots(slots: Slots): void {
  const entries = Object.entries(slots).slice(-maxSlots);
  storedSlots.write(entries.length ? Object.fromEntries(entries) : null);
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
