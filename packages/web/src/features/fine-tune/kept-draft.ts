/**
 * The Fine-tune form as you left it, kept for this tab (sessionStorage): a look at Activity or
 * a reload does not throw away a half-made configuration. Kept with it: which settings you
 * typed, so smart defaults still leave them alone. Forgotten once the fine-tune launches.
 */
import { z } from 'zod';
import { storedJson } from '../../lib/browser-storage';
import { draftSchema, type Draft } from './config-draft';

export interface KeptDraft {
  draft: Draft;
  touched: (keyof Draft)[];
}

const draftFields = draftSchema.keyof();

/** Every field of the form, with the type it has now (else null); typed names this version does not know are dropped. */
const keptDraftSchema = z.object({
  draft: draftSchema,
  touched: z.array(z.unknown()).transform((names) => names.filter((name): name is keyof Draft => draftFields.safeParse(name).success)),
}) satisfies z.ZodType<KeptDraft>;

/** A value read back from storage as a KeptDraft, or null when it no longer fits the form (an older version wrote it). */
export function asKeptDraft(value: unknown): KeptDraft | null {
  const parsed = keptDraftSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

const keptDraft = storedJson<KeptDraft | null>('session', 'qlora.fine-tune.draft', keptDraftSchema, () => null);

export const readKeptDraft = (): KeptDraft | null => keptDraft.read();

/** Keep the form; null forgets it. */
export const writeKeptDraft = (kept: KeptDraft | null): void => keptDraft.write(kept);
