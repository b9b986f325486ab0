import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { memoryStorage } from '../../lib/test-storage';
import { emptyDraft } from './config-draft';
import { deletePreset, loadPresets, savePreset } from './presets';

const KEY = 'qlora.fine-tune.presets';

describe('presets', () => {
  beforeEach(() => vi.stubGlobal('localStorage', memoryStorage()));
  afterEach(() => vi.unstubAllGlobals());

  it('keeps the settings by name, without the model and datasets', () => {
    const draft = { ...emptyDraft, modelId: 'm', datasetId: 'd', learningRate: '0.001' };
    savePreset('fast', draft);
    const { modelId: _m, datasetId: _d, valDatasetId: _v, ...settings } = draft;
    expect(loadPresets()).toEqual({ fast: settings });
    expect(deletePreset('fast')).toEqual({});
    expect(loadPresets()).toEqual({});
  });

  it('loads what still fits from a preset an older version saved, and nothing from junk', () => {
    localStorage.setItem(KEY, JSON.stringify({ old: { learningRate: '0.001', optimizer: 'lion', packing: 'yes', gone: 1 }, junk: 'x' }));
    expect(loadPresets()).toEqual({ old: { learningRate: '0.001' } });
    for (const raw of ['{nope', '[]', '"text"']) {
      localStorage.setItem(KEY, raw);
      expect(loadPresets()).toEqual({});
    }
  });
});
