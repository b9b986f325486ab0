import type { Dataset } from '@qlora-studio/contracts';

/**
 * Telling datasets apart: names are free (two may share one, with a warning), so lists show the
 * version, and where names repeat, when each was added.
 */

const sameName = (a: string, b: string) => a.trim().toLocaleLowerCase() === b.trim().toLocaleLowerCase();

/** Other datasets with this name (case-insensitive), leaving out `exceptId` (the one renamed). */
export function namesakes(name: string, datasets: readonly Dataset[], exceptId?: string): Dataset[] {
  return name.trim() ? datasets.filter((d) => d.id !== exceptId && sameName(d.name, name)) : [];
}

/** "added 5 Jan, 14:02": when a dataset was stored, to tell it from a namesake. */
export const addedOn = (d: Pick<Dataset, 'createdAt'>) =>
  `added ${new Date(d.createdAt).toLocaleString(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' })}`;

/** "gsm8k300 v4", and "gsm8k300 v4 (added 5 Jan, 14:02)" when another dataset has the same name. */
export function datasetLabel(d: Dataset, all: readonly Dataset[]): string {
  const label = `${d.name} v${d.latest.version}`;
  return namesakes(d.name, all, d.id).length ? `${label} (${addedOn(d)})` : label;
}

/**
 * A warning (not a refusal) for a name another dataset has, saying how to add a version instead;
 * null when the name is free.
 */
export function duplicateNameWarning(name: string, datasets: readonly Dataset[], opts: { exceptId?: string; upload?: boolean } = {}): string | null {
  const others = namesakes(name, datasets, opts.exceptId);
  if (!others.length) return null;
  const which = others.length === 1 ? 'Another dataset is' : `${others.length} other datasets are`;
  const advice = opts.upload
    ? `This upload would be a separate dataset with the same name; to add a version of “${others[0]!.name}”, use its “Upload a fixed version” button in the table.`
    : 'Both keep working, but lists will tell them apart only by version and date.';
  return `${which} already named “${name.trim()}”. ${advice}`;
}
