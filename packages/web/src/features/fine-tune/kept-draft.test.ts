import { describe, expect, it } from 'vitest';
import { emptyDraft } from './config-draft';
import { asKeptDraft } from './kept-draft';

describe('asKeptDraft', () => {
  it('takes the form as it was kept, with the settings that were typed', () => {
    const kept = { draft: { ...emptyDraft, datasetId: 'd1', maxSteps: '20', stopBy: 'steps' }, touched: ['maxSteps', 'stopBy'] };
    expect(asKeptDraft(JSON.parse(JSON.stringify(kept)))).toEqual(kept);
  });

  it('drops what does not fit the form of this version', () => {
    expect(asKeptDraft(null)).toBeNull();
    expect(asKeptDraft({ draft: { ...emptyDraft, packing: 'yes' }, touched: [] })).toBeNull();
    const { seed: _seed, ...withoutSeed } = emptyDraft;
    expect(asKeptDraft({ draft: withoutSeed, touched: [] })).toBeNull();
    // Unknown fields and unknown typed names are left out.
    expect(asKeptDraft({ draft: { ...emptyDraft, extra: 1 }, touched: ['seed', 'nonsense', 3] })).toEqual({ draft: emptyDraft, touched: ['seed'] });
  });
});
