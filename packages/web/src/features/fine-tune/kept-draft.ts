/**
 * The Fine-tune form as you left it, kept for this tab (sessionStorage): a look at Activity or
 * a reload does not throw away a half-made configuration. Kept with it: which settings you
 * typed, so smart defaults still leave them alone. Forgotten once the fine-tune launches.
 */
import { emptyDraft, type Draft } from './config-draft';

const KEY = 'qlora.fine-tune.draft';

export interface KeptDraft {
  draft: Draft;
  touched: (keyof Draft)[];
}

/** Every field of the form, with the type it has now: a value an older version wrote is dropped. */
export function asKeptDraft(value: unknown): KeptDraft | null {
  const v = value as { draft?: Record<string, unknown>; touched?: unknown } | null;
  if (!v || typeof v.draft !== 'object' || v.draft === null || !Array.isArray(v.touched)) return null;
  const keys = Object.keys(emptyDraft) as (keyof Draft)[];
  if (!keys.every((k) => typeof v.draft![k] === typeof emptyDraft[k])) return null;
  const draft = Object.fromEntries(keys.map((k) => [k, v.draft![k]])) as unknown as Draft;
  return { draft, touched: v.touched.filter((k): k is keyof Draft => typeof k === 'string' && keys.includes(k as keyof Draft)) };
}

export function readKeptDraft(): KeptDraft | null {
  try {
    return asKeptDraft(JSON.parse(sessionStorage.getItem(KEY) ?? 'null'));
  } catch {
    return null;
  }
}

/** Keep the form; null forgets it. */
export function writeKeptDraft(kept: KeptDraft | null): void {
  try {
    if (kept) sessionStorage.setItem(KEY, JSON.stringify(kept));
    else sessionStorage.removeItem(KEY);
  } catch {
    // Storage blocked or full: the form lives on in the page, as before.
  }
}
