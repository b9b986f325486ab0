import { describe, expect, it } from 'vitest';
import { emptyDraft } from './config-draft';
import { searchSettings } from './settings-help';
import { isShown, searchShownSettings, searchSummary } from './settings-search';

describe('settings search as the form shows it', () => {
  it('counts only the settings it shows, and names where a hidden match is', () => {
    const draft = { ...emptyDraft, stopBy: 'epochs' as const };
    const all = searchSettings('steps');
    expect(all).toContain('maxSteps');
    const result = searchShownSettings('steps', draft);
    expect(result.shown).not.toContain('maxSteps');
    expect(result.shown.every((k) => isShown(k, draft))).toBe(true);
    expect(result.shown.length).toBe(all.length - 1);
    const summary = searchSummary('steps', result);
    expect(summary).toBe(`${all.length - 1} settings match “steps”. Max steps shows when “Train for” is Max steps.`);
  });

  it('shows a match once its setting applies', () => {
    const result = searchShownSettings('held-out share', { ...emptyDraft, validation: 'split' });
    expect(result).toMatchObject({ shown: ['valRatio'], hidden: [], hiddenNote: null });
    expect(searchSummary('held-out share', result)).toBe('1 setting matches “held-out share”.');
    const none = searchShownSettings('held-out share', emptyDraft);
    expect(searchSummary('held-out share', none)).toBe('No setting shown matches “held-out share”. Held-out share shows when “Validation data” is Split off.');
    expect(searchSummary('zzz', searchShownSettings('zzz', emptyDraft))).toBe('No setting matches “zzz”. Try another word.');
  });
});
