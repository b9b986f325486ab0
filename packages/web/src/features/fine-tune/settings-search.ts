import type { Draft } from './config-draft';
import { searchSettings, settingsHelp, type SettingKey } from './settings-help';

/** Settings that only apply with another one set a certain way, and which way, in words. */
const shownWhen: Partial<Record<SettingKey, { shown: (d: Draft) => boolean; when: string }>> = {
  epochs: { shown: (d) => d.stopBy === 'epochs', when: '“Train for” is Epochs' },
  maxSteps: { shown: (d) => d.stopBy === 'steps', when: '“Train for” is Max steps' },
  valRatio: { shown: (d) => d.validation === 'split', when: '“Validation data” is Split off' },
  valSeed: { shown: (d) => d.validation === 'split', when: '“Validation data” is Split off' },
  valDatasetId: { shown: (d) => d.validation === 'dataset', when: '“Validation data” is Another dataset' },
};

/** Whether the form shows this setting with the other settings as they are. */
export function isShown(key: SettingKey, d: Draft): boolean {
  return shownWhen[key]?.shown(d) ?? true;
}

/**
 * The settings search as the form shows it: the matches it shows (and counts), and a line on
 * matches hidden by another setting's choice, naming it, so the count never includes a field
 * the user cannot see.
 */
export function searchShownSettings(query: string, d: Draft): { shown: SettingKey[]; hidden: SettingKey[]; hiddenNote: string | null } {
  const found = searchSettings(query);
  const shown = found.filter((k) => isShown(k, d));
  const hidden = found.filter((k) => !isShown(k, d));
  const hiddenNote = hidden.length ? hidden.map((k) => `${settingsHelp[k].label} shows when ${shownWhen[k]!.when}.`).join(' ') : null;
  return { shown, hidden, hiddenNote };
}

/** The line above the matches: how many show, or that none does. */
export function searchSummary(query: string, result: { shown: SettingKey[]; hiddenNote: string | null }): string {
  const q = `“${query.trim()}”`;
  const head = result.shown.length
    ? result.shown.length === 1
      ? `1 setting matches ${q}.`
      : `${result.shown.length} settings match ${q}.`
    : `No setting shown matches ${q}.`;
  if (result.hiddenNote) return `${head} ${result.hiddenNote}`;
  return result.shown.length ? head : `No setting matches ${q}. Try another word.`;
}
