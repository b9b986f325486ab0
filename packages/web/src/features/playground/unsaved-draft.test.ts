import { describe, expect, it } from 'vitest';
import { emptyDraft } from './draft';
import { isEditorDraft } from './unsaved-draft';

describe('isEditorDraft', () => {
  it('takes a draft as the page holds it', () => {
    expect(isEditorDraft(emptyDraft())).toBe(true);
    expect(isEditorDraft({ ...emptyDraft(), mode: 'chat', conversation: [{ role: 'user', content: 'Hi' }], values: { name: 'Ada' } })).toBe(true);
  });

  it('keeps a draft kept before the kernels choice, as the fast kernels it ran', () => {
    const { kernels: _kernels, ...pane } = emptyDraft().panes[0]!;
    expect(isEditorDraft({ ...emptyDraft(), panes: [pane] })).toBe(true);
    expect(isEditorDraft({ ...emptyDraft(), panes: [{ ...pane, kernels: 'turbo' }] })).toBe(false);
  });

  it('refuses what an older version or another app may have left', () => {
    for (const value of [
      null,
      'text',
      {},
      { ...emptyDraft(), mode: 'voice' },
      { ...emptyDraft(), panes: [] },
      { ...emptyDraft(), values: { n: 1 } },
      { ...emptyDraft(), conversation: [{ role: 'system', content: 'x' }] },
    ]) {
      expect(isEditorDraft(value), JSON.stringify(value)).toBe(false);
    }
    const { seed: _seed, ...settings } = emptyDraft().settings;
    expect(isEditorDraft({ ...emptyDraft(), settings })).toBe(false);
  });
});
