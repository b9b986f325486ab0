import { z } from 'zod';
import { recordOfValid, storedJson } from '../../lib/browser-storage';
import { draftSchema, type Draft } from './config-draft';

/** Settings saved by name in this browser (the model and dataset are not part of a preset). */
export type Preset = Omit<Draft, 'modelId' | 'datasetId' | 'valDatasetId'>;

const presetFields = draftSchema.omit({ modelId: true, datasetId: true, valDatasetId: true }).shape;

/**
 * A stored preset: the settings that still fit this version's form. One saved before a setting
 * was added, or with a value since retyped, loads what it can and leaves the rest as the form has it.
 */
const storedPresetSchema = z.record(z.string(), z.unknown()).transform((stored) => {
  const settings: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(presetFields)) {
    const parsed = schema.safeParse(stored[name]);
    if (parsed.success) settings[name] = parsed.data;
  }
  return settings as Partial<Preset>;
});

const presets = storedJson('local', 'qlora.fine-tune.presets', recordOfValid(storedPresetSchema), () => ({}));

export function loadPresets(): Record<string, Partial<Preset>> {
  return presets.read();
}

export function savePreset(name: string, draft: Draft): Record<string, Partial<Preset>> {
  const { modelId: _m, datasetId: _d, valDatasetId: _v, ...settings } = draft;
  const next = { ...loadPresets(), [name]: settings };
  presets.write(next);
  return next;
}

export function deletePreset(name: string): Record<string, Partial<Preset>> {
  const next = { ...loadPresets() };
  delete next[name];
  presets.write(next);
  return next;
}
