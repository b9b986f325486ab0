import type { Draft } from './config-draft';

const KEY = 'qlora.fine-tune.presets';

/** Settings saved by name in this browser (the model and dataset are not part of a preset). */
export type Preset = Omit<Draft, 'modelId' | 'datasetId' | 'valDatasetId'>;

export function loadPresets(): Record<string, Preset> {
  try {
    const raw = localStorage.getItem(KEY);
    const value: unknown = raw ? JSON.parse(raw) : {};
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, Preset>) : {};
  } catch {
    return {};
  }
}

function store(presets: Record<string, Preset>) {
  try {
    localStorage.setItem(KEY, JSON.stringify(presets));
  } catch {
    // Storage full or unavailable: the preset is not kept.
  }
}

export function savePreset(name: string, draft: Draft): Record<string, Preset> {
  const { modelId: _m, datasetId: _d, valDatasetId: _v, ...settings } = draft;
  const next = { ...loadPresets(), [name]: settings };
  store(next);
  return next;
}

export function deletePreset(name: string): Record<string, Preset> {
  const next = { ...loadPresets() };
  delete next[name];
  store(next);
  return next;
}
